/**
 * One stream (one key, one microphone): audio frames in, out to a chain of Gradium sessions (runs). Handles
 * buffering while connecting, reconnects with backoff, rotation before Gradium's 300 s cap, settings changes
 * and the end of the stream. Never loses audio silently: what a bound drops is counted in `droppedAudioMs`.
 *
 *   idle ──audio/start──▶ connecting ──ready──▶ open ──rotation/settings──▶ connecting
 *                          │    ▲                │
 *                          │    └──retry timer── backoff ◀──unexpected close (retryable)── connecting/open/ending
 *                          └──closed by Gradium, not ending──▶ idle
 *   connecting/open/backoff ──stop/idle──▶ ending ──last run closed──▶ ended
 *   every state ──reset, refusal, give-up, nothing left to end──▶ ended (final: the stream is dropped)
 */
import type { AudioFrame } from '../audio/types';
import type { InputFormat, ReadyMessage } from '../gradium/protocol';
import { GradiumError } from '../gradium/errors';
import { TypedEmitter } from '../common/typed-emitter';
import { Backoff, type BackoffOptions } from './backoff';
import { realClock, TimerSlot, type Clock } from '../common/clock';
import type { ConnectedPayload, DisconnectReason, DisconnectedPayload, EndOfTurn, Transcript, Word } from './events';
import { FrameQueue } from './frame-queue';
import { IdleTimer } from './idle-timer';
import { LatencyTracker } from './latency-tracker';
import { RotationPolicy } from './rotation-policy';
import { RunState, SessionRun, type RunEnd } from './session-run';
import { needsNewSession, type StreamSettings } from './settings';
import { STREAM_DEFAULTS } from './stream-defaults';
import { StateMachine, type TransitionTable } from '../common/state-table';
import { gradiumTransport, type TransportFactory } from './transport';

export const StreamState = {
  IDLE: 'idle',
  CONNECTING: 'connecting',
  OPEN: 'open',
  /** Waiting to reconnect after an unexpected close. */
  BACKOFF: 'backoff',
  /** stop/idle/redeploy: draining the last audio and final. */
  ENDING: 'ending',
  ENDED: 'ended',
} as const;
export type StreamState = (typeof StreamState)[keyof typeof StreamState];

const STREAM_TRANSITIONS: TransitionTable<StreamState> = {
  idle: ['connecting', 'ended'],
  connecting: ['open', 'backoff', 'idle', 'ending', 'ended'],
  open: ['connecting', 'backoff', 'idle', 'ending', 'ended'],
  backoff: ['connecting', 'ending', 'ended'],
  ending: ['backoff', 'ended'],
  ended: [],
};

export interface Connection {
  url: string;
  apiKey: string;
}

export interface StreamOptions {
  key: string;
  settings: StreamSettings;
  inputFormat: InputFormat;
  sampleRate: number;
  connection: () => Connection;
  backoff: BackoffOptions;
  /** Gradium's session cap; rotation happens before it. */
  sessionCapSeconds?: number;
  handshakeTimeoutMs?: number;
  /** No acknowledgement of sent audio for this long fails the session (retryable). Default: STREAM_DEFAULTS. */
  stallTimeoutMs?: number;
  /** Socket bytes not yet written above which audio waits in the queue (a server that stopped reading). */
  maxBufferedBytes?: number;
  /** The input side's last partial frame, taken when the stream ends (stop, idle, redeploy). */
  drainInput?: (reason: DisconnectReason) => AudioFrame[];
  /**
   * Input still on its way when the stream is to end (ffmpeg decoding the last of a voice note): the end waits
   * for it, so its last samples reach the final. Undefined when nothing is pending.
   */
  settleInput?: (reason: DisconnectReason) => Promise<void> | undefined;
  /** What mute and the voice gate kept back since the key's last report (for the disconnected payload). */
  takeKeptBack?: () => KeptBack;
  clock?: Clock;
  /** How sessions are opened (a real GradiumSession unless a test stands in for the socket). */
  transport?: TransportFactory;
  /** Jitter source of the reconnect backoff. */
  random?: () => number;
}

/** Audio of the key kept back from Gradium, in ms. */
export interface KeptBack {
  mutedMs: number;
  gatedMs: number;
}

const NOTHING_KEPT_BACK = (): KeptBack => ({ mutedMs: 0, gatedMs: 0 });

