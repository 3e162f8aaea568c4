/**
 * One utterance: its text as one or more Gradium requests (request-plan.ts), each on its own TtsSession,
 * one after the other; the audio out as chunks (`stream`) or one payload at the end (`file`).
 *
 *     pending ──start()──▶ synthesizing ──last request ends──▶ spoken
 *                            │    ▲   └──next request──┐          (final message or file sent)
 *                            │    └────────────────────┘
 *                            ├──lost before any of its audio left──▶ retrying ──retryDelayMs──▶ synthesizing
 *                            └──permanent error / lost again / lost after audio left──▶ failed
 *     any state but the three ends ──cancel()──▶ cancelled (socket closed, nothing more emitted)
 *
 * A lost connection is retried once per request, and only while none of that request's audio has left the
 * node (always true for `file` delivery, which holds audio back until the end): a replay then cannot repeat
 * words the listener already heard. A refused key, an unknown voice or a refused setting is never retried.
 */
import { TimerSlot, type Clock } from '../common/clock';
import { GradiumError } from '../gradium/errors';
import { splitAtWhitespace, spokenCharacters } from '../gradium/tts-text';
import { TtsSession, type TtsSessionClose } from '../gradium/tts-session';
import { TypedEmitter } from '../common/typed-emitter';
import { UtteranceAudio } from './audio-output';
import { CodedError } from '../common/error-codes';
import { TtsError, ttsErrorOf } from './errors';
import { planRequests, type RequestLimits } from './request-plan';
import type { AudioOut, TtsSettings } from './types';
import { StateMachine, type TransitionTable } from '../common/state-table';

