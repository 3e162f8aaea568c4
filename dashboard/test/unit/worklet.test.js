'use strict';
/**
 * The capture worklet (ui/capture/mic-worklet.js, the very file the browser loads) in Node: the
 * resampler's length, frequency response and timing, the 16-bit chunker, and the processor as the
 * browser drives it (128-frame blocks in, posted chunks out, flush on stop).
 */
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { loadWorklet, PROCESSOR_NAME } = require('../support/worklet-loader');
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

describe('mic-worklet: the file loads as an AudioWorklet module', () => {
  it('registers exactly one processor, gradium-mic-capture', () => {
    assert.deepEqual(loadWorklet(48000).names, [PROCESSOR_NAME]);
  });
});

describe('mic-worklet: resampler', () => {
  for (const inRate of [44100, 48000, 96000, 22050, 8000, 44056]) {
    it(`${inRate} Hz → 16 kHz: ceil(N·16000/${inRate}) samples whatever the block sizes, identical to one block`, () => {
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
    });
  }

  for (const inRate of [44100, 48000, 44056]) {
    it(`${inRate} Hz: 1 kHz and 6.5 kHz keep their level within 0.5 dB and their timing; 10 kHz is ≥ 40 dB down`, () => {
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
    });
  }

  it('16 kHz in: samples pass through unchanged', () => {
    const { Resampler } = loadWorklet(16000);
    const input = sine(440, 16000, 5000);
    const out = resampleInBlocks(Resampler, 16000, input, [128]);
    assert.deepEqual(out, input);
  });

  it('8 kHz in (upsampling): a 1 kHz sine keeps its level', () => {
    const { Resampler } = loadWorklet(8000);
    const out = resampleInBlocks(Resampler, 8000, sine(1000, 8000, 8000), [128]);
    const ideal = sine(1000, TARGET, out.length);
    const gain = db(rms(out, 800, out.length - 800) / rms(ideal, 800, out.length - 800));
    assert.ok(Math.abs(gain) < 0.5, `gain ${gain}`);
  });

  it('a constant keeps its value (unity gain at DC for every phase)', () => {
    const { Resampler } = loadWorklet(44100);
    const out = resampleInBlocks(Resampler, 44100, new Float32Array(44100).fill(0.25), [128]);
    for (let i = 200; i < out.length - 200; i++) assert.ok(Math.abs(out[i] - 0.25) < 1e-5, `sample ${i}: ${out[i]}`);
  });

  it('flush starts a fresh stream: the same input gives the same output again', () => {
    const { Resampler } = loadWorklet(48000);
    const r = new Resampler(48000, TARGET);
    const input = sine(300, 48000, 4800);
    const first = concat([Float32Array.from(r.process(input)), Float32Array.from(r.flush())]);
    const second = concat([Float32Array.from(r.process(input)), Float32Array.from(r.flush())]);
    assert.deepEqual(second, first);
    assert.equal(first.length, 1600);
  });
});

describe('mic-worklet: chunker', () => {
  const { Chunker } = loadWorklet(48000);

  it(`cuts ${wire.chunkSamples}-sample Int16 chunks and flushes the remainder once`, () => {
    const c = new Chunker(wire.chunkSamples);
    const total = 3 * wire.chunkSamples + 77;
    const chunks = [];
    for (let at = 0; at < total; at += 100) chunks.push(...c.push(new Float32Array(Math.min(100, total - at)).fill(0.5)));
    assert.equal(chunks.length, 3);
    for (const ch of chunks) {
      assert.equal(ch.pcm.length, wire.chunkSamples);
      assert.equal(ch.pcm.constructor.name, 'Int16Array');
      assert.ok(ch.pcm.every((s) => s === 16384));
      assert.equal(ch.peak, 0.5);
    }
    const last = c.flush();
    assert.ok(last);
    assert.equal(last.pcm.length, 77);
    assert.equal(c.flush(), null, 'a second flush has nothing');
  });

  it('saturates out-of-range values instead of wrapping; NaN becomes 0', () => {
    const c = new Chunker(8);
    const [chunk] = c.push(Float32Array.from([1.5, -1.5, 1, -1, 0.99999, -0.99999, NaN, 0]));
    assert.ok(chunk);
    const { pcm } = chunk;
    assert.deepEqual(Array.from(pcm), [32767, -32768, 32767, -32768, 32767, -32768, 0, 0]);
  });

  it('refuses a chunk size that is not a positive integer', () => {
    // The worklet runs in its own realm: compare the error's name, not its prototype.
    assert.throws(() => new Chunker(0), { name: 'RangeError', message: /bad chunk size 0/ });
    assert.throws(() => new Chunker(12.5), { name: 'RangeError' });
  });
});

