import assert from 'node:assert/strict';
import { AudioInputError, AudioPipeline, prepareAudio } from '../../src/audio';
import type { AudioFormat } from '../../src/audio';
import { assertSameSamples, ramp, s16Bytes, samplesOf } from './fixtures';

const PCM16K: AudioFormat = { encoding: 'auto', sampleRate: 16000, channels: 1, sampleFormat: 's16le' };

function pipeline(format: Partial<AudioFormat> = {}): AudioPipeline {
  return new AudioPipeline({ format: { ...PCM16K, ...format } });
}

/** Everything a pipeline emits for one payload, partial frame included. */
function decodeAll(payload: unknown, format: Partial<AudioFormat> = {}): Int16Array {
  const p = pipeline(format);
  return samplesOf([...p.push(payload), ...p.flush()]);
}

describe('audio payloads', () => {
  before(prepareAudio);
  const samples = ramp(1000);
  const bytes = s16Bytes(samples);

  it('reads a Buffer, a Uint8Array, an ArrayBuffer and a Uint8Array view with an offset the same way', () => {
    assertSameSamples(decodeAll(bytes), samples);
    assertSameSamples(decodeAll(new Uint8Array(bytes)), samples);
    const ab = new ArrayBuffer(bytes.length);
    new Uint8Array(ab).set(bytes);
    assertSameSamples(decodeAll(ab), samples);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    assertSameSamples(decodeAll(padded.subarray(3)), samples);
  });

  it('reads an Int16Array as samples even when the node is configured for another sample format', () => {
    assertSameSamples(decodeAll(samples, { sampleFormat: 'f32le' }), samples);
  });

  it('reads a Float32Array of -1..1 as samples (s16 / 32768 comes back exactly, clipped at the ends)', () => {
    const f = Float32Array.from(samples, (v) => v / 32768);
    assertSameSamples(decodeAll(f), samples);
    assert.deepEqual(Array.from(decodeAll(new Float32Array([1.5, -2, 1, -1]))), [32767, -32768, 32767, -32768]);
  });

  it('reads a base64 string, with or without a data: URL prefix or line breaks', () => {
    const b64 = bytes.toString('base64');
    assertSameSamples(decodeAll(b64), samples);
    assert.deepEqual(decodeAll(`data:audio/L16;rate=16000;base64,${b64}`), samples);
    assertSameSamples(decodeAll(b64.replace(/(.{76})/g, '$1\n')), samples);
  });

  it('reads a Buffer that went through JSON ({type: "Buffer", data: [...]})', () => {
    assertSameSamples(decodeAll(JSON.parse(JSON.stringify(bytes))), samples);
  });

  it('refuses PCM that an MQTT in node decoded as UTF-8 text, saying how to fix it', () => {
    const mangled = bytes.toString('utf8');
    assert.ok(mangled.includes('\uFFFD'), 'the fixture really is lossy');
    assert.throws(
      () => pipeline().push(mangled),
      (err: unknown) =>
        err instanceof AudioInputError &&
        /not base64/.test(err.message) &&
        /binary audio decoded as text/.test(err.message) &&
        /"a String"/.test(err.message) &&
        /"a Buffer"/.test(err.message),
    );
  });

  it('refuses plain text that only looks a bit like base64', () => {
    assert.throws(() => pipeline().push('hello world!'), AudioInputError);
    assert.throws(() => pipeline().push('abcde'), AudioInputError);
  });

  const refused: [string, unknown, RegExp][] = [
    ['an object', { audio: 'x' }, /an object with keys audio/],
    ['a number', 42, /a number \(42\)/],
    ['a boolean', true, /a boolean/],
    ['null', null, /is null/],
    ['undefined', undefined, /undefined \(no payload\)/],
    ['an empty Buffer', Buffer.alloc(0), /an empty Buffer/],
    ['an empty string', '', /an empty string/],
    ['an array', [1, 2, 3], /an array of 3 items/],
    ['an Int32Array', new Int32Array(4), /Int32Array/],
  ];
  for (const [name, payload, pattern] of refused) {
    it(`refuses ${name}, naming it and listing what is accepted`, () => {
      assert.throws(
        () => pipeline().push(payload),
        (err: unknown) =>
          err instanceof AudioInputError &&
          pattern.test(err.message) &&
          /accepted: Buffer, Uint8Array, Int16Array/.test(err.message),
      );
    });
  }

  it('keeps working after a refused payload', () => {
    const p = pipeline();
    assert.throws(() => p.push({}), AudioInputError);
    assert.equal(p.inputFormat, undefined);
    assertSameSamples(samplesOf([...p.push(bytes), ...p.flush()]), samples);
    assert.equal(p.inputFormat, 'pcm_16000');
  });
});
