/**
 * Many streams under one node: each key (a microphone, a satellite) gets its own SpeechStream and its own
 * AudioPipeline. Owns the limit on concurrent streams, the settings for new streams, and the circuit
 * breaker that stops a refused key or a bad setting from turning into a reconnect storm.
 */
import { AudioPipeline } from '../audio';
import { CodedError } from '../common/error-codes';
import type { AudioFormat } from '../audio/types';
import { GradiumError } from '../gradium/errors';
import type { InputFormat } from '../gradium/protocol';
import { NATIVE_PCM_RATES, pcmInputFormat } from '../gradium/protocol';
import { TypedEmitter } from '../gradium/typed-emitter';
import type { BackoffOptions } from './backoff';
import { DEFAULT_BACKOFF } from './backoff';
import type { ConnectedPayload, DisconnectedPayload, Transcript } from './events';
import { parseSettingsUpdate, type StreamSettings } from './settings';
import { SpeechStream, StreamState, type Connection } from './speech-stream';

export class StreamLimitError extends CodedError {
  override readonly name = 'StreamLimitError';
  constructor(message: string) {
    super('STREAM_CAP', message);
  }
}

export class NoStreamError extends CodedError {
  override readonly name = 'NoStreamError';
  constructor(message: string) {
    super('NO_STREAM', message);
  }
}

export interface StreamManagerOptions {
  settings: StreamSettings;
  format: AudioFormat;
  maxStreams: number;
  connection: () => Connection;
  backoff?: BackoffOptions;
  sessionCapSeconds?: number;
  handshakeTimeoutMs?: number;
  stallTimeoutMs?: number;
  maxBufferedBytes?: number;
}

/** Events carry the stream key and the latest context given with that key's input (the node's msg). */
export type ManagerEvents<C> = {
  connected: (key: string, p: ConnectedPayload, context: C | undefined) => void;
  disconnected: (key: string, p: DisconnectedPayload, context: C | undefined) => void;
  transcript: (key: string, t: Transcript, context: C | undefined) => void;
  /** A failure that is not retried; reported once per block, not once per stream or chunk. */
  failed: (key: string, err: GradiumError, context: C | undefined) => void;
  warning: (key: string, message: string) => void;
  /** Something changed that the status shows. */
  changed: () => void;
};

export interface ManagerSummary {
  streams: number;
  connecting: number;
  open: number;
  backoff: number;
  /** The soonest pending reconnect among streams in backoff (ms from now), or null. */
  retryInMs: number | null;
  /** Set while new sessions are refused after a key/config failure. */
  blocked: GradiumError | null;
  lastHeard: string;
}

interface Entry<C> {
  stream: SpeechStream;
  pipeline: AudioPipeline;
  context: C | undefined;
}

/** After a refused key, how long before one more attempt is allowed (doubles up to the cap). */
const BLOCK_BASE_MS = 60_000;
const BLOCK_MAX_MS = 600_000;

export class StreamManager<C = unknown> extends TypedEmitter<ManagerEvents<C>> {
  private readonly streams = new Map<string, Entry<C>>();
  private settings: StreamSettings;
  private blocked: { error: GradiumError; until: number } | null = null;
  private blockMs = BLOCK_BASE_MS;
  private lastHeard = '';
  /** Audio refused while new sessions are held back: reported when they resume, never silently lost. */
  private droppedWhileBlockedMs = 0;

  constructor(private readonly options: StreamManagerOptions) {
    super();
    this.settings = options.settings;
  }

  get currentSettings(): StreamSettings {
    return this.settings;
  }

  summary(): ManagerSummary {
    let connecting = 0;
    let open = 0;
    let backoff = 0;
    let retryInMs: number | null = null;
    for (const { stream } of this.streams.values()) {
      if (stream.state === StreamState.CONNECTING) connecting += 1;
      // An ending stream is still listening to its last audio.
      else if (stream.state === StreamState.OPEN || stream.state === StreamState.ENDING) open += 1;
      else if (stream.state === StreamState.BACKOFF) {
        backoff += 1;
        const ms = stream.retryInMs;
        if (ms !== null && (retryInMs === null || ms < retryInMs)) retryInMs = ms;
      }
    }
    return { streams: this.streams.size, connecting, open, backoff, retryInMs, blocked: this.blocked?.error ?? null, lastHeard: this.lastHeard };
  }

