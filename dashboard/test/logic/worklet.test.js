'use strict';
/**
 * The capture worklet (ui/capture/mic-worklet.js, the very file the browser loads) in Node, the quick
 * part: the resampler at 48 kHz (length whatever the blocks, frequency response), pass-through,
 * upsampling, flush; the 16-bit chunker; the processor as the browser drives it (128-frame blocks in,
 * posted chunks out, flush on stop). The other device rates are in test/unit/resampler-rates.test.js.
 * Needs no install: node --test dashboard/test/logic/ from the repository root.
 */
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { loadWorklet, PROCESSOR_NAME } = require('../support/worklet-loader');
const { TARGET, sine, rms, db, concat, resampleInBlocks, checkLengthAnyBlocks, checkFrequencyResponse } = require('../support/resampler-checks');
const wire = require('../../shared/wire.json');

describe('mic-worklet: the file loads as an AudioWorklet module', () => {
  it('registers exactly one processor, gradium-mic-capture', () => {
    assert.deepEqual(loadWorklet(48000).names, [PROCESSOR_NAME]);
  });
});

describe('mic-worklet: resampler', () => {
  // The usual device rate; test/unit/resampler-rates.test.js has the others.
  it('48000 Hz → 16 kHz: ceil(N·16000/48000) samples whatever the block sizes, identical to one block', () => checkLengthAnyBlocks(48000));

  it('48000 Hz: 1 kHz and 6.5 kHz keep their level within 0.5 dB and their timing; 10 kHz is ≥ 40 dB down', () => checkFrequencyResponse(48000));

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
