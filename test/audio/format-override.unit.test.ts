import assert from 'node:assert/strict';
import { AudioInputError, AudioPipeline, prepareAudio, validateFormatOverride } from '../../src/audio';
import { assertSameSamples, ramp, s16Bytes, samplesOf } from './fixtures';

describe('audio format override (msg.format)', () => {
  before(prepareAudio);

  it('treats undefined and null as no override', () => {
    assert.deepEqual(validateFormatOverride(undefined), {});
    assert.deepEqual(validateFormatOverride(null), {});
  });

  it('accepts each field, and numbers written as strings', () => {
    assert.deepEqual(validateFormatOverride({ encoding: 'pcm', sampleRate: '8000', channels: 2, sampleFormat: 's24le' }), {
      encoding: 'pcm',
      sampleRate: 8000,
      channels: 2,
      sampleFormat: 's24le',
    });
  });

  const bad: [unknown, RegExp][] = [
    ['pcm', /msg\.format is "pcm"; expected an object/],
    [[1], /msg\.format is an array/],
    [42, /msg\.format is number 42/],
    [{ rate: 8000 }, /unknown field "rate"; accepted: encoding, sampleRate, channels, sampleFormat/],
    [{ encoding: 'mp3' }, /msg\.format\.encoding is "mp3"; accepted: auto, pcm, wav, opus, ulaw, alaw/],
    [{ sampleRate: 0 }, /msg\.format\.sampleRate is number 0/],
    [{ sampleRate: 16000.5 }, /msg\.format\.sampleRate/],
    [{ sampleRate: 'fast' }, /msg\.format\.sampleRate is "fast"/],
    [{ sampleRate: 10_000_000 }, /msg\.format\.sampleRate/],
    [{ channels: 0 }, /msg\.format\.channels is number 0; accepted: an integer from 1/],
    [{ channels: 'two' }, /msg\.format\.channels/],
    [{ sampleFormat: 'int16' }, /msg\.format\.sampleFormat is "int16"; accepted: s16le, s24le, s32le, f32le, u8/],
  ];
  for (const [value, pattern] of bad) {
    it(`refuses ${JSON.stringify(value)}, naming the field`, () => {
      assert.throws(() => validateFormatOverride(value), (e: unknown) => e instanceof AudioInputError && pattern.test(e.message));
    });
  }

  it('push() validates the override too, and applies a valid one to that message only', () => {
    const p = new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' } });
    assert.throws(() => p.push(Buffer.alloc(4), { channels: -1 }), /msg\.format\.channels/);
    // Stereo override: two identical channels come out as the same mono samples.
    const mono = ramp(640);
    const stereo = new Int16Array(mono.length * 2);
    mono.forEach((v, i) => {
      stereo[2 * i] = v;
      stereo[2 * i + 1] = v;
    });
    const a = p.push(s16Bytes(stereo), { channels: 2 });
    const b = p.push(s16Bytes(mono));
    assertSameSamples(samplesOf([...a, ...b, ...p.flush()]), Int16Array.from([...mono, ...mono]));
  });

  it('refuses bad node defaults and a targetRate Gradium does not take', () => {
    assert.throws(
      () => new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 'x' as 's16le' } }),
      /format\.sampleFormat is "x"/,
    );
    assert.throws(
      () => new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' }, targetRate: 11025 }),
      /targetRate 11025/,
    );
  });
});
