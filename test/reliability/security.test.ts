import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, unloadFlow } from './flow-run';

const KEY = 'gsk_SECRET_4b1d9e77c0a2f3';
const WRONG_KEY = 'gsk_WRONG_91aa07d3e5';
const AUDIO = chunks(speechPcm([{ speechMs: 800, silenceMs: 900 }, { speechMs: 1200, silenceMs: 900 }]), 80);
const QUICK_BACKOFF = { initialMs: 50, maxMs: 200, maxAttempts: 0 };

/** Everything written to stdout/stderr while `fn` runs (Node-RED's console logging included). */
async function capturingConsole<T>(fn: () => Promise<T>): Promise<{ result: T; text: string }> {
  const out: string[] = [];
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      out.push(String(chunk));
      return (original as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return () => (stream.write = original as typeof stream.write);
  });
  try {
    const result = await fn();
    return { result, text: out.join('') };
  } finally {
    for (const restore of writes) restore();
  }
}

/** Every piece of output a flow author, a log reader or an editor user could see. */
function everything(run: FlowRun, emuLog: string[]): string {
  return JSON.stringify({
    connected: run.connected,
    disconnected: run.disconnected,
    transcripts: run.transcripts,
    statuses: run.statuses,
    caught: run.caught,
    errors: run.errors,
    warnings: run.warnings,
    log: run.logLines(),
    emulator: emuLog,
  });
}

function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return undefined;
}