describe('mic-worklet: the processor as the browser drives it', () => {
  /** Feeds `seconds` of a stereo signal in 128-frame render quanta; left 0.4, right 0.2 (mean 0.3). */
  function run(rate, seconds, channels = 2) {
    const { Processor } = loadWorklet(rate);
    const p = new Processor({ processorOptions: { targetRate: TARGET, chunkSamples: wire.chunkSamples } });
    const frames = Math.round(rate * seconds);
    let fed = 0;
    while (fed < frames) {
      const n = Math.min(128, frames - fed);
      const input = [new Float32Array(n).fill(0.4), new Float32Array(n).fill(0.2), new Float32Array(n).fill(0.3)];
      assert.equal(p.process([input.slice(0, channels)], [], {}), true);
      fed += n;
    }
    return { p, frames };
  }

  it('48 kHz stereo: mono mix, 80 ms chunks, the partial last chunk on flush, then a flushed count', () => {
    const { p, frames } = run(48000, 1.01);
    const beforeFlush = p.port.posted.length;
    p.port.deliver({ type: 'flush' });
    const messages = p.port.posted.map((m) => m.data);
    const chunks = messages.filter((m) => m.type === 'chunk');
    const expectedSamples = Math.ceil((frames * TARGET) / 48000);
    assert.equal(expectedSamples, 16160);
    assert.equal(chunks.length, Math.ceil(expectedSamples / wire.chunkSamples));
    assert.ok(beforeFlush >= 12, 'chunks flow while capturing, not only at the end');
    const lengths = chunks.map((c) => new Int16Array(c.pcm).length);
    assert.ok(lengths.slice(0, -1).every((n) => n === wire.chunkSamples));
    assert.equal(lengths.at(-1), expectedSamples % wire.chunkSamples);
    const flushed = messages.at(-1);
    assert.deepEqual({ ...flushed }, { type: 'flushed', samples: expectedSamples, chunks: chunks.length });
    // Mono mix of 0.4 and 0.2 → 0.3 → 9830 (away from the stream's edges).
    const middle = new Int16Array(chunks[3].pcm);
    assert.ok(middle.every((s) => Math.abs(s - 9830) <= 1), `mixed value ${middle[0]}`);
    // Each chunk's buffer is transferred, not copied.
    for (const m of p.port.posted.filter((x) => x.data.type === 'chunk')) {
      assert.equal(m.transfer.length, 1);
      assert.equal(m.transfer[0], m.data.pcm);
    }
  });

  it('after flush it captures nothing more, and a second flush posts nothing', () => {
    const { p } = run(44100, 0.2, 1);
    p.port.deliver({ type: 'flush' });
    const count = p.port.posted.length;
    assert.equal(p.process([[new Float32Array(128).fill(0.5)]], [], {}), false, 'process() ends the node');
    p.port.deliver({ type: 'flush' });
    assert.equal(p.port.posted.length, count);
  });

  it('an input with no channels (source not connected yet) is skipped', () => {
    const { Processor } = loadWorklet(48000);
    const p = new Processor({ processorOptions: { targetRate: TARGET, chunkSamples: wire.chunkSamples } });
    assert.equal(p.process([[]], [], {}), true);
    assert.equal(p.process([], [], {}), true);
    p.port.deliver({ type: 'flush' });
    assert.deepEqual(
      p.port.posted.map((m) => ({ ...m.data })),
      [{ type: 'flushed', samples: 0, chunks: 0 }],
    );
  });

  it('defaults to 16 kHz and 1280-sample chunks without processorOptions', () => {
    const { Processor } = loadWorklet(32000);
    const p = new Processor();
    p.process([[new Float32Array(128 * 25)]], [], {}); // 100 ms at 32 kHz
    p.port.deliver({ type: 'flush' });
    const flushed = p.port.posted.at(-1).data;
    assert.equal(flushed.samples, 1600);
    assert.equal(flushed.chunks, 2);
  });
});
