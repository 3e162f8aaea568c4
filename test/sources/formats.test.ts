/**
 * Voice notes and files in the containers only ffmpeg reads, through a real Node-RED, the real ffmpeg and the
 * emulator: each gives the same words as the WAV it was encoded from, sent as one Buffer and in 4 KB chunks.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { startEmulator, type Emulator } from '../../src/emulator';
import { byteChunks, encodeAll, ffmpegChildren, requireFfmpeg, SPEECH_WAV, tempDir, type Encoded } from '../helpers/ffmpeg';
import { until } from '../helpers/speech-audio';
import { helper, KEY, SttHarness } from '../nodes/stt-harness';

const SCRIPT = ['hello from node red', 'this is a streaming speech to text demo', 'turn on the kitchen lights', 'spare one', 'spare two'];

/** A second of the sample is plenty for the words of each format; short keeps the suite quick. */
const FORMATS: Record<string, string[]> = {
  'hello.mp3': ['-b:a', '64k'],
  'hello.m4a': ['-c:a', 'aac', '-b:a', '48k'],
  'hello.flac': [],
  'hello.webm': ['-c:a', 'libopus', '-b:a', '32k'],
  'hello.ogg': ['-c:a', 'libvorbis', '-q:a', '3'],
};

async function transcribe(emu: Emulator, chunks: Buffer[], props: Record<string, unknown> = {}): Promise<{ words: string[]; h: SttHarness }> {
  emu.setScript(SCRIPT);
  const h = await SttHarness.start(emu.url, props);
  h.audio('note', chunks);
  h.send({ topic: 'note', action: 'stop' });
  await until('the stream to end', () => h.disconnected.some((d) => d.payload.reason === 'stop'), 20000);
  const words = h.finals('note').flatMap((f) => f.payload.split(' ').filter((w) => w));
  return { words, h };
}

describe('sources: voice notes and files through ffmpeg (Node-RED + ffmpeg + emulator)', function () {
  this.timeout(60000);
  let emu: Emulator;
  let dir: string;
  let files: Encoded[];
  let reference: string[];

  before(async function () {
    requireFfmpeg(this);
    dir = tempDir('gradium-formats-');
    files = encodeAll(SPEECH_WAV, dir, FORMATS);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  it('the WAV gives the reference words', async () => {
    const { words, h } = await transcribe(emu, [fs.readFileSync(SPEECH_WAV)]);
    reference = words;
    assert.ok(words.length >= 8, `words: ${words.join(' ')}`);
    assert.deepEqual(h.errors, []);
  });

  it('the voice gate works on decoded audio: 4 s of silence before and after the speech stay unsent', async () => {
    const quiet = encodeAll(SPEECH_WAV, dir, { 'quiet.mp3': ['-af', 'adelay=4000,apad=pad_dur=4', '-b:a', '64k'] })[0]!;
    const { words, h } = await transcribe(emu, byteChunks(fs.readFileSync(quiet.file), 4096));
    assert.deepEqual(words, reference);
    const gated = h.disconnected.reduce((n, d) => n + d.payload.gatedSeconds, 0);
    const sent = h.disconnected.reduce((n, d) => n + d.payload.sentSeconds, 0);
    assert.ok(gated > 5, `gatedSeconds ${gated}`);
    assert.ok(sent < 11, `sentSeconds ${sent} of 17.6 s decoded`);
  });

  for (const name of ['hello.mp3', 'hello.m4a']) {
    it(`${name} left to the idle timeout (no stop): ffmpeg's input is closed, its last samples awaited, the same words`, async () => {
      emu.setScript(SCRIPT);
      const h = await SttHarness.start(emu.url, { idleTimeout: 400 });
      const bytes = fs.readFileSync(files.find((f) => f.name === name)!.file);
      h.audio('note', byteChunks(bytes, 4096));
      await until('the idle end', () => h.disconnected.some((d) => d.payload.reason === 'idle'), 20000);
      const words = h.finals('note').flatMap((f) => f.payload.split(' ').filter((w) => w));
      assert.deepEqual(words, reference);
      await until('no ffmpeg left', () => ffmpegChildren().length === 0);
    });
  }

  for (const name of Object.keys(FORMATS)) {
    it(`${name}: the same words as the WAV, as one Buffer and in 4 KB chunks; no ffmpeg left`, async () => {
      const file = files.find((f) => f.name === name)!;
      const bytes = fs.readFileSync(file.file);
      const whole = await transcribe(emu, [bytes]);
      assert.deepEqual(whole.words, reference, `${name} as one Buffer`);
      assert.deepEqual(whole.h.errors, []);
      assert.equal(whole.h.connected[0]?.payload.inputFormat, 'pcm_16000');
      await helper.unload();
      const chunked = await transcribe(emu, byteChunks(bytes, 4096));
      assert.deepEqual(chunked.words, reference, `${name} in 4 KB chunks`);
      assert.deepEqual(chunked.h.errors, []);
      assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg process is left after stop');
    });
  }
});