export const UtteranceState = {
  PENDING: 'pending',
  SYNTHESIZING: 'synthesizing',
  RETRYING: 'retrying',
  SPOKEN: 'spoken',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;
export type UtteranceState = (typeof UtteranceState)[keyof typeof UtteranceState];

const U = UtteranceState;
const TRANSITIONS: TransitionTable<UtteranceState> = {
  [U.PENDING]: [U.SYNTHESIZING, U.FAILED, U.CANCELLED],
  [U.SYNTHESIZING]: [U.SYNTHESIZING, U.RETRYING, U.SPOKEN, U.FAILED, U.CANCELLED],
  [U.RETRYING]: [U.SYNTHESIZING, U.CANCELLED],
  [U.SPOKEN]: [],
  [U.FAILED]: [],
  [U.CANCELLED]: [],
};

export interface TtsConnection {
  /** The TTS WebSocket URL. */
  url: string;
  apiKey: string;
}

export interface UtteranceTiming {
  /** Longest silence from Gradium within a request. */
  responseTimeoutMs: number;
  /** Pause before the one retry of a lost request. */
  retryDelayMs: number;
  closeTimeoutMs: number;
}

export const DEFAULT_TIMING: UtteranceTiming = { responseTimeoutMs: 10_000, retryDelayMs: 250, closeTimeoutMs: 2000 };

/** Text per `text` message: cut at whitespace only (tts-text.ts). */
const MESSAGE_CHARS = 250;

export interface UtteranceOptions {
  text: string;
  settings: TtsSettings;
  connection: () => TtsConnection;
  clock: Clock;
  limits: RequestLimits;
  timing: UtteranceTiming;
}

export type UtteranceEvents = {
  /** ms from start() to the first audio from Gradium. */
  firstAudio: (ms: number) => void;
  /** A message for output 1: a chunk, the `stream` final, or the `file`. */
  audio: (out: AudioOut) => void;
  warning: (message: string) => void;
  /** Exactly once, last. */
  end: (state: 'spoken' | 'failed' | 'cancelled', error: TtsError | null) => void;
};

export class Utterance extends TypedEmitter<UtteranceEvents> {
  readonly characters: number;
  private readonly machine = new StateMachine<UtteranceState>('Utterance', TRANSITIONS, U.PENDING);
  private readonly requests: string[];
  private readonly audio: UtteranceAudio;
  private index = 0;
  private attempt = 0;
  private session: TtsSession | null = null;
  private readonly retryTimer: TimerSlot;
  private startedAt = 0;
  private firstAudioMs: number | null = null;
  /** Stream chunks sent so far (the next seq), and whether the current request has sent any. */
  private seq = 0;
  private requestSent = false;
  private warnedRate = false;

  constructor(private readonly options: UtteranceOptions) {
    super();
    this.retryTimer = new TimerSlot(options.clock);
    this.requests = planRequests(options.text, options.limits);
    this.characters = spokenCharacters(options.text);
    this.audio = new UtteranceAudio(options.settings);
  }

  get state(): UtteranceState {
    return this.machine.state;
  }

  get requestCount(): number {
    return this.requests.length;
  }

  get firstAudio(): number | null {
    return this.firstAudioMs;
  }

  start(): void {
    this.startedAt = this.options.clock.now();
    this.setState(U.SYNTHESIZING);
    this.openRequest();
  }

  /** Barge-in: close the socket now and emit nothing more of this utterance. */
  cancel(): void {
    if (this.isOver) return;
    this.retryTimer.cancel();
    const session = this.session;
    this.session = null;
    this.setState(U.CANCELLED);
    session?.cancel();
    this.emit('end', 'cancelled', null);
    this.removeAllListeners();
  }

  get isOver(): boolean {
    return this.machine.state === U.SPOKEN || this.machine.state === U.FAILED || this.machine.state === U.CANCELLED;
  }

  private setState(next: UtteranceState): void {
    this.machine.to(next);
  }

  private openRequest(): void {
    let connection: TtsConnection;
    try {
      connection = this.options.connection();
    } catch (err) {
      // No key or a bad endpoint: the config node's error carries its code (NO_KEY, BAD_ENDPOINT).
      const code = err instanceof CodedError ? err.code : 'NOT_CONFIGURED';
      this.fail(new TtsError(code, (err as Error).message));
      return;
    }
    const { settings, clock, timing } = this.options;
    this.attempt += 1;
    this.requestSent = false;
    this.audio.beginRequest();
    const session = new TtsSession({
      url: connection.url,
      apiKey: connection.apiKey,
      setup: {
        voice: settings.voice,
        model: settings.model,
        outputFormat: this.audio.gradiumFormat,
        jsonConfig: { padding_bonus: paddingBonusOf(settings.speed), temp: settings.temperature },
      },
      text: splitAtWhitespace(this.requests[this.index]!, MESSAGE_CHARS),
      clock,
      responseTimeoutMs: timing.responseTimeoutMs,
      closeTimeoutMs: timing.closeTimeoutMs,
    });
    this.session = session;
    session.on('ready', (ready) => {
      const asked = this.audio.format.sampleRate;
      if (ready.sample_rate <= 0 || ready.sample_rate === asked || this.warnedRate) return;
      this.warnedRate = true;
      const rate = this.audio.adoptRate(ready.sample_rate);
      this.emit(
        'warning',
        `Gradium answered ${this.audio.gradiumFormat} with ${ready.sample_rate} Hz audio; ` +
          (rate === ready.sample_rate ? `the output is labelled ${rate} Hz.` : `it stays labelled ${rate} Hz.`),
      );
    });
    session.on('audio', (bytes) => this.onAudio(session, bytes));
    session.on('word', (w) => {
      if (this.session === session) this.audio.word(w.text, w.start, w.end);
    });
    session.on('end', () => this.onRequestEnd(session));
    session.on('warning', (message) => this.emit('warning', message));
    session.on('close', (close) => this.onSessionClose(session, close));
    session.connect();
  }

  private onAudio(session: TtsSession, bytes: Buffer): void {
    if (this.session !== session || this.machine.state !== U.SYNTHESIZING) return;
    if (this.firstAudioMs === null && bytes.length > 0) {
      this.firstAudioMs = Math.max(0, this.options.clock.now() - this.startedAt);
      this.emit('firstAudio', this.firstAudioMs);
    }
    const piece = this.audio.push(bytes);
    if (!piece || this.options.settings.delivery === 'file') return;
    this.requestSent = true;
    this.emit('audio', { payload: piece.payload, format: this.audio.format, durationMs: piece.durationMs, seq: this.seq++, final: false });
  }

  private onRequestEnd(session: TtsSession): void {
    if (this.session !== session || this.machine.state !== U.SYNTHESIZING) return;
    // The socket's close follows on its own; this request needs nothing more from it.
    session.removeAllListeners();
    this.session = null;
    this.audio.endRequest();
    this.index += 1;
    this.attempt = 0;
    if (this.index < this.requests.length) {
      this.setState(U.SYNTHESIZING);
      this.openRequest();
      return;
    }
    this.finish();
  }

  private onSessionClose(session: TtsSession, close: TtsSessionClose): void {
    if (this.session !== session || this.isOver) return;
    this.session = null;
    const error = close.error ?? new GradiumError('closed', 'Gradium closed the connection before the end of the speech.', close.code, 'transient');
    const mayRetry = error.retryable && this.attempt < 2 && !this.requestSent;
    if (mayRetry) {
      this.audio.discardRequest();
      this.setState(U.RETRYING);
      this.emit('warning', `${error.message} Retrying once.`);
      this.retryTimer.set(() => {
        this.setState(U.SYNTHESIZING);
        this.openRequest();
      }, this.options.timing.retryDelayMs);
      return;
    }
    const detail = error.retryable
      ? this.requestSent
        ? ' Not retried: part of the speech had already been sent.'
        : ' Retried once without success.'
      : '';
    this.fail(ttsErrorOf(error, detail));
  }

  private finish(): void {
    const out: AudioOut =
      this.options.settings.delivery === 'file'
        ? { payload: this.audio.filePayload(), format: this.audio.format, durationMs: this.audio.durationMs }
        : { payload: Buffer.alloc(0), format: this.audio.format, durationMs: 0, seq: this.seq++, final: true };
    out.words = this.audio.words;
    out.text = this.options.text;
    out.utteranceMs = this.audio.durationMs;
    this.setState(U.SPOKEN);
    this.emit('audio', out);
    this.emit('end', 'spoken', null);
    this.removeAllListeners();
  }

  private fail(error: TtsError): void {
    if (this.isOver) return;
    const session = this.session;
    this.session = null;
    this.setState(U.FAILED);
    session?.cancel();
    this.emit('end', 'failed', error);
    this.removeAllListeners();
  }
}

/** Gradium's padding_bonus is extra padding (positive is slower); the node's speed reads the other way. */
export function paddingBonusOf(speed: number): number {
  return speed === 0 ? 0 : -speed;
}
