/**
 * Many streams under one node. Each key (a microphone, a satellite) gets a StreamChannel — its audio pipeline,
 * mute, voice gate and counters — that opens SpeechStreams on demand. The manager owns what is shared: the
 * node's settings and each key's own overrides, the mute book, session admission (stream cap and circuit
 * breaker), and the channels' lifetime (a channel goes once it has no stream and its input went quiet).
 */
import { AudioPipeline } from '../audio';
import { CodedError } from '../common/error-codes';
import type { AudioFormat, AudioFrame } from '../audio/types';
import type { GradiumError } from '../gradium/errors';
import type { InputFormat } from '../gradium/protocol';
import { NATIVE_PCM_RATES, pcmInputFormat } from '../gradium/protocol';
import { TypedEmitter } from '../common/typed-emitter';
import { SessionAdmission } from './session-admission';
import type { OutboundFilterFactory } from './outbound-audio-filter';
import type { BackoffOptions } from './backoff';
import { realClock, type Clock, type TimerHandle } from '../common/clock';
import type { ConnectedPayload, DisconnectedPayload, Transcript } from './events';
import { IdleTimer } from './idle-timer';
import { MuteBook } from './mute-book';
import { sendAudioFilters } from './send-audio-filter';
import { parseSettingsUpdate, type StreamSettings } from './settings';
import { SpeechStream, StreamState, type Connection } from './speech-stream';
import { StreamChannel, type ChannelHost } from './stream-channel';
import { STREAM_DEFAULTS } from './stream-defaults';
import type { TransportFactory } from './transport';
import { DECODED_FORMAT, DecoderSlots, FfmpegInput, type FfmpegOptions, type FfmpegSink } from './ffmpeg-input';
import type { SourceUrl } from '../sources/source-url';

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
  /** The node's stream settings; default: a new node's (STREAM_DEFAULTS.settings). */
  settings?: StreamSettings;
  format: AudioFormat;
  maxStreams: number;
  connection: () => Connection;
  backoff?: BackoffOptions;
  sessionCapSeconds?: number;
  handshakeTimeoutMs?: number;
  stallTimeoutMs?: number;
  maxBufferedBytes?: number;
  /**
   * What each key's audio passes through before Gradium. Default: as the key's `sendAudio` setting says (the
   * voice gate for "speech", everything for "always"; a key that cannot be gated is warned about once).
   */
  outboundFilter?: OutboundFilterFactory;
  /** Default: the real clock. Tests pass one they advance by hand. */
  clock?: Clock;
  /** Default: real Gradium sessions. Tests may stand in for the socket. */
  transport?: TransportFactory;
  /** Jitter source of the reconnect backoff (default Math.random). */
  random?: () => number;
  /** ffmpeg for containers and URL sources (default: `ffmpeg` on the PATH, 8 processes). */
  ffmpeg?: FfmpegOptions;
}

/**
 * One stream of a key, from the input that opened it to its end, numbered by its manager (never reused). A key
 * may have two at once, the live one and one still ending; whoever serves one request after another on the same
 * key (a Wyoming connection) tells them apart by this number.
 */
export type StreamId = number;

/**
 * Events carry the stream key, the latest context given with that key's input (the node's msg) and the stream
 * they come from.
 */
export type ManagerEvents<C> = {
  connected: (key: string, p: ConnectedPayload, context: C | undefined, stream: StreamId) => void;
  /** `stream` null: a report of the key's input (a URL source dropped), not of one of its streams. */
  disconnected: (key: string, p: DisconnectedPayload, context: C | undefined, stream: StreamId | null) => void;
  transcript: (key: string, t: Transcript, context: C | undefined, stream: StreamId) => void;
  /** A failure that is not retried; reported once per block, not once per stream or chunk. */
  failed: (key: string, err: GradiumError, context: C | undefined, stream: StreamId) => void;
  warning: (key: string, message: string) => void;
  /** The key's input failed (ffmpeg could not decode it, or is missing): the key's error, not Gradium's. */
  inputFailed: (key: string, err: CodedError, context: C | undefined) => void;
  /** Something changed that the status shows. */
  changed: () => void;
};