  has(key: string): boolean {
    return this.streams.has(key);
  }

  /**
   * Audio for a key. Throws AudioInputError (bad payload or msg.format) or StreamLimitError; neither
   * touches any existing stream. Returns false when the audio was refused because sessions are blocked.
   */
  pushAudio(key: string, payload: unknown, formatOverride: unknown, context: C | undefined): boolean {
    let entry = this.streams.get(key);
    const pipeline = entry?.pipeline ?? this.newPipeline();
    const frames = pipeline.push(payload, formatOverride);
    if (!entry) {
      if (this.isBlocked()) {
        pipeline.close();
        this.dropWhileBlocked(key, frames.reduce((ms, f) => ms + f.durationMs, 0));
        return false;
      }
      if (frames.length === 0 && !pipeline.inputFormat) return true;
      entry = this.createStream(key, pipeline, pipeline.inputFormat ?? this.expectedInputFormat(), context);
    }
    entry.context = context ?? entry.context;
    entry.stream.pushFrames(frames);
    return true;
  }

  /** action start: open a session now. */
  start(key: string, context: C | undefined): void {
    const existing = this.streams.get(key);
    if (existing) {
      existing.context = context ?? existing.context;
      existing.stream.open();
      return;
    }
    if (this.isBlocked()) throw this.blocked!.error;
    const pipeline = this.newPipeline(this.expectedRate());
    const entry = this.createStream(key, pipeline, this.expectedInputFormat(), context);
    entry.stream.open();
  }

  flush(key: string, context: C | undefined): void {
    const entry = this.requireStream(key, 'flush');
    entry.context = context ?? entry.context;
    entry.stream.pushFrames(entry.pipeline.flush());
    entry.stream.flushTurn();
  }

  stop(key: string, context: C | undefined): void {
    const entry = this.requireStream(key, 'stop');
    entry.context = context ?? entry.context;
    entry.stream.pushFrames(entry.pipeline.flush());
    entry.stream.stop('stop', 'stop');
  }

  /** Drop one stream, or all when key is undefined: no transcript, sockets closed. */
  reset(key?: string): number {
    const entries = key === undefined ? [...this.streams.values()] : [this.streams.get(key)].filter(isEntry);
    for (const e of entries) e.stream.abort('reset');
    return entries.length;
  }

  /** Validate and apply msg.settings to every live stream and to streams opened later. Throws SettingsError. */
  updateSettings(raw: unknown): Partial<StreamSettings> {
    const update = parseSettingsUpdate(raw);
    const next = { ...this.settings, ...update };
    this.settings = next;
    // A new setting may be what fixes a refused configuration.
    if (this.blocked?.error.category === 'config') this.unblock();
    for (const { stream } of this.streams.values()) stream.applySettings(update, next);
    return update;
  }

  /** Redeploy/shutdown: end every stream (final when there is time), abort what is left after timeoutMs. */
  async closeAll(timeoutMs: number): Promise<void> {
    const entries = [...this.streams.values()];
    if (entries.length === 0) return;
    const ended = entries.map(
      (e) => new Promise<void>((resolve) => (e.stream.state === StreamState.ENDED ? resolve() : e.stream.once('ended', resolve))),
    );
    for (const e of entries) e.stream.stop('stop', 'redeploy');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([Promise.all(ended), timeout]);
    if (timer) clearTimeout(timer);
    if (result === 'timeout') {
      for (const e of entries) e.stream.abort('redeploy');
      await Promise.race([Promise.all(ended), new Promise((r) => setTimeout(r, 1000))]);
    }
  }

  private requireStream(key: string, action: string): Entry<C> {
    const entry = this.streams.get(key);
    if (!entry) throw new NoStreamError(`action "${action}": no stream "${key}" is open (send audio or action "start" first).`);
    return entry;
  }

  private isBlocked(): boolean {
    if (!this.blocked) return false;
    if (this.blocked.error.category !== 'config' && Date.now() >= this.blocked.until) {
      // Let one attempt through; a new refusal blocks again for longer.
      this.blocked = null;
      this.reportBlockedDrops();
      this.emit('changed');
      return false;
    }
    return true;
  }

  private unblock(): void {
    this.blocked = null;
    this.blockMs = BLOCK_BASE_MS;
    this.reportBlockedDrops();
    this.emit('changed');
  }

