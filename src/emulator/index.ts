/**
 * A local server speaking Gradium's real-time ASR protocol (docs/gradium-protocol.md) and
 * TTS protocol (docs/gradium-tts-protocol.md), for tests, the demo, the benchmark and users who build flows
 * without credits. It hears speech by energy and places words of a script on it; it speaks text as
 * deterministic tones with word timings; it lists voices; and it can inject the faults a real client must
 * survive.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { DEFAULT_SCRIPT, ScriptCursor } from './script-cursor';
import { ProtocolSession } from './session';
import { TtsProtocolSession } from './tts-session';
import { CATALOG_VOICES, type EmulatorVoice } from './tts-voices';
import type { Emulator, EmulatorFaults, EmulatorOptions, EmulatorSession, EmulatorTtsSession } from './types';

export type {
  Emulator,
  EmulatorFaults,
  EmulatorOptions,
  EmulatorSession,
  EmulatorTtsSession,
  EmulatorVoice,
  InvalidFrame,
} from './types';
export { CATALOG_VOICES, DEFAULT_VOICE_ID, UNKNOWN_VOICE_MESSAGE } from './tts-voices';
export { TTS_BAD_KEY_MESSAGE, TTS_NO_KEY_REASON } from './tts-session';
export { DEFAULT_SCRIPT } from './script-cursor';
export { LANGUAGE_REQUIRED_MESSAGE } from './setup-check';
export { BAD_KEY_MESSAGE, BINARY_FRAME_MESSAGE, SESSION_CAP_MESSAGE } from './session';
export { SPEECH_RMS_DBFS, HORIZONS_S } from './speech-tracker';

export const ASR_PATH = '/api/speech/asr';
export const TTS_PATH = '/api/speech/tts';
export const CREDITS_PATH = '/api/usages/credits';
export const VOICES_PATH = '/api/voices/';
/** How long a socket gets to answer our close frame at shutdown before it is cut. */
const SHUTDOWN_GRACE_MS = 300;

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(opts);
  await emulator.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return emulator;
}

class EmulatorServer extends EventEmitter implements Emulator {
  readonly sessions: ProtocolSession[] = [];
  readonly ttsSessions: TtsProtocolSession[] = [];
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly script: ScriptCursor;
  private faults: EmulatorFaults;
  private readonly live = new Set<ProtocolSession | TtsProtocolSession>();
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
      if (path === VOICES_PATH || path === VOICES_PATH.slice(0, -1)) {
        this.answerVoices(req, res);
        return;
      }
      const known = path === ASR_PATH || path === TTS_PATH;
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

  get ttsUrl(): string {
    const url = this.url;
    return url ? url.slice(0, -ASR_PATH.length) + TTS_PATH : '';
  }

  /** GET /api/voices/: the account's voices, and the catalogue with include_catalog=true (docs/gradium-tts-protocol.md, "Voices"). */
  private answerVoices(req: IncomingMessage, res: ServerResponse): void {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !this.keyAccepted(key)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'API key is revoked or expired' }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://emulator');
    const withCatalog = /^(true|1)$/i.test(url.searchParams.get('include_catalog') ?? '');
    const voices = [...(withCatalog ? CATALOG_VOICES : []), ...(this.opts.voices ?? [])];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(voices));
  }

  private knownVoices(): readonly EmulatorVoice[] {
    return this.opts.voices ? [...CATALOG_VOICES, ...this.opts.voices] : CATALOG_VOICES;
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

  override on(event: 'session' | 'session-end', cb: (s: EmulatorSession) => void): this;
  override on(event: 'tts-session' | 'tts-session-end', cb: (s: EmulatorTtsSession) => void): this;
  override on(event: string, cb: (s: EmulatorSession & EmulatorTtsSession) => void): this {
    return super.on(event, cb);
  }

  override off(event: 'session' | 'session-end', cb: (s: EmulatorSession) => void): this;
  override off(event: 'tts-session' | 'tts-session-end', cb: (s: EmulatorTtsSession) => void): this;
  override off(event: string, cb: (s: EmulatorSession & EmulatorTtsSession) => void): this {
    return super.off(event, cb);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const ended = [...this.live].map(
      (s) =>
        new Promise<void>((resolve) =>
          this.once(s instanceof TtsProtocolSession ? `ended:tts:${s.id}` : `ended:${s.id}`, () => resolve()),
        ),
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
    if (url.pathname !== ASR_PATH && url.pathname !== TTS_PATH) {
      refuse(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname}; use ${ASR_PATH} or ${TTS_PATH}`);
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
    if (url.pathname === TTS_PATH) {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.upgrading.delete(socket);
        const session = new TtsProtocolSession(ws, {
          id: this.ttsSessions.length + 1,
          apiKeyAccepted: accepted,
          keyGiven: key !== '',
          headers,
          faults,
          record: this.opts.recordMessages !== false,
          voices: () => this.knownVoices(),
          log: this.log,
          onEnd: (s) => {
            this.live.delete(s);
            this.emit(`ended:tts:${s.id}`);
            this.emit('tts-session-end', s);
          },
        });
        this.ttsSessions.push(session);
        this.live.add(session);
        this.log(`tts session ${session.id}: open, key ${accepted ? 'accepted' : 'refused'}`);
        this.emit('tts-session', session);
        session.start();
      });
      return;
    }
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