export interface ManagerSummary {
  /** Keys with a stream (live or draining its last final). */
  streams: number;
  connecting: number;
  open: number;
  backoff: number;
  /** The soonest pending reconnect among streams in backoff (ms from now), or null. */
  retryInMs: number | null;
  /** Set while new sessions are refused after a key/config failure. */
  blocked: GradiumError | null;
  lastHeard: string;
  /** Keys muted by name (with a stream or not); `nodeMuted`: a mute without a key is in force. */
  muted: number;
  nodeMuted: boolean;
  /** Share of the audio taken in that went to Gradium (0…1), or null while nothing was kept back. */
  sentShare: number | null;
}

/** A channel with no stream goes after this long without input (or the key's idle timeout, if longer). */
export const CHANNEL_QUIET_MS = 10_000;

interface Entry<C> {
  channel: StreamChannel<C>;
  quiet: IdleTimer;
  /** The key's ffmpeg input, made when the key first needs one. */
  ffmpeg?: FfmpegInput;
  /** The stream's own audio format when it differs from the node's (a phone call's, from its start event). */
  format?: AudioFormat;
}

export class StreamManager<C = unknown> extends TypedEmitter<ManagerEvents<C>> {
  private readonly channels = new Map<string, Entry<C>>();
  /** The node's settings (dialog, then msg.settings without a key). */
  private settings: StreamSettings;
  /** msg.settings with a key: that key's own values, kept until redeploy (a stream that comes back has them). */
  private readonly overrides = new Map<string, Partial<StreamSettings>>();
  private readonly admission: SessionAdmission;
  private readonly mutes: MuteBook;
  private readonly clock: Clock;
  private readonly host: ChannelHost<C>;
  private readonly makeFilter: OutboundFilterFactory;
  private lastHeard = '';
  /** Audio counts of channels already dropped (ms), for the node's share sent. */
  private readonly retired = { passedMs: 0, mutedMs: 0, gatedMs: 0 };
  private closing = false;
  private droppedWhileClosingMs = 0;
  private readonly streamIds = new WeakMap<SpeechStream, StreamId>();
  private lastStreamId: StreamId = 0;
  private readonly decoderSlots: DecoderSlots;

  constructor(private readonly options: StreamManagerOptions) {
    super();
    this.settings = options.settings ?? { ...STREAM_DEFAULTS.settings };
    this.clock = options.clock ?? realClock;
    this.admission = new SessionAdmission(this.clock, options.maxStreams, {
      changed: () => this.emit('changed'),
      warning: (key, message) => this.emit('warning', key, message),
    });
    this.makeFilter = options.outboundFilter ?? sendAudioFilters((key, message) => this.emit('warning', key, message));
    this.mutes = new MuteBook(this.clock, (key) => this.applyMute(key));
    this.decoderSlots = new DecoderSlots(options.ffmpeg?.maxDecoders ?? 8);
    this.host = {
      openStream: (channel, frames) => this.openStream(channel, frames),
      streamEnded: (channel) => this.onStreamEnded(channel),
    };
  }

  /** The node-wide settings, or those a key runs with (the node's, overridden by the key's own). */
  settingsFor(key?: string): StreamSettings {
    const own = key === undefined ? undefined : this.overrides.get(key);
    return own ? { ...this.settings, ...own } : this.settings;
  }

