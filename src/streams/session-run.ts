/**
 * One Gradium session inside a stream: sends audio, gathers the words of the current turn, ends turns
 * (flush → flushed → grace → one final), and tells the stream how it ended. The stream owns the run's life:
 * several runs of one stream can overlap briefly (the old one draining while the new one already streams).
 *
 *   connecting ──ready──▶ open ──finish()──▶ flushing ──last final──▶ closing ──closed──▶ closed
 *       │  └───────finish(), socket open──────▲                         ▲
 *       └──finish() before the socket opened (nothing to flush)─────────┘
 *   every state ──socket closed (error, abort, or end_of_stream answered)──▶ closed
 */
import type { AudioFrame } from '../audio/types';
import type { GradiumError } from '../gradium/errors';
import type { InputFormat, ReadyMessage, StepMessage, TextMessage } from '../gradium/protocol';
import { sameFlushId } from '../gradium/protocol';
import { TurnDetector } from '../gradium/turn-detector';
import { TypedEmitter } from '../common/typed-emitter';
import type { Clock, TimerHandle } from '../common/clock';
import type { EndOfTurn, Transcript, Word } from './events';
import { jsonConfigOf, type StreamSettings } from './settings';
import { StateMachine, type TransitionTable } from '../common/state-table';
import type { SpeechTransport, TransportFactory } from './transport';
import { CutQueue, TurnAssembly, transcriptOf } from './turn-assembly';
import { UnackedAudio } from './unacked-audio';

