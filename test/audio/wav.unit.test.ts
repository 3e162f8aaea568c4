import assert from 'node:assert/strict';
import { AudioInputError, AudioPipeline, prepareAudio } from '../../src/audio';
import type { AudioFormat, AudioFrame } from '../../src/audio';
import { assertSameSamples, makeWav, pcm16Wav, ramp, s16Bytes, samplesOf, slices } from './fixtures';

/** Node defaults deliberately unlike the WAVs, so a test passes only if the header was read. */
const DEFAULTS: AudioFormat = { encoding: 'auto', sampleRate: 8000, channels: 2, sampleFormat: 'u8' };

function run(chunks: unknown[], format: Partial<AudioFormat> = {}, warnings: string[] = []) {
  const p = new AudioPipeline({ format: { ...DEFAULTS, ...format }, onWarning: (m) => warnings.push(m) });
  const frames: AudioFrame[] = [];
  for (const c of chunks) frames.push(...p.push(c));
  const flushed = p.flush();
  p.close();
  return { p, frames, flushed, all: [...frames, ...flushed], warnings };
}

describe('audio WAV input', () => {
  before(prepareAudio);

  it('reads Snips audioFrames: 256 samples with a `time` chunk between fmt and data', () => {
    const time = Buffer.alloc(8);
    time.writeBigUInt64LE(1_700_000_000_000n);
    const samples = ramp(256 * 20);
    const chunks = slices(s16Bytes(samples), [512]).map((data) =>
      makeWav({ sampleRate: 16000, channels: 1, formatTag: 1, bitsPerSample: 16, data, before: [{ id: 'time', body: time }] }),
    );
    assert.ok(chunks[0]!.length > 44 + 512, 'header is longer than 44 bytes');
    const { p, frames, all } = run(chunks);
    assert.equal(p.inputFormat, 'pcm_16000');
    assertSameSamples(samplesOf(all), samples);
    // 20 × 16 ms = 320 ms = 4 full 80 ms frames, nothing left over.
    assert.equal(frames.length, 4);
    assert.ok(frames.every((f) => f.data.length === 2560 && f.durationMs === 80));
  });

  it('skips LIST and odd-sized chunks before data and chunks after data', () => {
    const samples = ramp(999);
    const wav = makeWav({
      sampleRate: 16000,
      channels: 1,
      formatTag: 1,
      bitsPerSample: 16,
      data: s16Bytes(samples),
      before: [
        { id: 'LIST', body: Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1') },
        { id: 'junk', body: Buffer.alloc(3, 0x7f) },
      ],
      after: [{ id: 'LIST', body: Buffer.alloc(30, 0x55) }],
    });
    assertSameSamples(samplesOf(run([wav]).all), samples);
  });

  it('reads Rhasspy 960-byte (30 ms) WAV frames and re-frames them to 80 ms', () => {
    const samples = ramp(480 * 17);
    const chunks = slices(s16Bytes(samples), [960]).map((data) =>
      makeWav({ sampleRate: 16000, channels: 1, formatTag: 1, bitsPerSample: 16, data }),
    );
    const { frames, flushed, all } = run(chunks);
    assertSameSamples(samplesOf(all), samples);
    assert.equal(frames.length, Math.floor((480 * 17) / 1280));
    assert.equal(flushed.length, 1);
    assert.equal(flushed[0]!.data.length, ((480 * 17) % 1280) * 2);
    assert.equal(flushed[0]!.durationMs, (((480 * 17) % 1280) / 16000) * 1000);
  });

  it('converts 24-bit stereo 44.1 kHz to 16-bit mono at 44.1 kHz (native), the ramp intact', () => {
    const mono = ramp(44100);
    const data = Buffer.alloc(mono.length * 6);
    // Left = ramp, right = ramp + 1 LSB of 24-bit; low bytes carry detail that s16 drops.
    mono.forEach((v, i) => {
      data.writeIntLE(v * 256 + 0x40, i * 6, 3);
      data.writeIntLE(v * 256 + 0x41, i * 6 + 3, 3);
    });
    const wav = makeWav({ sampleRate: 44100, channels: 2, formatTag: 1, bitsPerSample: 24, data });
    const { p, frames, all } = run(slices(wav, [4096, 333, 7]));
    assert.equal(p.inputFormat, 'pcm_44100');
    assertSameSamples(samplesOf(all), mono);
    assert.ok(frames.every((f) => f.data.length === 3528 * 2), '80 ms at 44.1 kHz is 3528 samples');
  });

  it('averages channels that differ', () => {
    const left = ramp(100);
    const stereo = Buffer.alloc(400);
    left.forEach((v, i) => {
      stereo.writeInt16LE(v, i * 4);
      stereo.writeInt16LE(-v >> 1, i * 4 + 2);
    });
    const wav = makeWav({ sampleRate: 16000, channels: 2, formatTag: 1, bitsPerSample: 16, data: stereo });
    const out = samplesOf(run([wav]).all);
    assertSameSamples(out, Int16Array.from(left, (v) => Math.round((v + (-v >> 1)) / 2)));
  });

  it('reads float32 48 kHz (tag 3 and WAVE_FORMAT_EXTENSIBLE) and 32-bit integer WAVs', () => {
    const samples = ramp(4800);
    const f32 = Buffer.alloc(samples.length * 4);
    samples.forEach((v, i) => f32.writeFloatLE(v / 32768, i * 4));
    const s32 = Buffer.alloc(samples.length * 4);
    samples.forEach((v, i) => s32.writeInt32LE(v * 65536 + 1234, i * 4));
    for (const wav of [
      makeWav({ sampleRate: 48000, channels: 1, formatTag: 3, bitsPerSample: 32, data: f32 }),
      makeWav({ sampleRate: 48000, channels: 1, formatTag: 3, bitsPerSample: 32, data: f32, extensible: true }),
      makeWav({ sampleRate: 48000, channels: 1, formatTag: 1, bitsPerSample: 32, data: s32, extensible: true }),
    ]) {
      const { p, all } = run([wav]);
      assert.equal(p.inputFormat, 'pcm_48000');
      assertSameSamples(samplesOf(all), samples);
    }
  });

  it('reads 8-bit unsigned WAV', () => {
    const data = Buffer.from([0, 64, 128, 192, 255]);
    const wav = makeWav({ sampleRate: 8000, channels: 1, formatTag: 1, bitsPerSample: 8, data });
    assert.deepEqual(Array.from(samplesOf(run([wav]).all)), [-32768, -16384, 0, 16384, 32512]);
  });

  it('streams a whole file sent in one message as many 80 ms frames', () => {
    const samples = ramp(16000 * 10 + 100);
    const { frames, flushed, all } = run([pcm16Wav(samples)]);
    assert.equal(frames.length, 125);
    assert.ok(frames.every((f) => f.data.length === 2560));
    assert.equal(flushed[0]!.data.length, 200);
    assertSameSamples(samplesOf(all), samples);
  });

  it('follows a file sliced anywhere, the header itself cut into pieces', () => {
    const samples = ramp(5000);
    const wav = pcm16Wav(samples, 16000, [{ id: 'LIST', body: Buffer.alloc(60) }]);
    for (const sizes of [[5], [13, 2], [4096], [1, 99, 1000]]) {
      assertSameSamples(samplesOf(run(slices(wav, sizes)).all), samples, `slices of ${sizes.join('/')}`);
    }
  });

  it('follows a streamed WAV (sizes 0xFFFFFFFF) whose later chunks are bare PCM', () => {
    const samples = ramp(3000);
    const data = s16Bytes(samples);
    const head = makeWav({ sampleRate: 16000, channels: 1, formatTag: 1, bitsPerSample: 16, data: data.subarray(0, 100), streaming: true });
    const { all } = run([head, data.subarray(100, 2001), data.subarray(2001)]);
    assertSameSamples(samplesOf(all), samples);
  });

  it('warns once per kind when the header changes mid-stream, and converts to the first format', () => {
    const warnings: string[] = [];
    const a = pcm16Wav(ramp(1600), 16000);
    const b = pcm16Wav(ramp(2205), 22050);
    const { p, all } = run([a, b, a, b, b], {}, warnings);
    assert.equal(p.inputFormat, 'pcm_16000');
    const rateWarnings = warnings.filter((w) => /WAV header changed mid-stream: sample rate 16000 Hz → 22050 Hz/.test(w));
    assert.equal(rateWarnings.length, 1);
    assert.match(rateWarnings[0]!, /converting to keep pcm_16000/);
    // 1600 + 3 × 2205 × 16000/22050 + 1600 samples at 16 kHz: each 22.05 kHz chunk is 100 ms.
    const expected = 1600 * 2 + 3 * 1600;
    assert.ok(Math.abs(samplesOf(all).length - expected) <= 4, `${samplesOf(all).length} ≈ ${expected}`);
  });

  it('with encoding "wav", refuses a chunk with no header when no WAV is in progress', () => {
    const p = new AudioPipeline({ format: { ...DEFAULTS, encoding: 'wav' } });
    assert.throws(() => p.push(s16Bytes(ramp(10))), (e: unknown) => e instanceof AudioInputError && /no RIFF\/WAVE header/.test(e.message));
  });

  it('refuses compressed WAV formats, naming the tag and what is accepted', () => {
    const adpcm = makeWav({ sampleRate: 8000, channels: 1, formatTag: 2, bitsPerSample: 4, data: Buffer.alloc(64) });
    assert.throws(
      () => run([adpcm]),
      (e: unknown) => e instanceof AudioInputError && /format tag 2/.test(e.message) && /PCM 8\/16\/24\/32-bit/.test(e.message),
    );
  });
});