/** A reconnect decided after a lost run: when, and how much audio the next run sends again. */
interface Retry {
  inMs: number;
  replayedMs: number;
}

export type StreamEvents = {
  connected: (p: ConnectedPayload) => void;
  disconnected: (p: DisconnectedPayload) => void;
  transcript: (t: Transcript) => void;
  /** A failure that ends the stream (not retried): key refused, bad setting, out of retries. */
  failed: (err: GradiumError) => void;
  warning: (message: string) => void;
  state: (s: StreamState) => void;
  ended: () => void;
};

const PUMP_RETRY_MS = 50;

export class SpeechStream extends TypedEmitter<StreamEvents> {
  readonly key: string;
  private settings: StreamSettings;
  private readonly queue: FrameQueue;
  private active: SessionRun | null = null;
  /** Runs being replaced (rotation, settings), still draining their last final, with the reason. */
  private readonly retiring = new Map<SessionRun, 'rotation' | 'settings'>();
  private readonly backoff: Backoff;
  private readonly latency = new LatencyTracker();
  private readonly machine = new StateMachine<StreamState>('SpeechStream', STREAM_TRANSITIONS, StreamState.IDLE);
  private sessionCount = 0;
  private reconnects = 0;
  private timeOffsetS = 0;
  private carriedWords: Word[] = [];
  private readonly backoffTimer: TimerSlot;
  /** When the pending reconnect fires (clock time); null when none is pending. */
  private retryAt: number | null = null;
  private readonly pumpTimer: TimerSlot;
  private readonly idle: IdleTimer;
  private readonly rotation: RotationPolicy;
  private ending: { endOfTurn: EndOfTurn; reason: DisconnectReason } | null = null;
  /** Waiting for settleInput before the end begins. */
  private settling = false;
  private droppedWarned = false;
  private readonly clock: Clock;

  constructor(private readonly options: StreamOptions) {
    super();
    this.key = options.key;
    this.settings = options.settings;
    this.queue = new FrameQueue(options.settings.bufferSeconds * 1000);
    this.backoff = new Backoff(options.backoff, options.random);
    this.clock = options.clock ?? realClock;
    this.backoffTimer = new TimerSlot(this.clock);
    this.pumpTimer = new TimerSlot(this.clock);
    this.idle = new IdleTimer(this.clock, options.settings.idleTimeout, this.onIdle);
    this.rotation = new RotationPolicy(options.sessionCapSeconds ?? STREAM_DEFAULTS.sessionCapSeconds);
  }

  get state(): StreamState {
    return this.machine.state;
  }

  /** Takes audio: not ending, not ended. Audio for an ending stream's key goes to a new stream. */
  get accepting(): boolean {
    return this.ending === null && !this.machine.is(StreamState.ENDED);
  }

  /** Time left before the pending reconnect, or null when the stream is not waiting to reconnect. */
  get retryInMs(): number | null {
    return this.retryAt === null ? null : Math.max(0, this.retryAt - this.clock.now());
  }

  /** Open a session now (action start), without audio. */
  open(): void {
    this.touch();
    this.ensureRun();
  }

  pushFrames(frames: AudioFrame[]): void {
    if (this.machine.is(StreamState.ENDED)) return;
    this.touch();
    for (const f of frames) {
      if (this.queue.length === 0 && this.active?.canSend && this.active.bufferedAmount < this.maxBuffered()) {
        if (this.active.send(f)) {
          this.afterSend();
          continue;
        }
      }
      this.enqueue(f);
    }
    this.ensureRun();
    this.pump();
  }

  /**
   * End the current turn: final out, keep streaming. The turn ends after the audio pushed so far: audio still
   * queued (the session connecting, a reconnect, a full socket) goes first, then the flush, cut exactly there,
   * so a turn end that follows its audio in time (voice gate, mute, flush action) also follows it on the wire.
   */
  flushTurn(endOfTurn: EndOfTurn = 'flush'): void {
    this.queue.markAfterQueued(() => {
      const run = this.active;
      // Cut where the audio so far ends: words of audio sent after it (a burst) belong to the next turn.
      run?.endTurn(endOfTurn, this.clock.now(), run.audioSeconds);
    });
  }