/** Where a run is in its life (the stream's status is derived from these). */
export const RunState = {
  CONNECTING: 'connecting',
  OPEN: 'open',
  /** Ending: waiting for the last final before end_of_stream. */
  FLUSHING: 'flushing',
  /** end_of_stream sent (or socket closing), waiting for the close. */
  CLOSING: 'closing',
  CLOSED: 'closed',
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

const RUN_TRANSITIONS: TransitionTable<RunState> = {
  connecting: ['open', 'flushing', 'closing', 'closed'],
  open: ['flushing', 'closed'],
  flushing: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export interface RunOptions {
  url: string;
  apiKey: string;
  session: number;
  inputFormat: InputFormat;
  sampleRate: number;
  settings: StreamSettings;
  /** Stream time (s) at which this run's audio starts: word times are reported on the stream's clock. */
  timeOffsetS: number;
  /** Words of an unfinished turn from a run that died: they start this run's turn. */
  carriedWords: Word[];
  handshakeTimeoutMs: number;
  /** Sent audio unacknowledged for this long means the server stalled (half-open socket, stopped reading). */
  stallTimeoutMs: number;
  clock: Clock;
  transport: TransportFactory;
}

export interface RunEnd {
  error: GradiumError | null;
  code: number;
  message: string;
  audioSeconds: number;
  /** Audio sent but never acknowledged by a `step`: to be replayed by the next run. */
  unacked: AudioFrame[];
  /** Words of the turn in progress when the run died (empty after an orderly end). */
  pendingWords: Word[];
  /** Seconds of audio acknowledged by Gradium (for the next run's clock). */
  ackedSeconds: number;
}

export type RunEvents = {
  ready: (ready: ReadyMessage) => void;
  transcript: (t: Transcript) => void;
  /** A final was emitted (or a turn ended with no words): the stream may rotate now. */
  turnEnded: () => void;
  warning: (message: string) => void;
  ended: (end: RunEnd) => void;
};

interface PendingFinal {
  flushId: number | null;
  endOfTurn: EndOfTurn;
  speechEndedAt: number;
  /** Session audio time (s) where the turn ended: later words belong to the next turn. */
  cutS: number;
  flushTimer: TimerHandle | null;
  graceTimer: TimerHandle | null;
}

export class SessionRun extends TypedEmitter<RunEvents> {
  private readonly gradium: SpeechTransport;
  private readonly detector: TurnDetector;
  private settings: StreamSettings;
  /** The words of the current turn (and of the next, past a pending cut). */
  private readonly turn: TurnAssembly;
  private pending: PendingFinal | null = null;
  /**
   * Turn ends at a point of the audio (the VAD's, the voice gate's) that came while a final was still pending
   * (audio faster than real time), in the order of the audio.
   */
  private readonly cuts = new CutQueue();
  /** Set by finish(): after the final, send end_of_stream. */
  private endingTurn: EndOfTurn | null = null;
  private readonly machine = new StateMachine<RunState>('SessionRun', RUN_TRANSITIONS, RunState.CONNECTING);
  private readonly ledger = new UnackedAudio();
  private delayS: number;
  ready: ReadyMessage | null = null;

  constructor(private readonly options: RunOptions) {
    super();
    this.settings = options.settings;
    this.delayS = options.settings.delayInFrames * 0.08;
    this.turn = new TurnAssembly(options.timeOffsetS, options.carriedWords);
    this.detector = new TurnDetector(ruleOf(options.settings));
    if (this.turn.hasWords) this.detector.onWord();
    this.gradium = options.transport({
      url: options.url,
      apiKey: options.apiKey,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      setup: {
        model: options.settings.model,
        inputFormat: options.inputFormat,
        jsonConfig: jsonConfigOf(options.settings),
      },
    });
    this.gradium.on('ready', this.onReady);
    this.gradium.on('text', this.onText);
    this.gradium.on('end_text', (m) => this.onEndText(m.stop_s));
    this.gradium.on('step', this.onStep);
    this.gradium.on('flushed', this.onFlushed);
    this.gradium.on('warning', (m) => this.emit('warning', m));
    this.gradium.on('close', (c) => this.onClose(c.code, c.reason, c.error));
    this.gradium.connect();
  }

  get state(): RunState {
    return this.machine.state;
  }

  get session(): number {
    return this.options.session;
  }

  get audioSeconds(): number {
    return this.ledger.sentMs / 1000;
  }

  get bufferedAmount(): number {
    return this.gradium.bufferedAmount;
  }

  /** Can take audio now (Gradium accepts audio before `ready`). */
  get canSend(): boolean {
    return this.machine.is(RunState.CONNECTING, RunState.OPEN) && this.gradium.canSend;
  }

  get requestId(): string {
    return this.ready?.request_id ?? '';
  }

  send(frame: AudioFrame): boolean {
    if (!this.canSend || !this.gradium.sendAudio(frame.data)) return false;
    this.ledger.record(frame, this.options.clock.now());
    return true;
  }

  updateTurnSettings(settings: StreamSettings): void {
    this.settings = { ...this.settings, ...pickTurnFields(settings) };
    this.detector.setRule(ruleOf(this.settings));
  }

  /**
   * End the current turn now (flush action, VAD, voice gate, stop…), cut at `cutS` of this session's audio (words
   * from later audio stay for the next turn). While a turn end is pending, one at a later point of the audio
   * waits for it; any other is a no-op.
   */
  endTurn(endOfTurn: EndOfTurn, speechEndedAt = this.options.clock.now(), cutS = Infinity): void {
    if (this.machine.is(RunState.CLOSING, RunState.CLOSED)) return;
    if (this.pending) {
      // A turn end at a later point of the audio waits for this one's final (a burst of audio can bring the
      // voice gate's next close before Gradium answered the last flush).
      if (cutS !== Infinity && cutS > this.pending.cutS) this.queueCut(cutS, speechEndedAt, endOfTurn);
      return;
    }
    // A turn ended other than by the VAD's own cut: the detector starts over.
    if (cutS === Infinity || endOfTurn !== 'vad') this.detector.reset();
    const flushId = this.gradium.flush();
    this.pending = { flushId, endOfTurn, speechEndedAt, cutS, flushTimer: null, graceTimer: null };
    if (flushId === null) {
      // Socket not open yet: nothing can be pending on the server side beyond what we have.
      this.startGrace();
      return;
    }
    this.pending.flushTimer = this.options.clock.setTimeout(() => {
      this.emit('warning', `Gradium did not answer flush ${flushId} within ${this.settings.flushTimeout} ms; emitting what was heard.`);
      this.startGrace();
    }, this.settings.flushTimeout);
  }

  /** Orderly end: last final (endOfTurn given), then end_of_stream and close. */
  finish(endOfTurn: EndOfTurn): void {
    if (this.machine.is(RunState.CLOSED, RunState.CLOSING) || this.endingTurn) return;
    this.endingTurn = endOfTurn;
    if (!this.machine.is(RunState.CONNECTING) || this.gradium.canSend) this.machine.to(RunState.FLUSHING);
    // A turn end in flight completes first; emitFinal() then ends what is left.
    if (!this.pending) this.endTurn(endOfTurn);
  }

  /** Close at once: no final, no end_of_stream (reset, shutdown out of time). */
  abort(): void {
    this.clearPending();
    this.turn.clear();
    this.gradium.close();
  }

  private readonly onReady = (ready: ReadyMessage): void => {
    this.ready = ready;
    this.delayS = ready.delay_in_frames * 0.08;
    if (this.machine.is(RunState.CONNECTING)) this.machine.to(RunState.OPEN);
    this.emit('ready', ready);
  };

  private readonly onText = (m: TextMessage): void => {
    const audioS = this.turn.addWord(m.text, m.start_s, this.delayS);
    this.detector.onWord(audioS);
    if (!this.settings.interim) return;
    // While a turn waits for its final, only words past its cut are news: they open the next turn.
    const cut = this.pending ? this.pending.cutS : -Infinity;
    if (audioS >= cut) this.emit('transcript', this.transcript(false, this.turn.wordsFrom(cut)));
  };

  private onEndText(stopS: number): void {
    this.turn.endLastWord(stopS, this.delayS);
  }

  private readonly onStep = (step: StepMessage): void => {
    this.ledger.acknowledge(step.total_duration_s * 1000, this.options.clock.now());
    if (this.settings.turnMode !== 'vad' || this.endingTurn) return;
    if (!this.detector.onStep(step)) return;
    this.queueCut(step.total_duration_s, this.options.clock.now(), 'vad');
    if (!this.pending) this.nextCut();
  };

  /** A turn end at `cutS` of the audio, after the ones before it; a second one at the same point adds nothing. */
  private queueCut(cutS: number, at: number, endOfTurn: EndOfTurn): void {
    this.cuts.add({ cutS, at, endOfTurn });
  }

  private nextCut(): void {
    const cut = this.cuts.next();
    if (cut) this.endTurn(cut.endOfTurn, cut.at, cut.cutS);
  }

  private readonly onFlushed = (flushId: number | string): void => {
    const p = this.pending;
    if (!p || p.flushId === null || !sameFlushId(flushId, p.flushId)) return;
    this.startGrace();
  };

  /** Trailing words can follow `flushed` by a few ms (docs/gradium-protocol.md, "Turns"): wait a little. */
  private startGrace(): void {
    const p = this.pending;
    if (!p || p.graceTimer) return;
    if (p.flushTimer) this.options.clock.clearTimeout(p.flushTimer);
    p.flushTimer = null;
    p.graceTimer = this.options.clock.setTimeout(() => this.emitFinal(), this.settings.finalGrace);
  }

  private emitFinal(): void {
    const p = this.pending;
    if (!p) return;
    this.clearPending();
    const turn = this.turn.takeBefore(p.cutS);
    if (turn.length > 0) {
      const t = this.transcript(true, turn);
      t.endOfTurn = p.endOfTurn;
      t.latencyMs = Math.max(0, Math.round(this.options.clock.now() - p.speechEndedAt));
      this.emit('transcript', t);
    }
    if (this.cuts.length > 0) {
      this.nextCut();
    } else if (this.endingTurn) {
      // A VAD cut covered only the audio before it: words of the audio after it may still be on their way,
      // so the run's last turn needs its own flush before end_of_stream.
      if (this.turn.hasWords || p.cutS !== Infinity) this.endTurn(this.endingTurn);
      else {
        this.machine.to(RunState.CLOSING);
        this.gradium.endOfStream();
      }
    }
    // Last: a listener may rotate the stream and so finish() this run, which must see the run's next step
    // already taken (otherwise a finish() here starts a turn end that the end_of_stream above cuts off).
    this.emit('turnEnded');
  }

  private emitLeftover(endOfTurn: EndOfTurn): void {
    const t = this.transcript(true, this.turn.takeAll());
    t.endOfTurn = endOfTurn;
    this.emit('transcript', t);
  }

  private clearPending(): void {
    const p = this.pending;
    if (!p) return;
    if (p.flushTimer) this.options.clock.clearTimeout(p.flushTimer);
    if (p.graceTimer) this.options.clock.clearTimeout(p.graceTimer);
    this.pending = null;
  }

  private transcript(final: boolean, words: Word[]): Transcript {
    return transcriptOf(final, words, { session: this.options.session, requestId: this.requestId, language: this.settings.language });
  }

  /**
   * True (and the session is being failed) when audio has waited longer than the stall timeout for an
   * acknowledgement: without this, a half-open socket would look "listening" forever while audio piles up.
   */
  checkStall(): boolean {
    if (this.machine.is(RunState.CLOSED)) return false;
    const waited = this.ledger.waitingMs(this.options.clock.now());
    if (waited === 0 || waited < this.options.stallTimeoutMs) return false;
    this.gradium.abortStalled(`Gradium acknowledged no audio for ${Math.round(waited / 1000)} s; reconnecting.`);
    return true;
  }

  private onClose(code: number, reason: string, error: GradiumError | null): void {
    const orderly = error === null;
    // A turn waiting for its final when the socket died: emit what was heard rather than lose it.
    if (!orderly && this.pending && this.turn.hasWords) {
      this.cuts.clear();
      this.endingTurn = null;
      this.emitFinal();
    }
    this.clearPending();
    const wasEnding = this.endingTurn !== null;
    // Words that came after our end_of_stream (Gradium drains what is left before closing): the last final.
    if (orderly && wasEnding && this.turn.hasWords) this.emitLeftover(this.endingTurn!);
    this.machine.to(RunState.CLOSED);
    const end: RunEnd = {
      error,
      code,
      message: error ? error.message : reason || (wasEnding ? 'session ended' : 'closed'),
      audioSeconds: this.ledger.sentMs / 1000,
      unacked: orderly ? [] : this.ledger.pending(),
      pendingWords: orderly ? [] : this.turn.unfinished(),
      ackedSeconds: this.ledger.ackedMs / 1000,
    };
    this.turn.clear();
    this.emit('ended', end);
    this.removeAllListeners();
  }
}

function ruleOf(s: StreamSettings): { horizonS: number; threshold: number; steps: number } {
  return { horizonS: s.vadHorizon, threshold: s.vadThreshold, steps: s.vadSteps };
}

function pickTurnFields(s: StreamSettings): Partial<StreamSettings> {
  const { turnMode, vadHorizon, vadThreshold, vadSteps, flushTimeout, finalGrace, interim } = s;
  return { turnMode, vadHorizon, vadThreshold, vadSteps, flushTimeout, finalGrace, interim };
}