describe('reliability: security', function () {
  this.timeout(60000);

  describe('with the emulator', () => {
    let emu: Emulator;
    let emuLog: string[];
    beforeEach(async () => {
      emuLog = [];
      emu = await startEmulator({ apiKeys: [KEY], log: (l) => emuLog.push(l) });
    });
    afterEach(async () => {
      await unloadFlow();
      await emu.close();
    });

    it('the key never appears in any output, status, error, warning, log or console line of a full run', async () => {
      const { result: run, text: consoleText } = await capturingConsole(async () => {
        // Connect, words, an abrupt close and a reconnect, a generic server error, bad input, stop.
        // Session 1 closes abruptly, session 2 gets a generic 1011, session 3 is healthy.
        emu.setFaults({ closeAfterFrames: 12 });
        emu.on('session', (s) => {
          if (s.id === 1) emu.setFaults({ errorAfterFrames: { frames: 8, code: 1011, message: 'Internal error' } });
          if (s.id === 2) emu.setFaults({});
        });
        const r = await FlowRun.start({ url: emu.url, apiKey: KEY, testing: { backoff: QUICK_BACKOFF } });
        r.audio('kitchen', AUDIO);
        r.send({ topic: 'kitchen', payload: { not: 'audio' } });
        r.send({ topic: 'kitchen', settings: { language: 'klingon' } });
        r.send({ topic: 'kitchen', action: 'explode' });
        await until('three sessions', () => r.connected.length >= 3, 15000);
        r.send({ topic: 'kitchen', action: 'stop' });
        await until('stopped', () => r.disconnected.some((d) => d.payload.reason === 'stop'), 15000);
        return r;
      });
      assert.ok(run.finals().length >= 1 && run.errors.length >= 3 && run.disconnected.length >= 3, 'the run produced output to check');
      assert.ok(emu.sessions.every((s) => !JSON.stringify(s.headers).includes(KEY)), 'the key travels in x-api-key only');
      const all = everything(run, emuLog) + consoleText;
      assert.equal(all.includes(KEY), false, 'key found in the output');
      assert.equal(all.includes(KEY.slice(4, 16)), false, 'part of the key found in the output');
    });

    it('a refused key does not appear in the error, status or log either', async () => {
      const { result: run, text: consoleText } = await capturingConsole(async () => {
        const r = await FlowRun.start({ url: emu.url, apiKey: WRONG_KEY, testing: { backoff: QUICK_BACKOFF } });
        r.audio('porch', AUDIO);
        await until('the error', () => r.errors.length >= 1, 10000);
        await until('red status', () => r.statuses.some((s) => s.status.fill === 'red'), 5000);
        return r;
      });
      assert.match(run.errors[0]!, /1008/);
      const all = everything(run, emuLog) + consoleText;
      assert.equal(all.includes(WRONG_KEY), false);
      assert.equal(all.includes(WRONG_KEY.slice(4, 14)), false);
    });
  });

  describe('plain ws:// to a host that is not loopback', () => {
    let server: Server;
    let connections = 0;
    afterEach(async () => {
      await unloadFlow();
      await new Promise((r) => server.close(r));
    });

    it('is refused with a clear error before any connection attempt', async function () {
      const address = nonLoopbackAddress();
      if (!address) this.skip();
      // A listener on this machine's own network address: reachable, so a refusal is ours, not the network's.
      connections = 0;
      server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((r) => server.listen(0, address, r));
      const url = `ws://${address}:${(server.address() as AddressInfo).port}/api/speech/asr`;
      const run = await FlowRun.start({ url, apiKey: KEY });
      run.audio('yard', AUDIO.slice(0, 10));
      await until('the error', () => run.errors.length >= 1, 10000);
      run.audio('yard', AUDIO.slice(10));
      run.audio('shed', AUDIO);
      await until('red status', () => run.statuses.some((s) => s.status.fill === 'red'), 5000);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(connections, 0, 'no connection was attempted');
      assert.equal(run.errors.length, 1, run.errors.join('\n'));
      assert.match(run.errors[0]!, /ws:\/\/ to a non-loopback host.*Use wss:\/\//);
      assert.equal(run.statuses.filter((s) => s.status.fill === 'red').pop()!.status.text, 'configuration error');
      assert.equal(everything(run, []).includes(KEY), false);
    });
  });

  describe('a server that sends malformed or oversized frames', () => {
    let wss: WebSocketServer;
    let url: string;
    let connections = 0;
    beforeEach(async () => {
      connections = 0;
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise((r) => wss.once('listening', r));
      url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/speech/asr`;
      wss.on('connection', (ws: WebSocket) => {
        connections += 1;
        ws.on('error', () => undefined);
        ws.once('message', () => {
          ws.send(JSON.stringify({ type: 'ready', request_id: `r${connections}`, model_name: 'default', sample_rate: 24000, frame_size: 1920, delay_in_frames: 10, text_stream_names: [] }));
          ws.send('not json at all {');
          ws.send(JSON.stringify({ type: 'text', text: 5, start_s: 'soon' }));
          ws.send(JSON.stringify({ type: 'step', vad: 'loud', step_idx: -1 }));
          ws.send(JSON.stringify([1, 2, 3]));
          ws.send(JSON.stringify({ type: 'flushed' }));
          ws.send(JSON.stringify({ type: 'unheard_of', payload: 'x'.repeat(1000) }));
          ws.send(Buffer.alloc(64, 7));
          ws.send(JSON.stringify({ type: 'text', text: 'still here', start_s: 0.9, stream_id: 0 }));
          // Far beyond any real message: the client refuses it and the session ends (then reconnects).
          if (connections === 1) setTimeout(() => ws.send('{"type":"text","text":"' + 'A'.repeat(3 * 1024 * 1024) + '"}'), 50);
        });
      });
    });
    afterEach(async () => {
      await unloadFlow();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    });

    it('warns about bad frames, survives an oversized one by reconnecting, and never crashes', async () => {
      const run = await FlowRun.start({ url, apiKey: KEY, props: { turnMode: 'manual' }, testing: { backoff: QUICK_BACKOFF } });
      run.audio('lab', AUDIO.slice(0, 5));
      await until('the oversized frame ended the first session', () => run.disconnected.length >= 1, 10000);
      const d = run.disconnected[0]!.payload;
      assert.equal(d.willReconnect, true);
      assert.equal(d.code, 1009, d.message);
      await until('reconnected', () => run.connected.length >= 2, 10000);
      assert.ok(run.warnings.some((w) => /malformed frame/.test(w)), run.warnings.join('\n'));
      assert.ok(run.warnings.some((w) => /binary frame/.test(w)));
      // The one well-formed word still counts.
      run.send({ topic: 'lab', action: 'flush' });
      await until('final', () => run.finals('lab').length >= 1, 10000);
      assert.match(run.finals('lab')[0]!.payload, /still here/);
      assert.equal(run.errors.length, 0, run.errors.join('\n'));
      const longest = Math.max(...run.warnings.map((w) => w.length));
      assert.ok(longest < 500, `a warning of ${longest} characters: server text is not echoed at length`);
    });
  });
});