  summary(): ManagerSummary {
    let streams = 0;
    let connecting = 0;
    let open = 0;
    let backoff = 0;
    let retryInMs: number | null = null;
    const totals = { ...this.retired };
    for (const { channel } of this.channels.values()) {
      totals.passedMs += channel.passedMs;
      totals.mutedMs += channel.mutedMs;
      totals.gatedMs += channel.gatedMs;
      const all = channel.streams;
      const stream = channel.stream ?? all[0];
      if (!stream) continue;
      streams += 1;
      if (stream.state === StreamState.CONNECTING) connecting += 1;
      // An ending stream is still listening to its last audio.
      else if (stream.state === StreamState.OPEN || stream.state === StreamState.ENDING) open += 1;
      else if (stream.state === StreamState.BACKOFF) {
        backoff += 1;
        const ms = stream.retryInMs;
        if (ms !== null && (retryInMs === null || ms < retryInMs)) retryInMs = ms;
      }
    }
    const keptMs = totals.mutedMs + totals.gatedMs;
    const sentShare = keptMs > 0 ? totals.passedMs / (totals.passedMs + keptMs) : null;
    return {
      streams,
      connecting,
      open,
      backoff,
      retryInMs,
      blocked: this.admission.blockedBy,
      lastHeard: this.lastHeard,
      muted: this.mutes.mutedKeys,
      nodeMuted: this.mutes.nodeMuted,
      sentShare,
    };
  }

  /** The key's streams alive now: the live one and those still ending (draining their last final). */
  streamsOf(key: string): StreamId[] {
    const streams = this.channels.get(key)?.channel.streams ?? [];
    return streams.map((s) => this.streamIds.get(s)).filter((id): id is StreamId => id !== undefined);
  }

  isMuted(key: string): boolean {
    return this.mutes.isMuted(key);
  }

  /**
   * Audio for a key. Throws AudioInputError (bad payload or msg.format) or StreamLimitError; neither
   * touches any existing stream. Returns false when the audio was refused (sessions blocked, node closing).
   */
  pushAudio(key: string, payload: unknown, formatOverride: unknown, context: C | undefined): boolean {
    const existing = this.channels.get(key);
    const entry = existing ?? this.createChannel(key);
    let frames: AudioFrame[];
    try {
      if (!this.closing && this.offerToFfmpeg(entry, payload, formatOverride, context)) return true;
      frames = entry.channel.pipeline.push(payload, formatOverride);
    } catch (err) {
      if (!existing) this.dropChannel(entry);
      throw err;
    }
    if (this.closing) {
      this.dropWhileClosing(key, frames);
      return false;
    }
    entry.channel.context = context ?? entry.channel.context;
    entry.quiet.touch();
    return entry.channel.accept(frames, this.clock.now());
  }

  /**
   * action start: open a session now (even for a muted key: an explicit request). `format`: this stream's
   * audio when it is not the node's (a phone call announces its own); its audio then comes with the same
   * format as msg.format.
   */
  start(key: string, context: C | undefined, format?: AudioFormat): void {
    const existing = this.channels.get(key);
    if (!existing?.channel.stream && this.admission.isBlocked()) throw this.admission.blockedBy!;
    // G.711 and Opus pass through as the session declares them; only PCM is resampled to the declared rate.
    const passThrough = ['ulaw', 'alaw', 'opus'].includes((format ?? this.options.format).encoding);
    const entry = existing ?? this.createChannel(key, passThrough ? undefined : this.expectedRate(format), format);
    entry.channel.context = context ?? entry.channel.context;
    entry.quiet.touch();
    entry.channel.open();
  }

  /**
   * End the turn of one key's stream now (final out, streaming goes on), or of every stream (key undefined).
   * A named key without a stream throws NoStreamError; with every stream, none open is nothing to do.
   */
  flush(key: string | undefined, context: C | undefined): void {
    for (const { channel } of this.streamsNamed(key, 'flush')) {
      channel.context = context ?? channel.context;
      this.flushInput(channel);
      channel.stream?.flushTurn('flush');
    }
  }

  /**
   * End one key's stream (last final, close), or every stream (key undefined); missing streams as flush().
   * ffmpeg's last samples first: the last word of a voice note is never lost.
   */
  stop(key: string | undefined, context: C | undefined): void {
    for (const entry of this.streamsNamed(key, 'stop')) {
      entry.channel.context = context ?? entry.channel.context;
      const settling = entry.ffmpeg?.settle(true);
      if (settling) void settling.then(() => this.stopNow(entry));
      else this.stopNow(entry);
    }
  }

  private stopNow(entry: Entry<C>): void {
    this.flushInput(entry.channel);
    entry.channel.stream?.stop('stop', 'stop');
  }

