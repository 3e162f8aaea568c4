/**
 * A local server speaking Gradium's real-time ASR protocol (shared/reference/gradium-protocol.md §11),
 * for tests, the demo, the benchmark and users who build flows without credits. It hears speech by
 * energy, places words of a script on it, and can inject the faults a real client must survive.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { DEFAULT_SCRIPT, ScriptCursor } from './script-cursor';
import { ProtocolSession } from './session';
import type { Emulator, EmulatorFaults, EmulatorOptions, EmulatorSession } from './types';

export type { Emulator, EmulatorFaults, EmulatorOptions, EmulatorSession, InvalidFrame } from './types';
export { DEFAULT_SCRIPT } from './script-cursor';
export { LANGUAGE_REQUIRED_MESSAGE } from './setup-check';
export { BAD_KEY_MESSAGE, BINARY_FRAME_MESSAGE, SESSION_CAP_MESSAGE } from './session';
export { SPEECH_RMS_DBFS, HORIZONS_S } from './speech-tracker';

export const ASR_PATH = '/api/speech/asr';
export const CREDITS_PATH = '/api/usages/credits';
/** How long a socket gets to answer our close frame at shutdown before it is cut. */
const SHUTDOWN_GRACE_MS = 300;

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(opts);
  await emulator.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return emulator;
}

class EmulatorServer extends EventEmitter implements Emulator {
  readonly sessions: ProtocolSession[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly script: ScriptCursor;
  private faults: EmulatorFaults;
  private readonly live = new Set<ProtocolSession>();
  private readonly upgrading = new Set<Duplex>();
  private readonly log: (line: string) => void;
  private address: AddressInfo | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: EmulatorOptions) {
    super();
    this.script = new ScriptCursor(opts.script ?? DEFAULT_SCRIPT);
    this.faults = { ...opts.faults };
    this.log = opts.log ?? (() => undefined);
    this.http = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://emulator').pathname;
      if (path === CREDITS_PATH) {
        // The key check's REST call (GET /api/usages/credits): 401 for a refused key, else a balance.
        const key = req.headers['x-api-key'];
        const ok = typeof key === 'string' && this.keyAccepted(key);
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { remaining_credits: 1_000_000 } : { detail: 'API key is revoked or expired' }));
        return;
      }
      const known = path === ASR_PATH;
      res.writeHead(known ? 426 : 404, { 'content-type': 'text/plain' });
      res.end(known ? 'WebSocket upgrade required\n' : 'Not found\n');
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  get url(): string {
    const a = this.address;
    if (!a) return '';
    const host = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address;
    return `ws://${a.family === 'IPv6' && host.includes(':') ? `[${host}]` : host}:${a.port}${ASR_PATH}`;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.http.once('error', onError);
      this.http.listen(port, host, () => {
        this.http.off('error', onError);
        this.address = this.http.address() as AddressInfo;
        this.log(`listening on ${this.url}`);
        resolve();
      });
    });
  }

  private keyAccepted(key: string): boolean {
    return key !== '' && (this.opts.apiKeys ? this.opts.apiKeys.includes(key) : true);
  }

  setFaults(f: EmulatorFaults): void {
    this.faults = { ...f };
  }

  setScript(s: string[]): void {
    this.script.replace([...s]);
  }

  override on(event: 'session' | 'session-end', cb: (s: EmulatorSession) => void): this {
    return super.on(event, cb);
  }

  override off(event: 'session' | 'session-end', cb: (s: EmulatorSession) => void): this {
    return super.off(event, cb);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const ended = [...this.live].map(
      (s) => new Promise<void>((resolve) => this.once(`ended:${s.id}`, () => resolve())),
    );
    for (const session of this.live) session.shutdown(SHUTDOWN_GRACE_MS);
    for (const socket of this.upgrading) socket.destroy();
    await Promise.all(ended);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.log('closed');
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined); // a client vanishing mid-handshake is not our failure
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (this.closing) {
      refuse(socket, 503, 'Service Unavailable', 'emulator is shutting down');
      return;
    }
    if (url.pathname !== ASR_PATH) {
      refuse(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname}; use ${ASR_PATH}`);
      return;
    }
    const faults = this.faults;
    if (faults.http401) {
      this.log('refused an upgrade with HTTP 401 (fault)');
      refuse(socket, 401, 'Unauthorized', 'Invalid API key');
      return;
    }
    const key = headerValue(req.headers['x-api-key']) ?? url.searchParams.get('token') ?? '';
    const accepted = this.keyAccepted(key);
    const headers = { ...req.headers };
    delete headers['x-api-key'];

    this.upgrading.add(socket);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.upgrading.delete(socket);
      const session = new ProtocolSession(ws, socket, {
        id: this.sessions.length + 1,
        apiKeyAccepted: accepted,
        headers,
        faults,
        record: this.opts.recordMessages !== false,
        recordAudio: this.opts.recordAudio === true,
        script: this.script,
        log: this.log,
        onEnd: (s) => {
          this.live.delete(s);
          this.emit(`ended:${s.id}`);
          this.emit('session-end', s);
        },
      });
      this.sessions.push(session);
      this.live.add(session);
      this.log(`session ${session.id}: open, key ${accepted ? 'accepted' : 'refused'}`);
      this.emit('session', session);
      session.start();
    });
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function refuse(socket: Duplex, status: number, text: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.destroy();
}
