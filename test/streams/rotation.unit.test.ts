/**
 * Rotation before Gradium's session cap, on a hand-moved clock, with a 10 s cap: after 80 % (8 s) the stream
 * waits for a turn boundary; at the cap minus 10 % (9 s) it rotates whatever the turn.
 */
import { strict as assert } from 'node:assert';
import { ManagerHarness } from './manager-harness';
import { pcmRun, tagOf } from './scripted-gradium';

const CAP = { sessionCapSeconds: 10 };

describe('streams: rotation (manual clock, scripted socket)', () => {
  it('past 80 % of the cap, rotates at the next turn boundary: old final out, new session takes the audio', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, {}, CAP);
    // 7.76 s of speech, then three silent frames: the VAD ends the turn at exactly 8 s of audio.
    h.push('hall', pcmRun(97, 'speech', 1));
    h.push('hall', pcmRun(3, 'silence'));
    h.advance(11);
    const s1 = h.server.session(1);
    s1.say('alpha', 1);
    h.advance(300);
    assert.equal(h.server.sessions.length, 2, 'rotated at the turn end');
    assert.equal(s1.audioSeconds, 8);
    const [final] = h.finals('hall');
    assert.equal(final!.text, 'alpha');
    assert.equal(final!.endOfTurn, 'vad');
    assert.equal(final!.session, 1);
    assert.ok(s1.endOfStreamSent, 'the old session ends with end_of_stream');
    assert.deepEqual(h.reasons(), ['rotation']);
    assert.equal(h.connected.length, 2);
    assert.equal(h.connected[1]!.payload.reconnects, 0, 'a rotation is not a reconnect');

    h.push('hall', pcmRun(3, 'speech', 200));
    h.advance(50);
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [200, 201, 202]);
    assert.equal(s1.audio.length, 100, 'nothing sent twice');
  });

  it('below 80 % a turn end does not rotate (turn end at 7.92 s)', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, {}, CAP);
    h.push('hall', pcmRun(96, 'speech'));
    h.push('hall', pcmRun(3, 'silence'));
    h.advance(11);
    h.server.session(1).say('alpha', 1);
    h.advance(300);
    assert.equal(h.finals().length, 1);
    assert.equal(h.server.sessions.length, 1);
  });

  it('forces the rotation at 90 % of the cap when no turn ends: split between sessions, every frame once', () => {
    const h = new ManagerHarness({ idleTimeout: 0, bufferSeconds: 30 }, {}, CAP);
    h.push('hall', pcmRun(130, 'speech', 1));
    h.advance(11);
    const s1 = h.server.session(1);
    s1.say('bravo', 2);
    h.advance(300);
    assert.equal(h.server.sessions.length, 2);
    // The frame that crosses 9 s (frame 113, to 9.04 s) is the old session's last.
    assert.deepEqual(s1.audio.map(tagOf), pcmRun(113, 'speech', 1).map(tagOf));
    const s2 = h.server.session(2);
    assert.deepEqual(s2.audio.map(tagOf), pcmRun(17, 'speech', 114).map(tagOf));
    const [final] = h.finals('hall');
    assert.equal(final!.text, 'bravo');
    assert.equal(final!.endOfTurn, 'rotation');
    assert.deepEqual(h.reasons(), ['rotation']);
    // The new session's words are placed after the old session's audio on the stream's clock.
    s2.say('charlie', 0.5);
    h.manager.stop('hall', undefined);
    h.advance(300);
    assert.equal(h.finals('hall')[1]!.words[0]!.start, 9.04 + 0.5);
  });

  it('a stop right after a long backlog still never lets a session pass the cap', () => {
    const h = new ManagerHarness({ idleTimeout: 0, bufferSeconds: 60 }, {}, CAP);
    h.push('hall', pcmRun(300, 'speech'));
    h.manager.stop('hall', undefined);
    h.advance(2000);
    assert.ok(h.server.sessions.length >= 3);
    for (const s of h.server.sessions) assert.ok(s.audioSeconds <= 9.04 + 1e-9, `session ${s.id}: ${s.audioSeconds} s`);
    assert.equal(Math.round(h.server.audioSeconds * 1000), 300 * 80);
    assert.deepEqual(h.reasons().slice(-1), ['stop']);
  });
});