  /** action start with msg.source: the node reads the URL through ffmpeg under this key until stop. */
  startSource(key: string, url: SourceUrl, context: C | undefined): void {
    const existing = this.channels.get(key);
    if (!existing?.channel.stream && this.admission.isBlocked()) throw this.admission.blockedBy!;
    const entry = existing ?? this.createChannel(key, this.expectedRate());
    entry.channel.context = context ?? entry.channel.context;
    this.ffmpegOf(entry).startSource(url);
    entry.quiet.touch();
    entry.channel.open();
  }

  /** The pids of the ffmpeg processes running for this node's keys. */
  ffmpegPids(): number[] {
    return [...this.channels.values()].flatMap((e) => e.ffmpeg?.pids ?? []);
  }

  /** Drop one key's streams, or every key's when key is undefined: no transcript, sockets closed. */
  reset(key?: string): number {
    const entries = key === undefined ? [...this.channels.values()] : [this.channels.get(key)].filter(isEntry);
    let n = 0;
    for (const entry of entries) {
      void entry.ffmpeg?.kill();
      n += entry.channel.reset();
    }
    return n;
  }

  /**
   * Validate msg.settings and apply it: with a key, to that key only (its live stream now, its later streams
   * too, until redeploy); without, to the node — every stream and later ones, except fields a key set for
   * itself. Throws SettingsError and changes nothing when anything is invalid.
   */
  updateSettings(raw: unknown, key?: string): Partial<StreamSettings> {
    const update = parseSettingsUpdate(raw);
    if (key === undefined) {
      this.settings = { ...this.settings, ...update };
      for (const { channel, quiet } of this.channels.values()) {
        const own = this.overrides.get(channel.key);
        const effective = own ? withoutKeys(update, own) : update;
        if (Object.keys(effective).length > 0) this.applySettings(channel, quiet, effective);
      }
    } else {
      this.overrides.set(key, { ...this.overrides.get(key), ...update });
      const entry = this.channels.get(key);
      if (entry) this.applySettings(entry.channel, entry.quiet, update);
    }
    // A new setting may be what fixes a refused configuration.
    this.admission.settingsChanged();
    return update;
  }

  /** Forget a key's own settings (a Wyoming request that is over): its next stream runs with the node's. */
  forgetSettings(key: string): void {
    this.overrides.delete(key);
  }

  /** Mute one key (recorded even before its stream starts), or every key (undefined); `ms` unmutes by itself. */
  mute(key: string | undefined, ms?: number): void {
    this.mutes.mute(key ?? null, ms);
    this.applyMute(key ?? null);
  }

  unmute(key: string | undefined): void {
    this.mutes.unmute(key ?? null);
    this.applyMute(key ?? null);
  }

  /** Redeploy/shutdown: end every stream (final when there is time), abort what is left after timeoutMs. */
  async closeAll(timeoutMs: number): Promise<void> {
    this.closing = true;
    this.mutes.close();
    const streams = [...this.channels.values()].flatMap((e) => e.channel.streams);
    const ended = streams.map(
      (s) => new Promise<void>((resolve) => (s.state === StreamState.ENDED ? resolve() : s.once('ended', resolve))),
    );
    for (const s of streams) s.stop('stop', 'redeploy');
    if (ended.length > 0 && (await this.race(Promise.all(ended), timeoutMs)) === 'timeout') {
      for (const s of streams) s.abort('redeploy');
      await this.race(Promise.all(ended), 1000);
    }
    // dropChannel kills every ffmpeg process still running; the close is over once they are gone.
    const gone = [...this.channels.values()].map((entry) => this.dropChannel(entry));
    await this.race(Promise.all(gone), 2000);
  }

  // ------------------------------------------------------------------ channels and their streams

