import assert from 'node:assert/strict';
import { AudioPipeline, prepareAudio } from '../../src/audio';
import type { AudioFormat, AudioFrame } from '../../src/audio';
import { assertSameSamples, ramp, s16Bytes, samplesOf, slices } from './fixtures';

const PCM16K: AudioFormat = { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' };

describe('audio framing', () => {
  before(prepareAudio);

  for (const chunkMs of [10, 16, 30, 32, 64, 80, 100, 1000]) {
    it(`re-frames ${chunkMs} ms chunks into exact 80 ms frames`, () => {
      const p = new AudioPipeline({ format: PCM16K });
      const samples = ramp(16000 * 3 + 123);
      const frames: AudioFrame[] = [];
      for (const c of slices(s16Bytes(samples), [chunkMs * 32])) frames.push(...p.push(c));
      assert.equal(frames.length, Math.floor(samples.length / 1280));
      assert.ok(frames.every((f) => f.data.length === 2560 && f.durationMs === 80));
      const tail = p.flush();
      assert.equal(tail.length, 1);
      const rest = samples.length % 1280;
      assert.equal(tail[0]!.data.length, rest * 2);
      assert.ok(Math.abs(tail[0]!.durationMs - (rest / 16000) * 1000) < 1e-9);
      assertSameSamples(samplesOf([...frames, ...tail]), samples);
      assert.equal(p.samplesOut, samples.length);
    });
  }

  it('returns nothing from flush when nothing is pending, and keeps streaming after a flush', () => {
    const p = new AudioPipeline({ format: PCM16K });
    assert.deepEqual(p.flush(), []);
    assert.equal(p.inputFormat, undefined);
    assert.equal(p.push(ramp(640)).length, 0);
    assert.equal(p.flush()[0]!.data.length, 1280);
    assert.deepEqual(p.flush(), []);
    const next = ramp(1280, 640);
    const frames = p.push(next);
    assert.equal(frames.length, 1);
    assertSameSamples(samplesOf(frames), next);
  });

  it('gives every frame its own memory: changing the input afterwards changes no frame', () => {
    const p = new AudioPipeline({ format: PCM16K });
    const input = s16Bytes(ramp(2560));
    const frames = p.push(input);
    const copy = Buffer.concat(frames.map((f) => f.data));
    input.fill(0);
    assert.ok(Buffer.concat(frames.map((f) => f.data)).equals(copy));
  });

  it('flushes the resampler delay too, so a resampled turn is not cut short', () => {
    const p = new AudioPipeline({ format: { ...PCM16K, sampleRate: 12000 } });
    const frames = p.push(ramp(1200));
    const flushed = p.flush();
    const total = samplesOf([...frames, ...flushed]).length;
    assert.ok(Math.abs(total - 1600) <= 2, `${total} samples for 100 ms at 16 kHz`);
    assert.ok(flushed.every((f) => f.durationMs <= 80));
    p.close();
  });
});
