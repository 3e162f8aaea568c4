/**
 * Audio that arrives while a stream is ending (issue 10): after its idle timeout or a stop, during the last
 * flush, or after a reset. It must open the next session, never vanish.
 */
import { strict as assert } from 'node:assert';
import { ManagerHarness } from './manager-harness';
import { pcmRun, tagOf } from './scripted-gradium';

describe('streams: audio while a stream is ending (manual clock, scripted socket)', () => {
  it('idle: audio during the last flush opens the next session; the old one still gives its final', () => {
    const h = new ManagerHarness({ idleTimeout: 1000, turnMode: 'manual' });
    h.push('porch', pcmRun(5, 'speech', 1));
    h.advance(20);
    h.server.session(1).say('hello', 0.1);
    h.advance(980);
    const s1 = h.server.session(1);
    assert.equal(s1.flushes.length, 1, 'the idle end is flushing');
    h.push('porch', pcmRun(3, 'speech', 50));
    h.advance(300);
    assert.equal(h.server.sessions.length, 2, 'the new audio opened a session');
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [50, 51, 52]);
    assert.deepEqual(s1.audio.map(tagOf), [1, 2, 3, 4, 5], 'nothing new went to the ending session');
    assert.deepEqual(h.reasons(), ['idle']);
    assert.equal(h.finals()[0]!.text, 'hello');
    assert.equal(h.finals()[0]!.endOfTurn, 'idle');
    assert.deepEqual(h.connected.map((c) => c.payload.session), [1, 1], 'a new stream counts its sessions from 1');
    h.manager.stop('porch', undefined);
    h.advance(300);
    assert.deepEqual(h.reasons(), ['idle', 'stop']);
    assert.ok(h.disconnected.every((d) => d.payload.droppedAudioMs === 0));
    assert.equal(h.server.audioSeconds, 8 * 0.08, 'every frame reached Gradium once');
  });

  it('stop: audio right after it opens a new session, even while the stopped one is still connecting', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, { connectMs: 50 });
    h.push('sat', pcmRun(3, 'speech', 1));
    h.manager.stop('sat', undefined);
    h.push('sat', pcmRun(2, 'speech', 4));
    h.advance(500);
    assert.deepEqual(h.server.session(1).audio.map(tagOf), [1, 2, 3], 'before the stop: the stopped session');
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [4, 5], 'after it: the next one');
    assert.ok(h.server.session(1).endOfStreamSent);
    assert.ok(!h.server.session(2).endOfStreamSent);
    assert.deepEqual(h.reasons(), ['stop']);
    assert.equal(h.manager.summary().streams, 1);
  });

  it('each stream of a key has its own number: the ending one reports under its own, beside the next one', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' });
    const seen: [string, number | null][] = [];
    h.manager.on('transcript', (_key, t, _ctx, id) => t.final && seen.push([t.text, id]));
    h.manager.on('disconnected', (_key, p, _ctx, id) => seen.push([p.reason, id]));
    h.push('sat', pcmRun(3, 'speech', 1));
    h.advance(20);
    h.server.session(1).say('hello', 0.1);
    const [first] = h.manager.streamsOf('sat');
    assert.notEqual(first, undefined);
    h.manager.stop('sat', undefined);
    h.push('sat', pcmRun(2, 'speech', 4));
    const both = h.manager.streamsOf('sat');
    assert.equal(both.length, 2, 'the stopped stream, still ending, and the next one');
    const second = both.find((id) => id !== first)!;
    assert.ok(both.includes(first!) && second !== undefined);
    h.advance(500);
    assert.deepEqual(seen, [['hello', first], ['stop', first]]);
    assert.deepEqual(h.manager.streamsOf('sat'), [second]);
    assert.deepEqual(h.manager.streamsOf('nobody'), []);
  });

  it('action start while the stream ends opens the next session at once', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.push('sat', pcmRun(3));
    h.advance(20);
    h.manager.stop('sat', undefined);
    h.manager.start('sat', undefined);
    h.advance(50);
    assert.equal(h.server.sessions.length, 2);
    assert.equal(h.connected.length, 2);
  });

  it('reset: audio right after it goes to a new session; the reset one gives no final', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' });
    h.push('attic', pcmRun(3, 'speech', 1));
    h.advance(20);
    h.server.session(1).say('gone', 0.1);
    h.manager.reset('attic');
    h.push('attic', pcmRun(2, 'speech', 9));
    h.advance(50);
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [9, 10]);
    assert.deepEqual(h.reasons(), ['reset']);
    assert.equal(h.finals().length, 0);
  });

  it('flush and stop for a key whose stream is only draining are accepted and open nothing', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.push('sat', pcmRun(3));
    h.advance(20);
    h.manager.stop('sat', undefined);
    h.manager.flush('sat', undefined);
    h.manager.stop('sat', undefined);
    h.advance(300);
    assert.equal(h.server.sessions.length, 1);
    assert.throws(() => h.manager.stop('sat', undefined), /no stream "sat" is open/);
  });
});
