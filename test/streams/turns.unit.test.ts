/**
 * Turn ends and stream ends on a hand-moved clock: flush timeout, final grace, idle timeout, and the bounded
 * queue that counts what it drops.
 */
import { strict as assert } from 'node:assert';
import { ManagerHarness } from './manager-harness';
import { pcmRun } from './scripted-gradium';

describe('streams: turns, idle and buffering (manual clock, scripted socket)', () => {
  it('final grace: the final leaves finalGrace after flushed, with a word that trailed flushed inside it', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual', finalGrace: 100 });
    h.push('desk', pcmRun(10));
    h.advance(20);
    const s = h.server.session(1);
    s.say('hello', 0.1);
    h.manager.flush('desk', undefined);
    const flushedAt = h.clock.now() + 1;
    h.advance(50);
    s.say('world', 0.4);
    h.advance(50);
    assert.equal(h.finals().length, 0, 'not before the grace is over');
    h.advance(1);
    const [final] = h.finals();
    assert.equal(final!.text, 'hello world');
    assert.equal(final!.endOfTurn, 'flush');
    assert.equal(h.transcripts.find((t) => t.payload.final)!.at, flushedAt + 100);
    assert.equal(final!.latencyMs, 101, 'from the flush request to the final');
    s.say('late', 0.6);
    h.advance(500);
    assert.equal(h.finals().length, 1, 'a word after the final opens the next turn');
    assert.equal(h.transcripts.at(-1)!.payload.text, 'late');
    assert.equal(h.disconnected.length, 0, 'flush keeps the session');
  });

  it('flush timeout: with no flushed, what was heard comes out flushTimeout + finalGrace later, with a warning', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual', flushTimeout: 2000, finalGrace: 100 }, { answerFlush: false });
    h.push('desk', pcmRun(10));
    h.advance(20);
    h.server.session(1).say('hello', 0.1);
    h.manager.flush('desk', undefined);
    h.advance(2099);
    assert.equal(h.finals().length, 0);
    h.advance(1);
    assert.equal(h.finals()[0]!.text, 'hello');
    assert.ok(h.warnings.some((w) => /did not answer flush 1 within 2000 ms/.test(w)));
  });

  it('VAD: three silent steps after speech end the turn; interim results come word by word', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.push('den', pcmRun(10));
    h.advance(20);
    const s = h.server.session(1);
    s.say('turn', 0.1);
    s.say('on', 0.3);
    h.push('den', pcmRun(2, 'silence'));
    h.advance(20);
    assert.equal(h.finals().length, 0, 'two silent steps are not enough');
    h.push('den', pcmRun(1, 'silence'));
    h.advance(200);
    assert.deepEqual(h.transcripts.map((t) => [t.payload.text, t.payload.final]), [['turn', false], ['turn on', false], ['turn on', true]]);
    assert.equal(h.finals()[0]!.endOfTurn, 'vad');
  });

  it('idle timeout: no audio for idleTimeout ends the stream (final, end_of_stream, reason idle); audio re-arms it', () => {
    const h = new ManagerHarness({ idleTimeout: 3000, turnMode: 'manual' });
    h.push('porch', pcmRun(5));
    h.advance(2000);
    h.server.session(1).say('hello', 0.1);
    h.push('porch', pcmRun(1));
    h.advance(2999);
    assert.equal(h.disconnected.length, 0, '2999 ms after the last audio: still open');
    h.advance(1);
    assert.ok(h.server.session(1).flushes.length === 1, 'the idle end flushes at 3000 ms');
    h.advance(200);
    assert.deepEqual(h.reasons(), ['idle']);
    assert.equal(h.finals()[0]!.endOfTurn, 'idle');
    assert.equal(h.finals()[0]!.text, 'hello');
    assert.ok(h.server.session(1).endOfStreamSent);
    assert.equal(h.manager.summary().streams, 0);
  });

  it('idle end: the last partial frame of the input goes out with the final, every sample once', () => {
    const h = new ManagerHarness({ idleTimeout: 1000 });
    h.push('porch', pcmRun(5));
    // 40 ms: half a frame, waiting in the pipeline for the rest that never comes.
    h.manager.pushAudio('porch', Buffer.alloc(1280, 9), undefined, undefined);
    h.advance(1300);
    assert.deepEqual(h.reasons(), ['idle']);
    assert.equal(Math.round(h.server.audioSeconds * 1000), 5 * 80 + 40);
    assert.equal(h.disconnected[0]!.payload.sentSeconds, 0.44);
  });

  it('idleTimeout 0 never ends a stream', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.push('porch', pcmRun(5));
    h.advance(24 * 3600_000);
    assert.equal(h.disconnected.length, 0);
    assert.equal(h.manager.summary().streams, 1);
  });

  it('bounded queue: while connecting, at most bufferSeconds is held; the oldest is dropped, warned once, counted', () => {
    const h = new ManagerHarness({ idleTimeout: 0, bufferSeconds: 1 }, { connectMs: 1e9 });
    h.push('mic', pcmRun(20));
    h.push('mic', pcmRun(5));
    assert.equal(h.warnings.filter((w) => /audio buffer full \(1 s\)/.test(w)).length, 1);
    h.manager.reset('mic');
    h.advance(10);
    const d = h.disconnected[0]!.payload;
    assert.equal(d.reason, 'reset');
    // Whole frames are kept: 12 frames (960 ms) fit in 1 s.
    assert.equal(d.droppedAudioMs, 25 * 80 - 12 * 80);
  });

  it('bounded queue: the socket backlog is capped too (a server that stops reading)', () => {
    const h = new ManagerHarness({ idleTimeout: 0, bufferSeconds: 2 }, {}, { maxBufferedBytes: 0 });
    h.push('mic', pcmRun(40));
    h.advance(100);
    // bufferedAmount 0 is not below a cap of 0: nothing may go to the socket, the queue keeps the last 2 s.
    assert.equal(h.server.session(1).audio.length, 0);
    h.manager.reset('mic');
    h.advance(10);
    assert.equal(h.disconnected[0]!.payload.droppedAudioMs, 40 * 80 - 25 * 80);
  });
});
