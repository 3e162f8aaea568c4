import assert from 'node:assert/strict';
import { AudioInputError, AudioPipeline, OPUS_MAX_FRAME_BYTES, outputRateFor, prepareAudio } from '../../src/audio';
import type { AudioFormat, AudioFrame } from '../../src/audio';
import { ALAW_TO_LINEAR, MULAW_TO_LINEAR, linearToALaw, linearToMuLaw } from '../../src/audio/g711';
import {
  assertSameSamples,
  frequencyOf,
  makeWav,
  oggPage,
  ramp,
  rms,
  s16Bytes,
  samplesOf,
  sine,
  slices,
} from './fixtures';

const PCM16K: AudioFormat = { encoding: 'auto', sampleRate: 16000, channels: 1, sampleFormat: 's16le' };

function pipeline(format: Partial<AudioFormat> = {}, targetRate?: number, warnings: string[] = []): AudioPipeline {
  return new AudioPipeline({ format: { ...PCM16K, ...format }, targetRate, onWarning: (m) => warnings.push(m) });
}

function pushAll(p: AudioPipeline, chunks: unknown[]): AudioFrame[] {
  const frames: AudioFrame[] = [];
  for (const c of chunks) frames.push(...p.push(c));
  frames.push(...p.flush());
  return frames;
}

