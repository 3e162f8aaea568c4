/**
 * The VAD turn rule with words that arrive `delay_in_frames` after the audio they describe, as Gradium
 * sends them: during the silence that ends the turn.
 */
import { strict as assert } from 'node:assert';
import type { StepMessage } from '../../src/gradium/protocol';
import { TurnDetector } from '../../src/gradium/turn-detector';

const RULE = { horizonS: 2, threshold: 0.7, steps: 3 };

function step(idx: number, inactivity: number): StepMessage {
  return {
    type: 'step',
    vad: [0.5, 1, 2, 3].map((h) => ({ horizon_s: h, inactivity_prob: inactivity })),
    step_idx: idx,
    step_duration_s: 0.08,
    total_duration_s: (idx + 1) * 0.08,
  };
}

describe('TurnDetector', () => {
  it('ends the turn after K silent steps even while the words of that speech are still arriving', () => {
    const d = new TurnDetector(RULE);
    // 0.8 s of speech (steps 0-9), then silence; five words spoken at 0.0-0.64 s arrive one per step from step 10.
    for (let i = 0; i < 10; i++) assert.equal(d.onStep(step(i, 0.04)), false);
    const ends: number[] = [];
    for (let i = 10; i < 20; i++) {
      if (i - 10 < 5) d.onWord((i - 10) * 0.16);
      if (d.onStep(step(i, 0.95))) ends.push(i);
    }
    assert.deepEqual(ends, [12], 'one turn end, three silent steps into the silence');
  });

  it('a late word from before the cut does not arm a second, empty turn end', () => {
    const d = new TurnDetector(RULE);
    for (let i = 0; i < 10; i++) d.onStep(step(i, 0.04));
    const ends: number[] = [];
    for (let i = 10; i < 25; i++) {
      if (i === 14) d.onWord(0.7); // spoken before the silence, arrives after the turn ended at step 12
      if (d.onStep(step(i, 0.95))) ends.push(i);
    }
    assert.deepEqual(ends, [12]);
  });

  it('a word spoken inside the silent run means the speaker went on: the count starts again', () => {
    const d = new TurnDetector(RULE);
    for (let i = 0; i < 10; i++) d.onStep(step(i, 0.04));
    assert.equal(d.onStep(step(10, 0.95)), false);
    assert.equal(d.onStep(step(11, 0.95)), false);
    d.onWord(0.85); // audio time inside step 10's silence
    assert.equal(d.onStep(step(12, 0.95)), false);
    assert.equal(d.onStep(step(13, 0.95)), false);
    assert.equal(d.onStep(step(14, 0.95)), true);
  });

  it('words alone arm it (no step below the threshold yet), and a word without a time counts as now', () => {
    const d = new TurnDetector(RULE);
    assert.equal(d.onStep(step(0, 0.95)), false, 'silence before anyone spoke ends nothing');
    d.onWord();
    assert.equal(d.onStep(step(1, 0.95)), false);
    d.onWord();
    assert.equal(d.onStep(step(2, 0.95)), false);
    assert.equal(d.onStep(step(3, 0.95)), false);
    assert.equal(d.onStep(step(4, 0.95)), true);
  });
});
