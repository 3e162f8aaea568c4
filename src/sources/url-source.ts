/**
 * A stream the node pulls itself: a camera's RTSP, an HTTP(S) stream or file, read through ffmpeg in real
 * time and delivered as 16 kHz mono s16le ('pcm'). A source that drops (a camera rebooting, a server going
 * away, no audio for `stallMs`) is read again after a pause that starts at 1 s and doubles up to 30 s
 * ('dropped' says when); a source that ends cleanly (a file served whole) ends ('ended'). ffmpeg missing is
 * not retried ('failed').
 *
 * HTTP(S) is fetched by Node.js and fed to ffmpeg's standard input, because only the HTTP layer can tell a
 * complete response from one cut short (ffmpeg exits the same way for both); RTSP and files are opened by
 * ffmpeg itself, and there an exit without error is the end.
 *
 *   connecting ──first audio──▶ reading ──clean end──▶ ended
 *       │  ▲                      │
 *       │  └──retry timer── backoff ◀──drop / stall── (connecting, reading)
 *       └──ffmpeg missing──▶ failed           every state ──stop()──▶ stopped
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { realClock, TimerSlot, type Clock } from '../common/clock';
import type { CodedError } from '../common/error-codes';
import { StateMachine, type TransitionTable } from '../common/state-table';
import { TypedEmitter } from '../common/typed-emitter';
import { FfmpegDecoder, type DecoderExit } from '../audio/ffmpeg/ffmpeg-decoder';
import { maskSecrets, type SourceUrl } from './source-url';

export type SourceState = 'connecting' | 'reading' | 'backoff' | 'ended' | 'failed' | 'stopped';

const SOURCE_TRANSITIONS: TransitionTable<SourceState> = {
  connecting: ['reading', 'backoff', 'ended', 'failed', 'stopped'],
  reading: ['backoff', 'ended', 'failed', 'stopped'],
  backoff: ['connecting', 'stopped'],
  ended: [],
  failed: [],
  stopped: [],
};

export const SOURCE_RETRY = { initialMs: 1000, maxMs: 30_000 } as const;

export interface UrlSourceOptions {
  url: SourceUrl;
  ffmpegPath: string;
  clock?: Clock;
  /** No audio for this long while connected counts as a drop (a camera that hangs without closing). */
  stallMs?: number;
}

export interface SourceDrop {
  /** Why, masked: the HTTP status, the network error or ffmpeg's last line. */
  message: string;
  retryInMs: number;
  /** Drops in a row so far (reset once audio flows again). */
  attempt: number;
}

export type SourceEvents = {
  pcm: (samples: Buffer) => void;
  dropped: (drop: SourceDrop) => void;
  ended: () => void;
  failed: (err: CodedError) => void;
};

export class UrlSource extends TypedEmitter<SourceEvents> {
  private readonly machine = new StateMachine<SourceState>('UrlSource', SOURCE_TRANSITIONS, 'connecting');
  private readonly clock: Clock;
  private readonly retryTimer: TimerSlot;
  private readonly stallTimer: TimerSlot;
  private decoder: FfmpegDecoder | null = null;
  private request: http.ClientRequest | null = null;
  private drops = 0;
  /** Why the current attempt is ending, when the HTTP side or the stall watchdog knew first. */
  private dropReason: string | null = null;
  private complete = false;

  constructor(private readonly options: UrlSourceOptions) {
    super();
    this.clock = options.clock ?? realClock;
    this.retryTimer = new TimerSlot(this.clock);
    this.stallTimer = new TimerSlot(this.clock);
    this.connect();
  }

  get state(): SourceState {
    return this.machine.state;
  }

  get shown(): string {
    return this.options.url.shown;
  }

  /** The pid of the ffmpeg reading now (tests check that none is left). */
  get pid(): number | undefined {
    return this.decoder?.pid;
  }

  /** Stop reading: the process is killed, no retry. Resolves once it is gone. */
  stop(): Promise<void> {
    const gone = this.decoder?.gone ?? Promise.resolve();
    if (this.machine.is('ended', 'failed', 'stopped')) return gone;
    this.machine.to('stopped');
    this.teardown();
    this.removeAllListeners();
    return gone;
  }