describe('audio conversion', () => {
  before(prepareAudio);

  it('carries odd trailing bytes across chunks: every sample arrives once, aligned', () => {
    const samples = ramp(7777);
    const bytes = s16Bytes(samples);
    const p = pipeline();
    const frames = pushAll(p, slices(bytes, [1, 3, 7, 2, 1001, 5, 640, 1]));
    assert.ok(Buffer.concat(frames.map((f) => f.data)).equals(bytes), 'output bytes are the input bytes');
    assert.equal(p.samplesOut, samples.length);
  });

  it('carries partial multichannel frames of 24-bit stereo (6 bytes) across chunks', () => {
    const mono = ramp(3000);
    const data = Buffer.alloc(mono.length * 6);
    mono.forEach((v, i) => {
      data.writeIntLE(v * 256, i * 6, 3);
      data.writeIntLE(v * 256, i * 6 + 3, 3);
    });
    const p = pipeline({ encoding: 'pcm', channels: 2, sampleFormat: 's24le' });
    assertSameSamples(samplesOf(pushAll(p, slices(data, [5, 1, 4, 11, 6, 1000]))), mono);
  });

  it('reads s32 and u8 raw PCM from the configured format', () => {
    const samples = ramp(500);
    const s32 = Buffer.alloc(2000);
    samples.forEach((v, i) => s32.writeInt32LE(v * 65536 + 40000, i * 4));
    assertSameSamples(samplesOf(pushAll(pipeline({ sampleFormat: 's32le' }), [s32])), samples);
    const u8 = Buffer.from(Array.from(samples, (v) => (v >> 8) + 128));
    assertSameSamples(samplesOf(pushAll(pipeline({ sampleFormat: 'u8' }), [u8])), Int16Array.from(samples, (v) => (v >> 8) << 8));
  });

  it('sends native rates as they are', () => {
    for (const rate of [8000, 16000, 22050, 24000, 44100, 48000]) {
      const p = pipeline({ sampleRate: rate });
      const samples = ramp(rate / 10);
      assertSameSamples(samplesOf(pushAll(p, [samples])), samples, `${rate} Hz`);
      assert.equal(p.inputFormat, `pcm_${rate}`);
    }
  });

  it('resamples 11025 Hz to 16000 Hz in a streaming way: duration, pitch and level kept', () => {
    assert.equal(outputRateFor(11025), 16000);
    const input = sine(11025 * 2, 11025, 440);
    const p = pipeline({ sampleRate: 11025 });
    // 10 ms-ish chunks, odd sizes, so chunk edges would show as clicks or lost samples.
    const chunks = slices(s16Bytes(input), [221, 219, 1, 441]);
    const frames = pushAll(p, chunks);
    assert.equal(p.inputFormat, 'pcm_16000');
    const out = samplesOf(frames);
    assert.ok(Math.abs(out.length - 32000) <= 2, `${out.length} samples ≈ 2 s at 16 kHz`);
    assert.equal(p.samplesOut, out.length);
    assert.ok(Math.abs(frequencyOf(out, 16000) - 440) <= 1.5, `frequency ${frequencyOf(out, 16000)}`);
    const steady = out.subarray(800, 31000);
    assert.ok(Math.abs(rms(steady) / rms(input) - 1) < 0.03, `level ratio ${rms(steady) / rms(input)}`);
    // No clicks: a 440 Hz sine of amplitude 12000 never moves more than ~2100 per sample at 16 kHz.
    let maxStep = 0;
    for (let i = 1; i < steady.length; i++) maxStep = Math.max(maxStep, Math.abs(steady[i]! - steady[i - 1]!));
    assert.ok(maxStep < 2300, `largest step ${maxStep}`);
    assert.ok(frames.slice(0, -1).every((f) => f.data.length === 2560));
  });

  it('serves many resampling streams at once, each with its own filter state, freed by close()', () => {
    const pipelines = Array.from({ length: 300 }, (_, i) => pipeline({ sampleRate: i % 2 ? 11025 : 32000 }));
    const counts = pipelines.map(() => 0);
    for (let round = 0; round < 5; round++) {
      pipelines.forEach((p, i) => {
        counts[i]! += samplesOf(p.push(sine(i % 2 ? 1103 : 3200, i % 2 ? 11025 : 32000, 300))).length;
      });
    }
    pipelines.forEach((p, i) => {
      counts[i]! += samplesOf(p.flush()).length;
      p.close();
      const expected = i % 2 ? Math.round((5 * 1103 * 16000) / 11025) : 5 * 4410;
      assert.ok(Math.abs(counts[i]! - expected) <= 2, `stream ${i}: ${counts[i]} ≈ ${expected}`);
    });
    assert.equal(pipelines[1]!.inputFormat, 'pcm_16000');
    assert.equal(pipelines[0]!.inputFormat, 'pcm_44100');
  });

  it('converts 48 kHz stereo float to 16 kHz mono with targetRate 16000', () => {
    const left = sine(48000, 48000, 1000);
    const f32 = new Float32Array(left.length * 2);
    left.forEach((v, i) => {
      f32[2 * i] = v / 32768;
      f32[2 * i + 1] = v / 32768;
    });
    const p = pipeline({ sampleRate: 48000, channels: 2, sampleFormat: 'f32le' }, 16000);
    const out = samplesOf(pushAll(p, slices(Buffer.from(f32.buffer), [3840 * 2, 1000, 77])));
    assert.equal(p.inputFormat, 'pcm_16000');
    assert.ok(Math.abs(out.length - 16000) <= 2, `${out.length}`);
    assert.ok(Math.abs(frequencyOf(out, 16000) - 1000) <= 2);
  });

  it('warns once when raw input at another rate joins a stream, and converts it', () => {
    const warnings: string[] = [];
    const p = pipeline({}, undefined, warnings);
    const frames = pushAll(p, [s16Bytes(ramp(1600))]);
    frames.push(...p.push(sine(2400, 24000, 300), { sampleRate: 24000 }), ...p.push(sine(2400, 24000, 300), { sampleRate: 24000 }));
    frames.push(...p.flush());
    assert.equal(p.inputFormat, 'pcm_16000');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /audio at 24000 Hz arrived on a stream that started at 16000 Hz; converting to keep pcm_16000/);
    assert.ok(Math.abs(samplesOf(frames).length - 1600 - 3200) <= 2);
  });

  it('G.711 tables: silence, full scale, and encode(decode(code)) is the identity for every code', () => {
    assert.equal(MULAW_TO_LINEAR[0xff], 0);
    assert.equal(MULAW_TO_LINEAR[0x80], 32124);
    assert.equal(MULAW_TO_LINEAR[0x00], -32124);
    assert.equal(ALAW_TO_LINEAR[0xd5], 8);
    assert.equal(ALAW_TO_LINEAR[0xaa], 32256);
    for (let b = 0; b < 256; b++) {
      // μ-law has two zeros (0x7f and 0xff); both decode to 0, which encodes as 0xff.
      if (b !== 0x7f) assert.equal(linearToMuLaw(MULAW_TO_LINEAR[b]!), b, `μ-law ${b}`);
      assert.equal(linearToALaw(ALAW_TO_LINEAR[b]!), b, `A-law ${b}`);
    }
  });

  it('passes μ-law and A-law 8 kHz mono through untouched', () => {
    const codes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    for (const encoding of ['ulaw', 'alaw'] as const) {
      const p = pipeline({ encoding, sampleRate: 8000 });
      const frames = pushAll(p, slices(codes, [160, 3]));
      assert.equal(p.inputFormat, `${encoding}_8000`);
      assert.ok(Buffer.concat(frames.map((f) => f.data)).equals(codes));
      assert.ok(frames.slice(0, -1).every((f) => f.data.length === 640 && f.durationMs === 80));
      assert.equal(p.samplesOut, 1000);
    }
  });

  it('decodes μ-law to PCM when a targetRate is set, or when it is stereo', () => {
    const linear = sine(800, 8000, 200);
    const codes = Buffer.from(Array.from(linear, linearToMuLaw));
    const expected = Int16Array.from(codes, (c) => MULAW_TO_LINEAR[c]!);
    const p = pipeline({ encoding: 'ulaw', sampleRate: 8000, channels: 2 });
    const stereo = Buffer.alloc(codes.length * 2);
    codes.forEach((c, i) => {
      stereo[2 * i] = c;
      stereo[2 * i + 1] = c;
    });
    assertSameSamples(samplesOf(pushAll(p, [stereo])), expected);
    assert.equal(p.inputFormat, 'pcm_8000');
    const t = pipeline({ encoding: 'ulaw', sampleRate: 8000 }, 16000);
    const out = samplesOf(pushAll(t, [codes]));
    assert.equal(t.inputFormat, 'pcm_16000');
    assert.ok(Math.abs(out.length - 1600) <= 2);
  });

  it('reads μ-law WAV (tag 7) and passes it through', () => {
    const codes = Buffer.from(Array.from({ length: 640 }, (_, i) => i & 0xff));
    const wav = makeWav({ sampleRate: 8000, channels: 1, formatTag: 7, bitsPerSample: 8, data: codes });
    const p = pipeline();
    const frames = pushAll(p, [wav]);
    assert.equal(p.inputFormat, 'ulaw_8000');
    assert.ok(frames[0]!.data.equals(codes));
  });

  it('encodes later PCM into a stream that started as μ-law', () => {
    const p = pipeline({ encoding: 'ulaw', sampleRate: 8000 });
    p.push(Buffer.alloc(80, 0xff));
    const pcm = sine(800, 8000, 300);
    const frames = [...p.push(pcm, { encoding: 'pcm' }), ...p.flush()];
    const bytes = Buffer.concat(frames.map((f) => f.data));
    assert.equal(bytes.length, 880);
    assert.ok(bytes.subarray(80).equals(Buffer.from(Array.from(pcm, linearToMuLaw))));
  });

  it('passes Ogg Opus through in bounded pieces, with durations read from the granule positions', () => {
    const head = oggPage(0, Buffer.from('OpusHead\x01\x01\x38\x01\x80\x3e\x00\x00\x00\x00\x00', 'latin1'), 0x02);
    const tags = oggPage(0, Buffer.from('OpusTags', 'latin1'));
    // Ten audio pages of 60 ms (2880 samples at 48 kHz) each, bodies of various sizes.
    const pages = Array.from({ length: 10 }, (_, i) => oggPage(2880 * (i + 1), Buffer.alloc(100 + i * 900, i)));
    const stream = Buffer.concat([head, tags, ...pages]);
    const p = pipeline();
    const frames = pushAll(p, slices(stream, [stream.length - 3000, 1000, 2000]));
    assert.equal(p.inputFormat, 'opus');
    assert.ok(Buffer.concat(frames.map((f) => f.data)).equals(stream), 'bytes unchanged, in order');
    assert.ok(frames.every((f) => f.data.length <= OPUS_MAX_FRAME_BYTES));
    const total = frames.reduce((s, f) => s + f.durationMs, 0);
    assert.ok(Math.abs(total - 600) < 1e-6, `total duration ${total} ms`);
    assert.equal(p.samplesOut, 28800);
    assert.throws(() => p.push(s16Bytes(ramp(100)), { encoding: 'pcm' }), (e: unknown) => e instanceof AudioInputError && /started as Ogg Opus/.test(e.message));
  });

  it('refuses Ogg on a PCM stream', () => {
    const p = pipeline();
    p.push(ramp(100));
    assert.throws(() => p.push(oggPage(0, Buffer.alloc(10))), (e: unknown) => e instanceof AudioInputError && /started as pcm_16000/.test(e.message));
  });
});
