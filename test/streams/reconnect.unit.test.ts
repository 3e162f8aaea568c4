/**
 * Reconnects, on a hand-moved clock: replay of unacknowledged audio, backoff with jitter and its reset,
 * the stall watchdog. The stream layer is the real one; only the socket is scripted.
 */
import { strict as assert } from 'node:assert';
import { Backoff } from '../../src/streams/backoff';
import { ManagerHarness } from './manager-harness';
import { pcmRun, tagOf } from './scripted-gradium';

const QUICK = { backoff: { initialMs: 100, maxMs: 400, maxAttempts: 0 } };

describe('streams: reconnects (manual clock, scripted socket)', () => {
  it('replays exactly the audio Gradium never acknowledged, then what came meanwhile, in order', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' }, {}, QUICK);
    h.push('mic', pcmRun(10, 'speech', 1));
    h.advance(20);
    const s1 = h.server.session(1);
    assert.equal(s1.audio.length, 10, 'sent once the socket opened');
    h.server.set({ ack: false });
    h.push('mic', pcmRun(5, 'speech', 11));
    s1.say('hello', 0.2);
    // Gradium acknowledges 12 frames (0.96 s), then the socket dies with frames 13-15 in flight.
    s1.step(0.96);
    s1.crash();

    const cut = h.disconnected[0]!.payload;
    assert.equal(cut.reason, 'closed');
    assert.equal(cut.code, 1006);
    assert.equal(cut.willReconnect, true);
    assert.equal(cut.retryInMs, 75, 'half fixed, half jitter: 50 + 0.5 × 50 ms');
    assert.equal(cut.audioSeconds, 1.2);
    h.push('mic', pcmRun(2, 'speech', 16));
    h.server.set({ ack: true });
    h.advance(74);
    assert.equal(h.server.sessions.length, 1, 'no reconnect before the delay');
    h.advance(20);
    const s2 = h.server.session(2);
    assert.deepEqual(s2.audio.map(tagOf), [13, 14, 15, 16, 17], 'the unacknowledged tail first, then the new audio');
    assert.equal(h.connected[1]!.payload.reconnects, 1);
    assert.equal(h.connected[1]!.payload.session, 2);

    // The unfinished turn carries over: words of both sessions make one final, on the stream's clock.
    s2.say('world', 0.3);
    h.manager.stop('mic', undefined);
    h.advance(200);
    const [final] = h.finals('mic');
    assert.equal(final!.text, 'hello world');
    assert.equal(final!.endOfTurn, 'stop');
    assert.deepEqual(final!.words.map((w) => w.start), [0.2, 0.96 + 0.3]);
    assert.deepEqual(h.reasons(), ['closed', 'stop']);
    assert.equal(h.disconnected[1]!.payload.droppedAudioMs, 0);
  });

  it('backs off exponentially with jitter up to the cap, and starts again from the bottom after a ready', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, { refuseHttp: 503 }, QUICK);
    h.push('mic', pcmRun(3));
    h.advance(2000);
    const delays = h.disconnected.map((d) => d.payload.retryInMs);
    assert.deepEqual(delays.slice(0, 5), [75, 150, 300, 300, 300], 'doubling, capped at 400 (×0.75 with this jitter)');
    assert.ok(h.disconnected.every((d) => d.payload.willReconnect && d.payload.reason === 'error'));
    assert.equal(h.failed.length, 0, 'a transient refusal is not an error for the flow');

    const attempts = h.server.sessions.length;
    h.server.set({ refuseHttp: null });
    h.advance(400);
    assert.equal(h.server.sessions.length, attempts + 1);
    assert.equal(h.connected.length, 1);
    assert.equal(h.connected[0]!.payload.reconnects, attempts);
    assert.equal(h.server.last.audio.length, 3, 'the audio waited through every attempt');
    h.server.last.crash();
    assert.equal(h.disconnected.at(-1)!.payload.retryInMs, 75, 'a ready resets the backoff');
  });

  it('jitter stays within [ceiling/2, ceiling] and the ceiling doubles up to maxMs', () => {
    for (const r of [0, 0.25, 0.999]) {
      const b = new Backoff({ initialMs: 500, maxMs: 30_000, maxAttempts: 0 }, () => r);
      const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];
      for (const c of ceilings) {
        const d = b.next();
        assert.ok(d >= c / 2 && d <= c, `${d} ms for a ceiling of ${c} (random ${r})`);
      }
    }
    const limited = new Backoff({ initialMs: 100, maxMs: 1000, maxAttempts: 2 });
    limited.next();
    assert.equal(limited.exhausted, false);
    limited.next();
    assert.equal(limited.exhausted, true);
  });

  it('gives up after maxAttempts with one error and drops (and counts) the audio it held', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, { refuseHttp: 503 }, { backoff: { initialMs: 100, maxMs: 100, maxAttempts: 2 } });
    h.push('mic', pcmRun(5));
    h.advance(1000);
    assert.equal(h.server.sessions.length, 3);
    assert.deepEqual(h.disconnected.map((d) => d.payload.willReconnect), [true, true, false]);
    assert.equal(h.failed.length, 1);
    assert.equal(h.disconnected[2]!.payload.droppedAudioMs, 400);
  });

  it('stall watchdog: audio unacknowledged for stallTimeoutMs fails the session; the next one gets all of it', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' }, { ack: false }, { ...QUICK, stallTimeoutMs: 400 });
    // Live audio, one chunk every 80 ms: the watchdog looks at each push.
    h.pushPaced('mic', pcmRun(5, 'speech', 1));
    assert.equal(h.disconnected.length, 0);
    h.pushPaced('mic', pcmRun(2, 'speech', 6));
    // First frame sent at 10 ms; the push at 490 ms sees 480 ms without an acknowledgement.
    assert.equal(h.disconnected.length, 1);
    const d = h.disconnected[0]!.payload;
    assert.match(d.message, /acknowledged no audio/);
    assert.equal(d.willReconnect, true);
    assert.equal(h.server.session(1).closedBy, 'server');
    h.server.set({ ack: true });
    h.advance(200);
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [1, 2, 3, 4, 5, 6, 7], 'everything, once, in order');
  });

  it('no stall is seen while Gradium keeps acknowledging, however long the stream runs', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' }, {}, { stallTimeoutMs: 400 });
    h.pushPaced('mic', pcmRun(200));
    assert.equal(h.disconnected.length, 0);
    assert.equal(h.server.sessions.length, 1);
  });
});
