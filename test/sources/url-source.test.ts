/**
 * msg.source through a real Node-RED and the real ffmpeg: a stream served over HTTP in real time by a separate
 * ffmpeg process is read, killed and served again, and the key's stream goes on with `reason: "source"`
 * reported in between; a file served whole ends the stream like stop. The URL's credentials never show.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator';
import { encodeAll, ffmpegChildren, requireFfmpeg, SPEECH_WAV, tempDir } from '../helpers/ffmpeg';
import { until } from '../helpers/speech-audio';
import { helper, KEY, SttHarness } from '../nodes/stt-harness';

const SECRET = 's3cr3t-pass';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A separate ffmpeg serving `file` in a loop over HTTP at real-time pace to one client: a camera's audio, as it were. */
function serve(file: string, port: number): ChildProcess {
  return spawn('ffmpeg', ['-hide_banner', '-loglevel', 'quiet', '-re', '-stream_loop', '-1', '-i', file, '-f', 'wav', '-listen', '1', `http://127.0.0.1:${port}/cam.wav`], {
    stdio: 'ignore',
  });
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('sources: msg.source URLs (Node-RED + ffmpeg + emulator)', function () {
  this.timeout(40000);
  let emu: Emulator;
  let dir: string;
  let clip: string;
  const servers: ChildProcess[] = [];
  /** The node's ffmpeg processes (the test's own servers are children of this process too). */
  const nodeFfmpeg = (): number[] => ffmpegChildren().filter((pid) => !servers.some((s) => s.pid === pid));

  before(function () {
    requireFfmpeg(this);
    dir = tempDir('gradium-url-');
    // The first sentence of the recorded speech, 2.4 s: short keeps the real-time tests quick.
    clip = encodeAll(SPEECH_WAV, dir, { 'clip.wav': ['-t', '2.4'] })[0]!.file;
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: ['hello from node red', 'hello again', 'and again'] });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.kill('SIGKILL');
      await exited(s);
    }
    await helper.unload();
    await emu.close();
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg of the node is left');
  });

  it('reads an HTTP stream in real time; a drop is retried and reported (reason "source"), the stream resumes; credentials never show', async () => {
    const port = await freePort();
    const url = `http://camuser:${SECRET}@127.0.0.1:${port}/cam.wav`;
    servers.push(serve(clip, port));
    const h = await SttHarness.start(emu.url, { sendAudio: 'always' });
    const errors: unknown[] = [];
    (h.node as unknown as { on(e: string, cb: (c: { args: unknown[] }) => void): void }).on('call:error', (c) => errors.push(c.args[0]));
    h.send({ topic: 'door', action: 'start', source: url, correlation: 7 });
    await until('the first final from the source', () => h.finals('door').length >= 1, 15000);
    assert.equal(h.finals('door')[0]!.payload, 'hello from node red');
    assert.equal(nodeFfmpeg().length, 1, 'one ffmpeg reads the source');

    // The camera goes away, and comes back.
    const first = servers[0]!;
    first.kill('SIGKILL');
    await exited(first);
    await until('the drop on the disconnected output', () => h.disconnected.some((d) => d.payload.reason === 'source'), 10000);
    const drop = h.disconnected.find((d) => d.payload.reason === 'source')!;
    assert.equal(drop.topic, 'door');
    assert.equal(drop.payload.willReconnect, true);
    assert.equal(drop.payload.retryInMs, 1000, 'the first retry comes after 1 s');
    assert.equal(drop.payload.source, 'http://***:***@127.0.0.1:' + port + '/cam.wav');
    assert.equal(drop.correlation, 7, 'the start message\'s properties ride along');
    const heardBefore = h.finals('door').length;
    servers.push(serve(clip, port));
    await until('a final after the source came back', () => h.finals('door').length > heardBefore, 20000);
    assert.ok(h.transcripts.indexOf(drop as never) === -1);

    h.send({ topic: 'door', action: 'stop' });
    await until('the stream to end', () => h.disconnected.some((d) => d.payload.reason === 'stop'), 10000);
    await until('no ffmpeg left after stop', () => nodeFfmpeg().length === 0);
    const everything = JSON.stringify([h.connected, h.disconnected, h.transcripts, h.statuses, h.warnings, h.errors, errors.map(String)]);
    assert.ok(!everything.includes(SECRET), 'the password never shows');
    assert.ok(!everything.includes('camuser'), 'nor the user name');
  });

  it('a file served whole ends the stream like stop', async () => {
    const body = fs.readFileSync(clip);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const h = await SttHarness.start(emu.url, { sendAudio: 'always' });
      h.send({ topic: 'radio', action: 'start', source: `http://127.0.0.1:${port}/${path.basename(clip)}` });
      await until('the stream to end by itself', () => h.disconnected.some((d) => d.payload.reason === 'stop'), 15000);
      assert.deepEqual(h.finals('radio').map((f) => f.payload), ['hello from node red']);
      assert.equal(h.finals('radio')[0]!.transcript.endOfTurn === 'stop' || h.finals('radio')[0]!.transcript.endOfTurn === 'vad', true);
      assert.ok(!h.disconnected.some((d) => d.payload.reason === 'source'), 'a complete file is not a drop');
      await until('no ffmpeg left', () => ffmpegChildren().length === 0);
    } finally {
      server.close();
    }
  });
});