  private dropWhileBlocked(key: string, ms: number): void {
    if (this.droppedWhileBlockedMs === 0) {
      this.emit(
        'warning',
        key,
        `stream "${key}": audio dropped while new sessions are held back after "${this.blocked?.error.message}"; the total is reported when they resume.`,
      );
    }
    this.droppedWhileBlockedMs += Math.max(ms, 1e-3);
  }

  private reportBlockedDrops(): void {
    if (this.droppedWhileBlockedMs === 0) return;
    const ms = Math.round(this.droppedWhileBlockedMs);
    this.droppedWhileBlockedMs = 0;
    this.emit('warning', '', `${ms} ms of audio were dropped while new sessions were held back.`);
  }

  private newPipeline(targetRate?: number): AudioPipeline {
    return new AudioPipeline({
      format: this.options.format,
      targetRate,
      onWarning: (m) => this.emit('warning', '', m),
    });
  }

  /** The input format a session opened before any audio (action start) declares. */
  private expectedInputFormat(): InputFormat {
    const { encoding } = this.options.format;
    if (encoding === 'ulaw') return 'ulaw_8000';
    if (encoding === 'alaw') return 'alaw_8000';
    if (encoding === 'opus') return 'opus';
    return pcmInputFormat(this.expectedRate())!;
  }

  private expectedRate(): number {
    const rate = this.options.format.sampleRate;
    if ((NATIVE_PCM_RATES as readonly number[]).includes(rate)) return rate;
    return NATIVE_PCM_RATES.reduce((best, r) => (Math.abs(r - rate) < Math.abs(best - rate) ? r : best), 16000);
  }

  private createStream(key: string, pipeline: AudioPipeline, inputFormat: InputFormat, context: C | undefined): Entry<C> {
    if (this.streams.size >= this.options.maxStreams) {
      pipeline.close();
      throw new StreamLimitError(
        `stream "${key}" refused: ${this.streams.size} streams are open and the limit is ${this.options.maxStreams} (raise "max streams" or stop idle streams).`,
      );
    }
    const stream = new SpeechStream({
      key,
      settings: this.settings,
      inputFormat,
      sampleRate: rateOf(inputFormat),
      connection: this.options.connection,
      backoff: this.options.backoff ?? DEFAULT_BACKOFF,
      sessionCapSeconds: this.options.sessionCapSeconds,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      stallTimeoutMs: this.options.stallTimeoutMs,
      maxBufferedBytes: this.options.maxBufferedBytes,
      drainInput: () => pipeline.flush(),
    });
    const entry: Entry<C> = { stream, pipeline, context };
    this.streams.set(key, entry);
    stream.on('connected', (p) => {
      if (this.blocked) this.unblock();
      this.emit('connected', key, p, entry.context);
      this.emit('changed');
    });
    stream.on('disconnected', (p) => this.emit('disconnected', key, p, entry.context));
    stream.on('transcript', (t) => {
      if (t.text) this.lastHeard = t.text;
      this.emit('transcript', key, t, entry.context);
      if (t.text) this.emit('changed');
    });
    stream.on('failed', (err) => this.onFailed(key, err, entry.context));
    stream.on('warning', (m) => this.emit('warning', key, m));
    stream.on('state', () => this.emit('changed'));
    stream.on('ended', () => {
      if (this.streams.get(key) === entry) this.streams.delete(key);
      pipeline.close();
      this.emit('changed');
    });
    return entry;
  }

  private onFailed(key: string, err: GradiumError, context: C | undefined): void {
    if (err.category !== 'transient') {
      const alreadyBlocked = this.blocked !== null;
      this.blocked = { error: err, until: Date.now() + this.blockMs };
      this.blockMs = Math.min(BLOCK_MAX_MS, this.blockMs * 2);
      // Every stream would hit the same wall: end them instead of letting each fail on its own.
      for (const [k, e] of this.streams) if (k !== key) e.stream.abort('error');
      if (alreadyBlocked) return;
    }
    this.emit('failed', key, err, context);
    this.emit('changed');
  }
}

function isEntry<C>(e: Entry<C> | undefined): e is Entry<C> {
  return e !== undefined;
}

function rateOf(format: InputFormat): number {
  if (format === 'pcm') return 24000;
  if (format === 'ulaw_8000' || format === 'mulaw_8000' || format === 'alaw_8000') return 8000;
  const m = /^pcm_(\d+)$/.exec(format);
  return m ? Number(m[1]) : 48000;
}

