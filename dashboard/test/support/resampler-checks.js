'use strict';
/**
 * Signals and the two resampler checks that run at several device rates: test/logic runs them at 48 kHz
 * (the usual rate, quick), test/unit at the other rates (odd ratios, 44056 Hz: seconds of arithmetic).
 */
const assert = require('node:assert/strict');
const { loadWorklet } = require('./worklet-loader');
const wire = require('../../shared/wire.json');

const TARGET = wire.sampleRate;

function sine(freq, rate, n, amp = 0.5, phase = 0) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate + phase);
  return out;
}

function rms(a, from = 0, to = a.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] * a[i];
  return Math.sqrt(s / (to - from));
}

const db = (ratio) => 20 * Math.log10(ratio);

/** A deterministic pseudo-random sequence (tests must not differ between runs). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function concat(parts) {
  const n = parts.reduce((k, p) => k + p.length, 0);
  const out = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `input` through a fresh resampler in blocks of the given sizes (cycling), then flushes. */
function resampleInBlocks(Resampler, inRate, input, blockSizes) {
  const r = new Resampler(inRate, TARGET);
  const parts = [];
  let at = 0;
  let i = 0;
  while (at < input.length) {
    const n = Math.min(blockSizes[i++ % blockSizes.length], input.length - at);
    parts.push(Float32Array.from(r.process(input.subarray(at, at + n))));
    at += n;
  }
  parts.push(Float32Array.from(r.flush()));
  return concat(parts);
}

/** N input samples give ceil(N·16000/inRate) outputs, the same whatever the block sizes. @param {number} inRate */
function checkLengthAnyBlocks(inRate) {
  const { Resampler } = loadWorklet(inRate);
  const rand = lcg(inRate);
  const input = new Float32Array(inRate + 12345).map(() => rand() * 2 - 1);
  const expected = Math.ceil((input.length * TARGET) / inRate);
  const whole = resampleInBlocks(Resampler, inRate, input, [input.length]);
  assert.equal(whole.length, expected);
  const sizes = Array.from({ length: 64 }, () => 1 + Math.floor(rand() * 700));
  for (const blocks of [[128], [1], [127, 129, 3], sizes]) {
    const split = resampleInBlocks(Resampler, inRate, input, blocks);
    assert.equal(split.length, expected, `blocks ${blocks.slice(0, 4)}…`);
    assert.deepEqual(split, whole, `blocks ${blocks.slice(0, 4)}… change the output`);
  }
}

/** 1 kHz and 6.5 kHz keep level and timing; 10 kHz is ≥ 40 dB down. @param {number} inRate */
function checkFrequencyResponse(inRate) {
  const { Resampler } = loadWorklet(inRate);
  const n = inRate; // one second
  const margin = 800; // output samples at each end, away from the stream's edges
  for (const freq of [1000, 6500]) {
    const out = resampleInBlocks(Resampler, inRate, sine(freq, inRate, n), [128]);
    const ideal = sine(freq, TARGET, out.length);
    const gain = db(rms(out, margin, out.length - margin) / rms(ideal, margin, out.length - margin));
    assert.ok(Math.abs(gain) < 0.5, `${freq} Hz changed by ${gain.toFixed(3)} dB`);
    // Same phase as the ideal 16 kHz sine: no delay is added.
    let worst = 0;
    for (let i = margin; i < out.length - margin; i++) worst = Math.max(worst, Math.abs(out[i] - ideal[i]));
    assert.ok(worst < 0.01, `${freq} Hz: largest difference from the ideal sine ${worst}`);
  }
  const above = resampleInBlocks(Resampler, inRate, sine(10000, inRate, n), [128]);
  const attenuation = db(rms(above, margin, above.length - margin) / rms(sine(10000, inRate, n)));
  assert.ok(attenuation <= -40, `10 kHz only ${attenuation.toFixed(1)} dB down`);
}

module.exports = { TARGET, sine, rms, db, lcg, concat, resampleInBlocks, checkLengthAnyBlocks, checkFrequencyResponse };
