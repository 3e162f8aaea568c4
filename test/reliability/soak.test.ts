/**
 * The soak run, short (2 min of audio each way, ~10 s of wall time each), in `npm test` so that its accounting
 * cannot drift unnoticed: with the voice gate (the default) and with `sendAudio: "always"`, every second pushed
 * is sent, gated, muted or (gate only) still held in the gate's pre-roll at the end; the emulator received at
 * least what was sent; words in = words out; nothing dropped.
 * `npm run soak` is the 30 min run (memory growth is judged there; two minutes are too short for it).
 */
import { strict as assert } from 'node:assert';
import { accountingTolerance, describeSoak, runSoak } from './soak-run';

describe('reliability: the short soak, both ways', function () {
  this.timeout(120_000);

  for (const sendAudio of ['speech', 'always'] as const) {
    it(`sendAudio "${sendAudio}": pushed = sent + gated + muted (+ the pre-roll held), every word once, nothing dropped`, async () => {
      const r = await runSoak({ minutes: 2, sendAudio });
      const figures = describeSoak(r).join('\n');
      assert.equal(r.pushedSeconds, 120);
      const tolerance = accountingTolerance(r);
      assert.ok(Math.abs(r.pushedSeconds - r.sentSeconds - r.gatedSeconds - r.mutedSeconds - r.heldAtEndSeconds) <= 0.001, figures);
      assert.ok(r.heldAtEndSeconds >= -tolerance && r.heldAtEndSeconds <= r.maxHeldSeconds + tolerance, figures);
      assert.deepEqual(r.failures, [], figures);
      // What the node says it sent reached the emulator (replays after the crashes may add to it).
      assert.ok(r.receivedSamples >= Math.round(r.sentSeconds * 16000) - 16000 * accountingTolerance(r), figures);
      if (sendAudio === 'always') assert.equal(r.gatedSeconds, 0, figures);
      else assert.ok(r.gatedSeconds > 5, `the gate kept back the pauses\n${figures}`);
      assert.equal(r.mutedSeconds, 0, figures);
      assert.ok(r.wordsIn > 50, figures);
      assert.equal(r.wordsOut, r.wordsIn, figures);
      assert.equal(r.droppedMs, 0, figures);
      assert.equal(r.sessionsOverCap, 0, figures);
      assert.ok(r.reconnects >= 1, `at least one crash and reconnect\n${figures}`);
      assert.ok((r.reasons.rotation ?? 0) >= 1, `rotations\n${figures}`);
    });
  }
});