  private mask(text: string): string {
    return maskSecrets(text, this.options.url.secrets);
  }

  private connect(): void {
    this.dropReason = null;
    this.complete = false;
    const { url, ffmpegPath } = this.options;
    const viaHttp = url.scheme === 'http' || url.scheme === 'https';
    const decoder = new FfmpegDecoder({
      ffmpegPath,
      describe: `the source ${url.shown}`,
      realTime: true,
      url: viaHttp ? undefined : url.scheme === 'file' ? new URL(url.href).pathname : url.href,
      inputArgs: url.scheme === 'rtsp' || url.scheme === 'rtsps' ? ['-rtsp_transport', 'tcp'] : [],
      mask: (line) => this.mask(line),
    });
    this.decoder = decoder;
    decoder.on('pcm', (pcm) => this.onPcm(pcm));
    decoder.on('exit', (exit) => this.onDecoderExit(decoder, exit));
    this.armStall();
    if (viaHttp) this.fetch(decoder);
  }

  private fetch(decoder: FfmpegDecoder): void {
    const get = this.options.url.scheme === 'https' ? https.get : http.get;
    const req = get(this.options.url.href, { headers: { 'user-agent': 'node-red-contrib-gradium' } }, (res) => {
      if (res.statusCode !== 200) {
        this.dropReason = `HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim();
        res.resume();
        decoder.end();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (!decoder.write(chunk) && decoder.writable) {
          res.pause();
          decoder.onDrain(() => res.resume());
        }
      });
      res.on('end', () => {
        this.complete = res.complete;
      });
      res.on('close', () => {
        if (!res.complete) this.dropReason ??= 'the connection closed before the stream ended';
        decoder.end();
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      this.dropReason ??= err.code ? `${err.code} ${err.message}` : err.message;
      decoder.end();
    });
    this.request = req;
  }

  private onPcm(pcm: Buffer): void {
    if (this.machine.is('connecting')) this.machine.to('reading');
    this.drops = 0;
    this.armStall();
    this.emit('pcm', pcm);
  }

  private armStall(): void {
    const ms = this.options.stallMs ?? 15_000;
    this.stallTimer.set(() => {
      this.dropReason = `no audio for ${Math.round(ms / 1000)} s`;
      this.request?.destroy();
      this.decoder?.close();
      this.afterAttempt({ state: 'failed', pcmBytes: 0 });
    }, ms);
  }

  private onDecoderExit(decoder: FfmpegDecoder, exit: DecoderExit): void {
    if (decoder !== this.decoder || exit.state === 'killed') return;
    this.afterAttempt(exit);
  }

  private afterAttempt(exit: DecoderExit): void {
    if (!this.machine.is('connecting', 'reading')) return;
    this.teardown();
    if (exit.error?.code === 'NO_DECODER') {
      this.machine.to('failed');
      this.emit('failed', exit.error);
      this.removeAllListeners();
      return;
    }
    const viaHttp = this.options.url.scheme === 'http' || this.options.url.scheme === 'https';
    const cleanEnd = exit.state === 'done' && this.dropReason === null && (!viaHttp || this.complete);
    if (cleanEnd) {
      this.machine.to('ended');
      this.emit('ended');
      this.removeAllListeners();
      return;
    }
    const message = this.mask(this.dropReason ?? exit.error?.message ?? 'the source ended');
    const retryInMs = Math.min(SOURCE_RETRY.maxMs, SOURCE_RETRY.initialMs * 2 ** this.drops);
    this.drops += 1;
    this.machine.to('backoff');
    this.emit('dropped', { message, retryInMs, attempt: this.drops });
    this.retryTimer.set(() => {
      this.machine.to('connecting');
      this.connect();
    }, retryInMs);
  }

  private teardown(): void {
    this.stallTimer.cancel();
    this.retryTimer.cancel();
    this.request?.destroy();
    this.request = null;
    this.decoder?.close();
    this.decoder = null;
  }
}
