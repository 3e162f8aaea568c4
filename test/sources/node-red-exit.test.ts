/**
 * No ffmpeg outlives Node-RED: a real Node-RED process reads a never-ending HTTP source through ffmpeg, is
 * stopped the way a service manager stops it (SIGTERM), and the ffmpeg it ran is gone with it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import { startEmulator, type Emulator } from '../../src/emulator';
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import { ffmpegChildren, requireFfmpeg } from '../helpers/ffmpeg';
import { until } from '../helpers/speech-audio';
import { startNodeRed, type NodeRedServer } from '../helpers/node-red-server';
import { pcm16MonoWavHeader } from '../helpers/wav';

/** A WAV stream that never ends: a header with unknown sizes, then 100 ms of quiet tone every 100 ms. */
function liveWavServer(): http.Server {
  return http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/wav' });
    res.write(pcm16MonoWavHeader(null));
    const tick = setInterval(() => {
      const pcm = Buffer.alloc(3200);
      for (let i = 0; i < 1600; i++) pcm.writeInt16LE(Math.round(Math.sin(i / 5) * 200), i * 2);
      res.write(pcm);
    }, 100);
    res.on('close', () => clearInterval(tick));
  });
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('sources: no ffmpeg outlives Node-RED (a real Node-RED process)', function () {
  this.timeout(60000);
  let emu: Emulator;
  let server: http.Server;
  let nodeRed: NodeRedServer | undefined;

  before(function () {
    requireFfmpeg(this);
  });
  afterEach(async () => {
    if (nodeRed) await nodeRed.stop();
    server?.closeAllConnections();
    server?.close();
    await emu?.close();
  });

  async function readSourceThen(stop: (server: NodeRedServer) => Promise<void>): Promise<void> {
    emu = await startEmulator({ apiKeys: ['exit-test-key'] });
    server = liveWavServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    nodeRed = await startNodeRed({});
    const flows = [
      { id: 'tab1', type: 'tab', label: 'exit' },
      { id: 'c1', type: 'gradium-config', name: '', region: 'custom', endpoint: emu.url, credentials: { apiKey: 'exit-test-key' } },
      {
        id: 'i1', type: 'inject', z: 'tab1', name: 'start', once: true, onceDelay: 0.2, repeat: '', topic: 'hall',
        props: [{ p: 'topic', vt: 'str' }, { p: 'action', v: 'start', vt: 'str' }, { p: 'source', v: `http://127.0.0.1:${port}/live.wav`, vt: 'str' }],
        wires: [['n1']],
      },
      { id: 'n1', type: 'gradium-stt', z: 'tab1', ...STT_DEFAULTS, gradium: 'c1', wires: [[], [], []] },
    ];
    await nodeRed.deploy(flows);
    const nodeRedPid = nodeRed.child.pid!;
    await until('ffmpeg running under Node-RED', () => ffmpegChildren(nodeRedPid).length === 1, 20000);
    const [ffmpegPid] = ffmpegChildren(nodeRedPid);
    await stop(nodeRed);
    nodeRed = undefined;
    await until('the ffmpeg to be gone', () => !alive(ffmpegPid!), 10000);
  }

  it('Node-RED stopped by SIGTERM while a source is read: its ffmpeg is gone', async () => {
    await readSourceThen(async (s) => {
      await s.stop();
    });
  });

  it('Node-RED killed hard (SIGKILL, no handler runs): the ffmpeg it fed sees its input end and exits', async () => {
    await readSourceThen(async (s) => {
      s.child.kill('SIGKILL');
      await s.exited;
      await s.stop();
    });
  });
});
