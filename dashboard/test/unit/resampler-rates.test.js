'use strict';
/**
 * The capture worklet's resampler at the device rates other than 48 kHz (test/logic has 48 kHz and the
 * rest of the worklet): odd ratios such as 44056 Hz, downsampling by 6, upsampling from 8 kHz. Seconds of
 * arithmetic, so these run in dashboard's `npm test`, not in the quick logic tests.
 */
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { loadWorklet } = require('../support/worklet-loader');
const { resampleInBlocks, checkLengthAnyBlocks, checkFrequencyResponse } = require('../support/resampler-checks');

describe('mic-worklet: resampler at other device rates', () => {
  for (const inRate of [44100, 96000, 22050, 8000, 44056]) {
    it(`${inRate} Hz → 16 kHz: ceil(N·16000/${inRate}) samples whatever the block sizes, identical to one block`, () => checkLengthAnyBlocks(inRate));
  }

  for (const inRate of [44100, 44056]) {
    it(`${inRate} Hz: 1 kHz and 6.5 kHz keep their level within 0.5 dB and their timing; 10 kHz is ≥ 40 dB down`, () => checkFrequencyResponse(inRate));
  }

  it('a constant keeps its value (unity gain at DC for every phase)', () => {
    const { Resampler } = loadWorklet(44100);
    const out = resampleInBlocks(Resampler, 44100, new Float32Array(44100).fill(0.25), [128]);
    for (let i = 200; i < out.length - 200; i++) assert.ok(Math.abs(out[i] - 0.25) < 1e-5, `sample ${i}: ${out[i]}`);
  });
});
