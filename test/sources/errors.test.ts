/**
 * What goes wrong with ffmpeg input, through a real Node-RED and the real ffmpeg: a corrupt file, ffmpeg
 * missing, a refused URL scheme, more decoders than maxDecoders; each a clear error with its code, other
 * streams unaffected, and no ffmpeg process left after an error, a stop or a redeploy.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { startEmulator, type Emulator } from '../../src/emulator';
import { byteChunks, encodeAll, ffmpegChildren, requireFfmpeg, SPEECH_WAV, tempDir, type Encoded } from '../helpers/ffmpeg';
import { until } from '../helpers/speech-audio';
import { helper, KEY, SttHarness } from '../nodes/stt-harness';

interface Coded {
  code?: string;
  message: string;
}

function errorsOf(h: SttHarness): Coded[] {
  const out: Coded[] = [];
  (h.node as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void }).on('call:error', (call) => {
    const e = call.args[0];
    out.push(typeof e === 'string' ? { message: e } : (e as Coded));
  });
  return out;
}

/** A WebM header followed by bytes no demuxer reads: ffmpeg gives up with "Invalid data". */
function corruptWebm(): Buffer {
  const junk = Buffer.alloc(20000);
  let x = 12345;
  for (let i = 0; i < junk.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    junk[i] = x >> 16;
  }
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), junk]);
}

describe('sources: ffmpeg errors and process lifetime (Node-RED + ffmpeg + emulator)', function () {
  this.timeout(30000);
  let emu: Emulator;
  let dir: string;
  let mp3: Buffer;

  before(function () {
    requireFfmpeg(this);
    dir = tempDir('gradium-errors-');
    const files: Encoded[] = encodeAll(SPEECH_WAV, dir, { 'hello.mp3': ['-b:a', '64k'] });
    mp3 = fs.readFileSync(files[0]!.file);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: ['hello from node red', 'a streaming demo', 'kitchen lights'] });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg process outlives the flow');
  });

  it('a corrupt file: BAD_AUDIO with ffmpeg\'s last line; no ffmpeg left; the next file starts a fresh decoder', async () => {
    const h = await SttHarness.start(emu.url);
    const errors = errorsOf(h);
    h.send({ topic: 'note', payload: corruptWebm() });
    await until('the decode error', () => errors.length > 0);
    assert.equal(errors[0]!.code, 'BAD_AUDIO');
    assert.match(errors[0]!.message, /stream "note": ffmpeg could not decode WebM\/Matroska audio \(it exited with code \d+\): .*Invalid data/);
    await until('ffmpeg gone', () => ffmpegChildren().length === 0);
    h.audio('note', byteChunks(mp3, 4096));
    h.send({ topic: 'note', action: 'stop' });
    await until('the final of the good file', () => h.finals('note').length >= 3, 15000);
    assert.equal(errors.length, 1, errors.map((e) => e.message).join('; '));
  });

  it('ffmpeg missing: NO_DECODER for that message, naming the format and what to do; a WAV stream beside it works', async () => {
    const h = await SttHarness.start(emu.url, { ffmpegPath: '/nonexistent/bin/ffmpeg' });
    const errors = errorsOf(h);
    h.send({ topic: 'note', payload: mp3 });
    await until('the error', () => errors.length > 0);
    assert.equal(errors[0]!.code, 'NO_DECODER');
    assert.match(errors[0]!.message, /MP3 audio needs ffmpeg/);
    assert.match(errors[0]!.message, /"\/nonexistent\/bin\/ffmpeg"/);
    assert.match(errors[0]!.message, /Install ffmpeg .* or send PCM, WAV or Ogg Opus/);
    h.send({ topic: 'mic', payload: fs.readFileSync(SPEECH_WAV) });
    h.send({ topic: 'mic', action: 'stop' });
    await until('the WAV stream\'s finals', () => h.finals('mic').length >= 3, 15000);
    assert.equal(h.finals('note').length, 0);
    assert.equal(errors.length, 1);
  });

  it('a refused scheme: BAD_INPUT naming the scheme and the allowed ones; file: only when added', async () => {
    const h = await SttHarness.start(emu.url);
    const errors = errorsOf(h);
    h.send({ topic: 'cam', action: 'start', source: 'file:///etc/passwd' });
    h.send({ topic: 'cam', action: 'start', source: 'ftp://user:secret@host/a.mp3' });
    await until('two errors', () => errors.length >= 2);
    assert.equal(errors[0]!.code, 'BAD_INPUT');
    assert.match(errors[0]!.message, /the scheme "file:" of file:\/\/\/etc\/passwd is not allowed; this node reads rtsp:, rtsps:, http:, https: \(setting sourceSchemes\)/);
    assert.match(errors[1]!.message, /"ftp:" of ftp:\/\/\*\*\*:\*\*\*@host\/a\.mp3/);
    assert.ok(!errors[1]!.message.includes('secret'));
    assert.equal(h.connected.length, 0);
  });

  it('maxDecoders: one decoder more is STREAM_CAP; the first key goes on', async () => {
    const h = await SttHarness.start(emu.url, { maxDecoders: 1 });
    const errors = errorsOf(h);
    const parts = byteChunks(mp3, 4096);
    h.send({ topic: 'a', payload: parts[0] });
    h.send({ topic: 'b', payload: parts[0] });
    await until('the refusal', () => errors.length > 0);
    assert.equal(errors[0]!.code, 'STREAM_CAP');
    assert.match(errors[0]!.message, /stream "b": MP3 audio needs an ffmpeg process and this node already runs 1 \(maxDecoders\)/);
    h.audio('a', parts.slice(1));
    h.send({ topic: 'a', action: 'stop' });
    await until('the first key\'s finals', () => h.finals('a').length >= 3, 15000);
  });

  it('a redeploy in the middle of a voice note leaves no ffmpeg process', async () => {
    const h = await SttHarness.start(emu.url);
    const parts = byteChunks(mp3, 4096);
    h.audio('note', parts.slice(0, 3));
    await until('ffmpeg running', () => ffmpegChildren().length === 1);
    await helper.unload();
    assert.deepEqual(ffmpegChildren(), []);
  });
});