  /** End the stream: last audio, final, end_of_stream, close. */
  stop(endOfTurn: EndOfTurn = 'stop', reason: DisconnectReason = 'stop'): void {
    if (this.ending || this.settling || this.machine.is(StreamState.ENDED)) return;
    const pending = this.options.settleInput?.(reason);
    if (pending) {
      this.settling = true;
      this.idle.stop();
      void pending.then(() => {
        this.settling = false;
        this.stop(endOfTurn, reason);
      });
      return;
    }
    const rest = this.options.drainInput?.(reason) ?? [];
    if (rest.length > 0) this.pushFrames(rest);
    this.ending = { endOfTurn, reason };
    this.idle.stop();
    if (!this.active && !this.machine.is(StreamState.BACKOFF)) {
      this.maybeEnd();
      return;
    }
    this.setState(StreamState.ENDING);
    this.pump();
  }

  /** Drop everything at once: no final (reset), or out of time at shutdown. */
  abort(reason: DisconnectReason): void {
    if (this.machine.is(StreamState.ENDED)) return;
    this.ending = { endOfTurn: 'stop', reason };
    // Waiting to reconnect: the last disconnected said willReconnect; say that it will not after all.
    const wasWaiting = this.machine.is(StreamState.BACKOFF) && !this.active;
    this.clearTimers();
    this.queue.clear();
    this.carriedWords = [];
    if (wasWaiting) {
      this.emit('disconnected', {
        session: this.sessionCount,
        reason,
        code: null,
        message: 'stream ended while waiting to reconnect',
        willReconnect: false,
        retryInMs: null,
        ...this.billing(0, 0),
        droppedAudioMs: Math.round(this.queue.droppedMs),
        latency: this.latency.summary(),
      });
    }
    const runs = [...this.retiring.keys(), ...(this.active ? [this.active] : [])];
    for (const run of runs) run.abort();
    this.maybeEnd();
  }

  applySettings(update: Partial<StreamSettings>, next: StreamSettings): void {
    const newSession = needsNewSession(update, this.settings);
    this.settings = next;
    this.queue.setLimit(next.bufferSeconds * 1000);
    this.idle.setTimeoutMs(next.idleTimeout);
    if (!this.active) return;
    if (newSession) this.rotate('settings');
    else this.active.updateTurnSettings(next);
  }

  private maxBuffered(): number {
    return this.options.maxBufferedBytes ?? STREAM_DEFAULTS.maxBufferedBytes;
  }

  private enqueue(f: AudioFrame): void {
    if (this.queue.push(f) > 0) this.warnDropped();
  }

  /** Once per stream: the count goes on in droppedAudioMs. */
  private warnDropped(): void {
    if (this.droppedWarned) return;
    this.droppedWarned = true;
    this.emit(
      'warning',
      `stream "${this.key}": audio buffer full (${this.settings.bufferSeconds} s), dropping the oldest audio; the total is reported as droppedAudioMs.`,
    );
  }

  /** Audio (or a start) arrived: the stream is not idle. */
  private touch(): void {
    if (!this.ending) this.idle.touch();
  }

  private readonly onIdle = (): void => {
    if (!this.ending) this.stop('idle', 'idle');
  };

  private ensureRun(): void {
    if (this.active || this.ending || this.machine.is(StreamState.BACKOFF, StreamState.ENDED)) return;
    this.startRun();
  }

  private startRun(): void {
    let connection: Connection;
    try {
      connection = this.options.connection();
    } catch (err) {
      this.fail(err instanceof GradiumError ? err : new GradiumError('network', (err as Error).message, null, 'config'));
      return;
    }
    this.sessionCount += 1;
    const run = new SessionRun({
      url: connection.url,
      apiKey: connection.apiKey,
      session: this.sessionCount,
      inputFormat: this.options.inputFormat,
      sampleRate: this.options.sampleRate,
      settings: this.settings,
      timeOffsetS: this.timeOffsetS,
      carriedWords: this.carriedWords,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? STREAM_DEFAULTS.handshakeTimeoutMs,
      stallTimeoutMs: this.options.stallTimeoutMs ?? STREAM_DEFAULTS.stallTimeoutMs,
      clock: this.clock,
      transport: this.options.transport ?? gradiumTransport,
    });
    this.carriedWords = [];
    this.active = run;
    this.rotation.reset();
    run.on('ready', (ready) => this.onRunReady(run, ready));
    run.on('transcript', (t) => this.onTranscript(t));
    run.on('turnEnded', () => this.onTurnEnded(run));
    run.on('warning', (m) => this.emit('warning', `stream "${this.key}": ${m}`));
    run.on('ended', (end) => this.onRunEnded(run, end));
    this.setState(this.ending ? StreamState.ENDING : StreamState.CONNECTING);
    this.schedulePump();
  }

