/**
 * The circuit breaker, on a hand-moved clock: a refused key holds new sessions back for 1 minute, doubling
 * to 10 minutes; an error that names a setting holds them back until the settings change.
 */
import { strict as assert } from 'node:assert';
import { ManagerHarness } from './manager-harness';
import { pcmRun } from './scripted-gradium';

const MINUTE = 60_000;

describe('streams: circuit breaker (manual clock, scripted socket)', () => {
  it('a refused key blocks new sessions for 1, 2, 4, 8, 10, 10 minutes, one error per attempt, audio counted', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, { refuseHttp: 401 });
    const opened: number[] = [];
    let refused = 0;
    // One chunk a second from a rotating set of microphones, for 45 minutes.
    for (let t = 0; t < 45 * MINUTE; t += 1000) {
      const before = h.server.sessions.length;
      if (!h.manager.pushAudio(`mic${(t / 1000) % 7}`, pcmRun(1)[0], undefined, undefined)) refused += 1;
      if (h.server.sessions.length > before) opened.push(t);
      h.advance(1000);
    }
    assert.equal(h.failed.length, opened.length, 'one error per attempt, not per chunk or stream');
    // Each block runs from the refusal; the next attempt is the first chunk after it (chunks come each second).
    const blocks = opened.slice(1).map((t, i) => t - h.failed[i]!.at);
    const expected = [1, 2, 4, 8, 10, 10].map((m) => m * MINUTE);
    assert.equal(blocks.length, expected.length, `attempts at ${opened.map((t) => t / 1000).join(', ')} s`);
    blocks.forEach((b, i) => assert.ok(b >= expected[i]! && b < expected[i]! + 1000, `block ${i}: ${b} ms`));
    assert.ok(h.failed.every((f) => f.payload.category === 'auth'));
    assert.equal(refused, 45 * 60 - opened.length);
    assert.ok(h.disconnected.every((d) => !d.payload.willReconnect));
    const drops = h.warnings.filter((w) => /audio dropped while new sessions are held back/.test(w));
    const totals = h.warnings.filter((w) => /ms of audio were dropped while new sessions were held back/.test(w));
    assert.equal(drops.length, opened.length, 'warned once per block, not per chunk');
    assert.equal(totals.length, opened.length - 1, 'the total is reported each time sessions resume');
  });

  it('a refused key ends the other streams instead of letting each fail on its own', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.push('a', pcmRun(3));
    h.push('b', pcmRun(3));
    h.advance(20);
    h.server.set({ refuseHttp: 401 });
    h.push('c', pcmRun(1));
    h.advance(20);
    assert.equal(h.failed.length, 1);
    assert.deepEqual(h.reasons().sort(), ['error', 'error', 'error']);
    assert.equal(h.manager.summary().streams, 0);
    assert.equal(h.manager.summary().blocked?.category, 'auth');
  });

  it('an error naming a setting blocks until the settings change, however long, then lets one session through', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, { setupError: { code: 1011, message: 'Unsupported language: xx' } });
    h.push('mic', pcmRun(3));
    h.advance(20);
    assert.equal(h.failed.length, 1);
    assert.equal(h.failed[0]!.payload.category, 'config');
    for (let i = 0; i < 24; i++) {
      h.advance(5 * MINUTE);
      assert.equal(h.manager.pushAudio('mic', pcmRun(1)[0], undefined, undefined), false);
    }
    assert.equal(h.server.sessions.length, 1, 'two hours later, still no new attempt');
    h.server.set({ setupError: null });
    h.manager.updateSettings({ language: 'fr' });
    assert.equal(h.manager.summary().blocked, null);
    assert.ok(h.warnings.some((w) => /^\d+ ms of audio were dropped/.test(w)), 'what was dropped is reported on resume');
    h.push('mic', pcmRun(3));
    h.advance(20);
    assert.equal(h.server.sessions.length, 2);
    assert.equal(h.server.last.language, 'fr');
    assert.equal(h.connected.length, 1);
  });

  it('action start while blocked throws the error that blocked, and opens nothing', () => {
    const h = new ManagerHarness({ idleTimeout: 0 }, { refuseHttp: 401 });
    h.manager.start('a', undefined);
    h.advance(20);
    assert.notEqual(h.manager.summary().blocked, null);
    assert.throws(() => h.manager.start('b', undefined), /HTTP 401/);
    h.advance(20);
    assert.equal(h.server.sessions.length, 1);
  });
});