  private createChannel(key: string, targetRate?: number, format?: AudioFormat): Entry<C> {
    const settings = this.settingsFor(key);
    const channel = new StreamChannel<C>(
      key,
      () => this.newPipeline(targetRate, format),
      (inputFormat) => this.makeFilter(key, inputFormat, this.settingsFor(key)),
      this.host,
      this.mutes.isMuted(key),
    );
    const entry: Entry<C> = { channel, quiet: new IdleTimer(this.clock, quietMs(settings), () => this.maybeDrop(entry)), format };
    this.channels.set(key, entry);
    return entry;
  }

  private maybeDrop(entry: Entry<C>): void {
    const { channel } = entry;
    if (this.channels.get(channel.key) !== entry || channel.streams.length > 0 || entry.ffmpeg?.busy) return;
    const quietFor = this.clock.now() - channel.lastInputAt;
    if (quietFor >= quietMs(this.settingsFor(channel.key)) - 1) this.dropChannel(entry);
  }

  /** Resolves once the key's ffmpeg processes are gone. */
  private dropChannel(entry: Entry<C>): Promise<void> {
    const { channel } = entry;
    if (this.channels.get(channel.key) === entry) this.channels.delete(channel.key);
    entry.quiet.stop();
    const gone = entry.ffmpeg?.kill() ?? Promise.resolve();
    // Closed first: what its gate still held counts as kept back.
    channel.close();
    this.retired.passedMs += channel.passedMs;
    this.retired.mutedMs += channel.mutedMs;
    this.retired.gatedMs += channel.gatedMs;
    return gone;
  }

  private openStream(channel: StreamChannel<C>, frames: AudioFrame[]): SpeechStream | null {
    const key = channel.key;
    if (this.admission.isBlocked()) {
      this.admission.dropped(key, durationOf(frames));
      return null;
    }
    let others = 0;
    for (const e of this.channels.values()) if (e.channel !== channel && e.channel.streams.length > 0) others += 1;
    const refusal = this.admission.refusalPastCap(key, others);
    if (refusal !== null) throw new StreamLimitError(refusal);
    const inputFormat = channel.pipeline.inputFormat ?? this.expectedInputFormat(this.channels.get(key)?.format);
    const stream = new SpeechStream({
      key,
      settings: this.settingsFor(key),
      inputFormat,
      sampleRate: rateOf(inputFormat),
      connection: this.options.connection,
      backoff: this.options.backoff ?? STREAM_DEFAULTS.backoff,
      sessionCapSeconds: this.options.sessionCapSeconds,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      stallTimeoutMs: this.options.stallTimeoutMs,
      maxBufferedBytes: this.options.maxBufferedBytes,
      drainInput: (reason) => channel.drainForEnd(reason),
      settleInput: (reason) => {
        const ffmpeg = this.channels.get(key)?.ffmpeg;
        // An idle end while the key's container input still flows (speech paused) leaves its decoder running.
        if (!ffmpeg || (reason === 'idle' && !ffmpeg.inputQuietFor(this.settingsFor(key).idleTimeout))) return undefined;
        return ffmpeg.settle();
      },
      takeKeptBack: () => channel.takeKeptBack(),
      clock: this.clock,
      transport: this.options.transport,
      random: this.options.random,
    });
    const id = ++this.lastStreamId;
    this.streamIds.set(stream, id);
    stream.on('connected', (p) => {
      this.admission.succeeded();
      this.emit('connected', key, p, channel.context, id);
      this.emit('changed');
    });
    stream.on('disconnected', (p) => this.emit('disconnected', key, p, channel.context, id));
    stream.on('transcript', (t) => {
      if (t.text) this.lastHeard = t.text;
      this.emit('transcript', key, t, channel.context, id);
      if (t.text) this.emit('changed');
    });
    stream.on('failed', (err) => this.onFailed(key, err, channel.context, id));
    stream.on('warning', (m) => this.emit('warning', key, m));
    stream.on('state', () => this.emit('changed'));
    this.emit('changed');
    return stream;
  }

  private onStreamEnded(channel: StreamChannel<C>): void {
    const entry = this.channels.get(channel.key);
    if (entry?.channel === channel) this.maybeDrop(entry);
    this.emit('changed');
  }