  /** Move queued audio into the active run as far as the socket allows; finish an ending stream once drained. */
  private pump(): void {
    const run = this.active;
    if (!run || run.checkStall()) return;
    while (this.queue.length > 0 && run.canSend && run.bufferedAmount < this.maxBuffered()) {
      const f = this.queue.peek()!;
      if (!run.send(f)) break;
      this.queue.shift();
      this.afterSend();
      if (this.active !== run) return;
    }
    if (this.queue.length > 0) {
      this.schedulePump();
      return;
    }
    if (this.ending && (run.state === RunState.CONNECTING || run.state === RunState.OPEN)) {
      // Still connecting: the last audio and the final must go through this run, so wait for it.
      if (run.canSend) run.finish(this.ending.endOfTurn);
      else this.schedulePump();
    }
  }

  private schedulePump(): void {
    this.pumpTimer.setIfIdle(() => this.pump(), PUMP_RETRY_MS);
  }

  private afterSend(): void {
    const run = this.active;
    if (run && this.rotation.afterSend(run.audioSeconds, this.ending !== null) === 'now') this.rotate('rotation');
  }

  /** Replace the active run by a fresh one; the old one ends its turn and closes on its own. */
  private rotate(reason: 'rotation' | 'settings'): void {
    const old = this.active;
    if (!old) return;
    this.retiring.set(old, reason);
    this.active = null;
    this.timeOffsetS += old.audioSeconds;
    old.finish(reason);
    this.startRun();
  }

  private onRunReady(run: SessionRun, ready: ReadyMessage): void {
    const active = run === this.active;
    // A run rotated out before its `ready` still reports it: every disconnected has its connected.
    if (!active && !this.retiring.has(run)) return;
    if (active) {
      this.backoff.reset();
      if (!this.ending) this.setState(StreamState.OPEN);
    }
    this.emit('connected', {
      session: run.session,
      requestId: ready.request_id,
      model: this.settings.model,
      language: this.settings.language,
      inputFormat: this.options.inputFormat,
      sampleRate: this.options.sampleRate,
      delayInFrames: ready.delay_in_frames,
      reconnects: this.reconnects,
    });
    if (active) this.pump();
  }

  private onTranscript(t: Transcript): void {
    if (t.final && t.latencyMs !== undefined) this.latency.add(t.latencyMs);
    this.emit('transcript', t);
  }

  private onTurnEnded(run: SessionRun): void {
    // Not for a run whose socket is gone: that one ends with an error and its audio is replayed instead.
    if (run === this.active && this.rotation.rotateAtTurnEnd && !this.ending && run.canSend) this.rotate('rotation');
  }

  /**
   * A run's socket closed. The decisions, in this order: why it ended (the disconnected reason), whether the
   * stream reconnects (and what it replays), whether it gives up; then the report, and what the stream does next.
   */
  private onRunEnded(run: SessionRun, end: RunEnd): void {
    const wasActive = run === this.active;
    const retiredFor = this.retiring.get(run);
    this.retiring.delete(run);
    if (wasActive) this.active = null;

    const reason = this.disconnectReason(end.error, retiredFor);
    let retry: Retry | null = null;
    if (wasActive && end.error) retry = this.reconnectAfterLoss(end.error, end);
    else if (wasActive) this.timeOffsetS += end.audioSeconds;
    const givesUp = wasActive && end.error !== null && retry === null;
    // Audio that can no longer be sent is counted before the report, so the report includes it.
    if (givesUp) this.queue.discard();

    this.reportDisconnected(run, end, reason, retry);

    if (givesUp) this.giveUp(end.error!);
    if (retry) this.scheduleReconnect(retry.inMs);
    else if (wasActive && !this.ending && !end.error) this.idleAfterServerClose();
    else this.maybeEnd();
  }

