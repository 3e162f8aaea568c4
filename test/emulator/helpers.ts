/** Test client and generated audio for the emulator tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../src/gradium/protocol';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';

const CLI = join(__dirname, '../../src/emulator/cli.js');

/**
 * An emulator started before each test and closed after it, with the clients the test opened: the set-up
 * every emulator test file shares. Create it inside a `describe`.
 */
export class EmulatorFixture {
  emulator!: Emulator;
  private readonly clients: TestClient[] = [];

  constructor(options: EmulatorOptions = {}) {
    beforeEach(async () => {
      this.emulator = await startEmulator(options);
    });
    afterEach(async () => {
      this.clients.splice(0).forEach((c) => c.close());
      await this.emulator.close();
    });
  }

  /** Replace this test's emulator by one with other options. */
  async restart(options: EmulatorOptions): Promise<void> {
    await this.emulator.close();
    this.emulator = await startEmulator(options);
  }

  /** A client, closed after the test. */
  client(headers?: Record<string, string>, url = this.emulator.url): TestClient {
    const c = new TestClient(url, headers);
    this.clients.push(c);
    return c;
  }

  /** An open client that has sent its setup. */
  async connect(extra: Record<string, unknown> = {}, jsonConfig: Record<string, unknown> | string = { language: 'en' }): Promise<TestClient> {
    const c = this.client();
    await c.opened;
    c.setup(extra, jsonConfig);
    return c;
  }
}

/** Resolves once the emulator has seen session `index` close (the client may see its close first). */
export function serverClosed(emulator: Emulator, index: number): Promise<void> {
  return once(
    () => emulator.sessions[index]?.closed === true,
    (check) => emulator.on('session-end', check),
    (check) => emulator.off('session-end', check),
  );
}

/** Resolves once the emulator has seen text-to-speech session `index` close. */
export function ttsServerClosed(emulator: Emulator, index: number): Promise<void> {
  return once(
    () => emulator.ttsSessions[index]?.closed === true,
    (check) => emulator.on('tts-session-end', check),
    (check) => emulator.off('tts-session-end', check),
  );
}

/** Resolves when `done()` holds: now, or at an event `listen` reports (the listener removed then). */
function once(done: () => boolean, listen: (check: () => void) => void, unlisten: (check: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!done()) return;
      unlisten(check);
      resolve();
    };
    listen(check);
    check();
  });
}

/** The emulator's CLI (src/emulator/cli.js) on a free port, as a child process, once it has printed both URLs. */
export interface CliEmulator {
  asr: string;
  tts: string;
  proc: ChildProcess;
  stderr: () => string;
}

/**
 * Starts the CLI with `args`; `spawned` gets the process at once, so the caller can kill it after the test even
 * when it never got ready. Rejects with its stderr if it exits first.
 */
export function startCli(args: string[], spawned: (proc: ChildProcess) => void): Promise<CliEmulator> {
  const proc = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  spawned(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const asr = /listening on (ws:\/\/\S+)/.exec(out)?.[1];
      const tts = /Text-to-speech on (ws:\/\/\S+)/.exec(out)?.[1];
      if (asr && tts) resolve({ asr, tts, proc, stderr: () => err });
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

export interface ClosedEvent {
  code: number;
  reason: string;
}

/** A real `ws` client that records every server message and can wait for one. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<ClosedEvent>;
  readonly opened: Promise<void>;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(
    url: string,
    headers: Record<string, string> = { 'x-api-key': 'test-key' },
    readonly ws: WebSocket = new WebSocket(url, { headers }),
  ) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.poke();
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      this.poke();
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  setup(extra: Record<string, unknown> = {}, jsonConfig: Record<string, unknown> | string = { language: 'en' }): void {
    this.send({ type: 'setup', model_name: 'default', input_format: 'pcm_16000', json_config: jsonConfig, ...extra });
  }

  /** Send PCM/any bytes as audio messages of `bytesPerMessage`. */
  sendAudio(bytes: Buffer, bytesPerMessage: number): number {
    let n = 0;
    for (let o = 0; o < bytes.length; o += bytesPerMessage) {
      this.send({ type: 'audio', audio: bytes.subarray(o, o + bytesPerMessage).toString('base64') });
      n++;
    }
    return n;
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  /** Resolves when `check` holds (checked on every message and on close); rejects after `ms`. */
  waitFor(what: string, check: () => boolean, ms = 10000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.type))}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ check, resolve: done });
    });
  }

  waitForType(type: ServerMessage['type'], count = 1): Promise<void> {
    return this.waitFor(`${count} x ${type}`, () => this.of(type).length >= count);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private poke(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** 16-bit mono PCM: a sine at `dbfs` peak amplitude. */
export function tone(ms: number, sampleRate: number, dbfs = -12, hz = 440): Int16Array {
  const n = Math.round((sampleRate * ms) / 1000);
  const amplitude = 32767 * 10 ** (dbfs / 20);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  return out;
}

export function silence(ms: number, sampleRate: number): Int16Array {
  return new Int16Array(Math.round((sampleRate * ms) / 1000));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function s16le(samples: Int16Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => b.writeInt16LE(s, i * 2));
  return b;
}

/** G.711 mu-law compression (the textbook encoder with bias 0x84). */
export function muLaw(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length);
  samples.forEach((sample, i) => {
    const sign = sample < 0 ? 0x80 : 0;
    const magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
    out[i] = ~(sign | (exponent << 4) | mantissa) & 0xff;
  });
  return out;
}

/** A WAV file with a LIST chunk (odd-sized, so padded) between fmt and data. */
export function wavWithList(samples: Int16Array, sampleRate: number, channels = 1): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * channels * 2, 8);
  fmt.writeUInt16LE(channels * 2, 12);
  fmt.writeUInt16LE(16, 14);
  const info = Buffer.from('INFOISFT\x0b\x00\x00\x00Lavf60.3.1\x00', 'latin1'); // 11-byte value: odd chunk
  const data = s16le(samples);
  const chunk = (id: string, body: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt), chunk('LIST', info), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}
