import assert from 'node:assert/strict';
import { AudioPipeline } from '../../src/audio';
import { mpegFrameLength, needsFfmpeg, sniffContainer } from '../../src/audio/container-sniff';
import { oggPage } from './fixtures';

/** An MPEG-1 Layer III header, 128 kbit/s, 44.1 kHz: frames of 417 bytes. */
function mp3Frames(n: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat(Array.from({ length: n }, () => frame));
}

describe('audio: container sniffing by the first bytes', () => {
  it('recognises MP3 (ID3 and frame sync), MP4, ADTS, FLAC, WebM, Ogg Vorbis and Ogg Opus', () => {
    assert.equal(sniffContainer(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x23TSSE', 'latin1')), 'mp3');
    assert.equal(mpegFrameLength(mp3Frames(1), 0), 417);
    assert.equal(sniffContainer(mp3Frames(3)), 'mp3');
    assert.equal(sniffContainer(Buffer.from('\x00\x00\x00\x1cftypM4A \x00\x00\x02\x00', 'latin1')), 'mp4');
    const adts = Buffer.alloc(200);
    adts.set([0xff, 0xf1, 0x50, 0x80, 0x0c, 0x9f, 0xfc]); // frame length 100
    adts.set([0xff, 0xf1, 0x50, 0x80, 0x0c, 0x9f, 0xfc], 100);
    assert.equal(sniffContainer(adts), 'aac');
    assert.equal(sniffContainer(Buffer.from('fLaC\x00\x00\x00\x22', 'latin1')), 'flac');
    assert.equal(sniffContainer(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81])), 'webm');
    assert.equal(sniffContainer(oggPage(0, Buffer.from('\x01vorbis\x00\x00\x00\x00', 'latin1'), 2)), 'ogg-vorbis');
    assert.equal(sniffContainer(oggPage(0, Buffer.from('OpusHead\x01\x01', 'latin1'), 2)), 'ogg-opus');
    assert.equal(needsFfmpeg('ogg-opus'), false, 'Ogg Opus goes to Gradium as it is');
    assert.equal(needsFfmpeg('ogg-vorbis'), true);
  });

  it('raw PCM is not mistaken for a container: silence, -1 samples (FF FF), WAV', () => {
    assert.equal(sniffContainer(Buffer.alloc(3200)), 'unknown');
    assert.equal(sniffContainer(Buffer.alloc(3200, 0xff)), 'unknown', 'a run of -1 samples is no MP3 frame chain');
    const noisy = Buffer.alloc(3200);
    for (let i = 0; i < noisy.length; i += 2) noisy.writeInt16LE(Math.round(Math.sin(i / 7) * 3000) - 1, i);
    assert.equal(needsFfmpeg(sniffContainer(noisy)), false);
    assert.equal(sniffContainer(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')), 'unknown');
  });
});

describe('audio: big-endian 16-bit PCM (s16be)', () => {
  it('decodes s16be mono and stereo like the same samples in s16le', () => {
    const samples = [0, 1, -1, 1000, -32768, 32767, 258, -258];
    const be = Buffer.alloc(samples.length * 2);
    samples.forEach((v, i) => be.writeInt16BE(v, i * 2));
    const p = new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16be' } });
    const out = Buffer.concat([...p.push(be), ...p.flush()].map((f) => f.data));
    assert.deepEqual(Array.from({ length: samples.length }, (_, i) => out.readInt16LE(i * 2)), samples);

    const stereo = Buffer.alloc(8);
    stereo.writeInt16BE(1000, 0);
    stereo.writeInt16BE(3000, 2);
    stereo.writeInt16BE(-100, 4);
    stereo.writeInt16BE(-300, 6);
    const q = new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 2, sampleFormat: 's16be' } });
    const mono = Buffer.concat([...q.push(stereo), ...q.flush()].map((f) => f.data));
    assert.deepEqual([mono.readInt16LE(0), mono.readInt16LE(2)], [2000, -200]);
  });

  it('msg.format.sampleFormat "s16be" is accepted per message', () => {
    const p = new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' } });
    const be = Buffer.from([0x01, 0x02]);
    const out = Buffer.concat([...p.push(be, { sampleFormat: 's16be' }), ...p.flush()].map((f) => f.data));
    assert.equal(out.readInt16LE(0), 0x0102);
  });
});
