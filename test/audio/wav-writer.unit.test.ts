import { strict as assert } from 'node:assert';
import { parseWavHeader } from '../../src/audio/wav-header';
import { WAV_HEADER_BYTES, wavFile, wavHeader } from '../../src/audio/wav-writer';

describe('WAV writer', () => {
  it('writes a canonical header whose RIFF and data sizes are the real ones', () => {
    const pcm = Buffer.alloc(32000, 1);
    const file = wavFile([pcm.subarray(0, 1000), pcm.subarray(1000)], { sampleRate: 16000, channels: 1, bitsPerSample: 16 });
    assert.equal(file.length, WAV_HEADER_BYTES + 32000);
    assert.equal(file.toString('latin1', 0, 4), 'RIFF');
    assert.equal(file.readUInt32LE(4), file.length - 8);
    assert.equal(file.toString('latin1', 8, 16), 'WAVEfmt ');
    assert.equal(file.readUInt16LE(20), 1);
    assert.equal(file.readUInt16LE(22), 1);
    assert.equal(file.readUInt32LE(24), 16000);
    assert.equal(file.readUInt32LE(28), 32000);
    assert.equal(file.readUInt16LE(32), 2);
    assert.equal(file.readUInt16LE(34), 16);
    assert.equal(file.toString('latin1', 36, 40), 'data');
    assert.equal(file.readUInt32LE(40), 32000);
    assert.ok(file.subarray(44).equals(pcm));
  });

  it('the package’s own WAV reader reads it back', () => {
    const file = wavFile([Buffer.alloc(4410 * 2)], { sampleRate: 44100, channels: 1, bitsPerSample: 16 });
    const header = parseWavHeader(file);
    assert.ok(header.complete);
    assert.deepEqual(header.format, { sampleRate: 44100, channels: 1, sampleFormat: 's16le', width: 2 });
    assert.equal(header.dataOffset, 44);
    assert.equal(header.dataBytes, 8820);
  });

  it('leaves out half a sample at the end, and an empty utterance is a valid empty file', () => {
    const file = wavFile([Buffer.alloc(5)], { sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    assert.equal(file.readUInt32LE(40), 4);
    assert.equal(file.length, 48);
    const empty = wavFile([], { sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    assert.equal(empty.length, 44);
    assert.equal(empty.readUInt32LE(4), 36);
    assert.equal(empty.readUInt32LE(40), 0);
  });

  it('refuses a size a WAV header cannot hold', () => {
    assert.throws(() => wavHeader(2 ** 32, { sampleRate: 8000, channels: 1, bitsPerSample: 16 }), RangeError);
    assert.throws(() => wavHeader(-2, { sampleRate: 8000, channels: 1, bitsPerSample: 16 }), RangeError);
  });
});