  private onFailed(key: string, err: GradiumError, context: C | undefined, stream: StreamId): void {
    const news = this.admission.refused(err);
    // Every stream would hit the same wall: end them instead of letting each fail on its own.
    if (err.category !== 'transient') {
      for (const { channel } of this.channels.values()) if (channel.key !== key) for (const s of channel.streams) s.abort('error');
    }
    if (!news) return;
    this.emit('failed', key, err, context, stream);
    this.emit('changed');
  }

  private applySettings(channel: StreamChannel<C>, quiet: IdleTimer, update: Partial<StreamSettings>): void {
    const next = this.settingsFor(channel.key);
    quiet.setTimeoutMs(quietMs(next));
    channel.applySettings(update, next);
  }

  private applyMute(key: string | null): void {
    const entries = key === null ? [...this.channels.values()] : [this.channels.get(key)].filter(isEntry);
    const now = this.clock.now();
    for (const { channel } of entries) channel.setMuted(this.mutes.isMuted(channel.key), now);
    this.emit('changed');
  }

  /** The partial frame in the pipeline goes to the key's live stream before a flush or stop. */
  private flushInput(channel: StreamChannel<C>): void {
    if (channel.stream) channel.accept(channel.pipeline.flush(), this.clock.now());
  }

  /** The channels an action acts on: the named key's (which must have a stream), or every one with a stream. */
  private streamsNamed(key: string | undefined, action: string): Entry<C>[] {
    if (key === undefined) return [...this.channels.values()].filter((e) => e.channel.streams.length > 0 || e.ffmpeg?.busy);
    const entry = this.channels.get(key);
    if (!entry || (entry.channel.streams.length === 0 && !entry.ffmpeg?.busy)) {
      throw new NoStreamError(`action "${action}": no stream "${key}" is open (send audio or action "start" first).`);
    }
    return [entry];
  }

  // ------------------------------------------------------------------ ffmpeg input (containers, URL sources)

  private ffmpegOf(entry: Entry<C>): FfmpegInput {
    if (!entry.ffmpeg) {
      const key = entry.channel.key;
      const sink: FfmpegSink = {
        pcm: (samples) => this.onDecoded(entry, samples),
        failed: (err) => this.onInputFailed(entry, err),
        sourceDropped: (drop, shown) => this.onSourceDropped(entry, drop.message, drop.retryInMs, shown),
        sourceEnded: () => {
          if (entry.channel.streams.length > 0) this.stop(key, undefined);
        },
        warning: (message) => this.emit('warning', key, message),
      };
      entry.ffmpeg = new FfmpegInput(
        key,
        this.options.ffmpeg ?? { ffmpegPath: 'ffmpeg', maxDecoders: 8 },
        this.decoderSlots,
        sink,
        this.clock,
        () => this.settingsFor(key).idleTimeout,
      );
    }
    return entry.ffmpeg;
  }

  private offerToFfmpeg(entry: Entry<C>, payload: unknown, formatOverride: unknown, context: C | undefined): boolean {
    const fresh = entry.channel.pipeline.inputFormat === undefined;
    // A stream with its own format (a phone call's G.711) reads it; others the node's.
    const format = entry.format ?? this.options.format;
    if (!entry.ffmpeg && !fresh && format.encoding !== 'ffmpeg') return false;
    if (format.encoding !== 'auto' && format.encoding !== 'ffmpeg' && !entry.ffmpeg && formatOverride === undefined) return false;
    if (!this.ffmpegOf(entry).offer(payload, formatOverride, format, fresh)) return false;
    entry.channel.context = context ?? entry.channel.context;
    entry.quiet.touch();
    return true;
  }

  /** Decoded samples of the key: into its pipeline, then like any audio. */
  private onDecoded(entry: Entry<C>, samples: Buffer): void {
    if (this.channels.get(entry.channel.key) !== entry) return;
    const { channel } = entry;
    // Closing: the last samples of input taken before still reach its stream; nothing opens a new one.
    if (this.closing && !channel.stream) return;
    try {
      const frames = channel.pipeline.push(samples, DECODED_FORMAT);
      entry.quiet.touch();
      channel.accept(frames, this.clock.now());
    } catch (err) {
      void entry.ffmpeg?.kill();
      this.emit('inputFailed', channel.key, err instanceof CodedError ? err : new CodedError('BAD_AUDIO', String(err)), channel.context);
    }
  }