  /** Why a run ended, as the disconnected message says it: its error, why it was retired, or how the stream ends. */
  private disconnectReason(error: GradiumError | null, retiredFor: 'rotation' | 'settings' | undefined): DisconnectReason {
    if (error) return errorReason(error);
    if (retiredFor) return retiredFor;
    return this.ending ? this.ending.reason : 'closed';
  }

  /**
   * The active run was lost: reconnect when the error is retryable, retries are left and the stream is not being
   * reset. Then the next run continues the stream's clock and turn, and the unacknowledged audio goes first.
   */
  private reconnectAfterLoss(error: GradiumError, end: RunEnd): Retry | null {
    if (!error.retryable || this.backoff.exhausted || this.machine.is(StreamState.ENDED) || this.ending?.reason === 'reset') return null;
    const inMs = this.backoff.next();
    this.reconnects += 1;
    this.timeOffsetS += end.ackedSeconds;
    this.carriedWords = end.pendingWords;
    let replayedMs = 0;
    for (const f of end.unacked) replayedMs += f.durationMs;
    if (this.queue.unshiftAll(end.unacked) > 0) this.warnDropped();
    return { inMs, replayedMs };
  }

  private reportDisconnected(run: SessionRun, end: RunEnd, reason: DisconnectReason, retry: Retry | null): void {
    // Audio of this session sent again to the next one: Gradium's share of it is counted there.
    const replayedMs = retry?.replayedMs ?? 0;
    this.emit('disconnected', {
      session: run.session,
      reason,
      code: end.error?.closeCode ?? end.code,
      message: end.message,
      willReconnect: retry !== null,
      retryInMs: retry?.inMs ?? null,
      ...this.billing(end.audioSeconds, end.audioSeconds - replayedMs / 1000),
      droppedAudioMs: Math.round(this.queue.droppedMs),
      latency: this.latency.summary(),
    });
  }

  /** The active run failed for good: report it (not for a reset) and end the stream. */
  private giveUp(error: GradiumError): void {
    if (this.ending?.reason !== 'reset') this.emit('failed', error);
    this.ending = this.ending ?? { endOfTurn: 'stop', reason: errorReason(error) };
  }

  private scheduleReconnect(inMs: number): void {
    this.retryAt = this.clock.now() + inMs;
    this.setState(StreamState.BACKOFF);
    this.backoffTimer.set(() => {
      this.retryAt = null;
      this.setState(this.ending ? StreamState.ENDING : StreamState.CONNECTING);
      this.startRun();
    }, inMs);
  }

  /** Gradium closed an idle-looking session on its own: a new one opens with the next audio (or now, if queued). */
  private idleAfterServerClose(): void {
    this.setState(StreamState.IDLE);
    if (this.queue.length > 0) this.startRun();
  }

  /** The audio figures of a disconnected payload; kept-back counts are taken (reported once). */
  private billing(audioSeconds: number, sentSeconds: number): Pick<DisconnectedPayload, 'audioSeconds' | 'sentSeconds' | 'mutedSeconds' | 'gatedSeconds'> {
    const kept = (this.options.takeKeptBack ?? NOTHING_KEPT_BACK)();
    return {
      audioSeconds: round3(audioSeconds),
      sentSeconds: round3(Math.max(0, sentSeconds)),
      mutedSeconds: round3(kept.mutedMs / 1000),
      gatedSeconds: round3(kept.gatedMs / 1000),
    };
  }

  private fail(error: GradiumError): void {
    this.emit('failed', error);
    this.ending = this.ending ?? { endOfTurn: 'stop', reason: 'error' };
    this.queue.discard();
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (!this.ending || this.active || this.retiring.size > 0 || this.backoffTimer.armed) return;
    if (this.machine.is(StreamState.ENDED)) return;
    this.clearTimers();
    this.setState(StreamState.ENDED);
    this.emit('ended');
    this.removeAllListeners();
  }

  private setState(s: StreamState): void {
    if (this.machine.to(s)) this.emit('state', s);
  }

  private clearTimers(): void {
    this.idle.stop();
    this.backoffTimer.cancel();
    this.retryAt = null;
    this.pumpTimer.cancel();
  }
}

function errorReason(error: GradiumError): DisconnectReason {
  return error.kind === 'closed' || error.kind === 'network' ? 'closed' : 'error';
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