  /** ffmpeg gave up: the key's error; what was decoded before still reaches its final. */
  private onInputFailed(entry: Entry<C>, err: CodedError): void {
    const { channel } = entry;
    this.emit('inputFailed', channel.key, err, channel.context);
    if (channel.stream) {
      this.flushInput(channel);
      channel.stream.stop('stop', 'error');
    }
    this.emit('changed');
  }

  private onSourceDropped(entry: Entry<C>, message: string, retryInMs: number, shown: string): void {
    const { channel } = entry;
    const session = channel.streams.length;
    this.emit(
      'disconnected',
      channel.key,
      {
        session,
        reason: 'source',
        code: null,
        message: `source ${shown} dropped: ${message}`,
        willReconnect: true,
        retryInMs,
        audioSeconds: 0,
        sentSeconds: 0,
        mutedSeconds: 0,
        gatedSeconds: 0,
        droppedAudioMs: 0,
        latency: { count: 0, p50Ms: null, p99Ms: null },
        source: shown,
      },
      channel.context,
      null,
    );
    entry.quiet.touch();
  }

  private dropWhileClosing(key: string, frames: AudioFrame[]): void {
    if (this.droppedWhileClosingMs === 0) this.emit('warning', key, `stream "${key}": audio dropped: the node is closing.`);
    this.droppedWhileClosingMs += Math.max(durationOf(frames), 1e-3);
  }

  /** `promise`, or 'timeout' after `ms` on the manager's clock. */
  private async race<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
    let handle: TimerHandle | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (handle = this.clock.setTimeout(() => resolve('timeout'), ms)));
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      if (handle) this.clock.clearTimeout(handle);
    }
  }

  private newPipeline(targetRate?: number, format?: AudioFormat): AudioPipeline {
    return new AudioPipeline({
      format: format ?? this.options.format,
      targetRate,
      onWarning: (m) => this.emit('warning', '', m),
    });
  }

  /** The input format a session opened before any audio (action start) declares. */
  private expectedInputFormat(format = this.options.format): InputFormat {
    const { encoding } = format;
    if (encoding === 'ulaw') return 'ulaw_8000';
    if (encoding === 'alaw') return 'alaw_8000';
    if (encoding === 'opus') return 'opus';
    return pcmInputFormat(this.expectedRate(format))!;
  }

  private expectedRate(format = this.options.format): number {
    const rate = format.sampleRate;
    if ((NATIVE_PCM_RATES as readonly number[]).includes(rate)) return rate;
    return NATIVE_PCM_RATES.reduce((best, r) => (Math.abs(r - rate) < Math.abs(best - rate) ? r : best), 16000);
  }
}

function isEntry<C>(e: Entry<C> | undefined): e is Entry<C> {
  return e !== undefined;
}

function quietMs(settings: StreamSettings): number {
  return Math.max(CHANNEL_QUIET_MS, settings.idleTimeout);
}

/** The fields of `update` that `own` does not set (a key's own values win over the node's). */
function withoutKeys(update: Partial<StreamSettings>, own: Partial<StreamSettings>): Partial<StreamSettings> {
  const out: Partial<StreamSettings> = {};
  for (const [k, v] of Object.entries(update)) if (!(k in own)) (out as Record<string, unknown>)[k] = v;
  return out;
}

function durationOf(frames: AudioFrame[]): number {
  let ms = 0;
  for (const f of frames) ms += f.durationMs;
  return ms;
}

function rateOf(format: InputFormat): number {
  if (format === 'pcm') return 24000;
  if (format === 'ulaw_8000' || format === 'mulaw_8000' || format === 'alaw_8000') return 8000;
  const m = /^pcm_(\d+)$/.exec(format);
  return m ? Number(m[1]) : 48000;
}
