/**
 * One key (a speaker, a satellite): its utterances spoken one after the other, barge-in, and the
 * mute/unmute of its listener. Keys are independent of each other; the manager owns them.
 *
 *     idle ──enqueue──▶ busy ──last utterance ends, queue empty──▶ idle
 *                        └──stop()──▶ idle (current cancelled, queue dropped, unmute at once)
 *     idle | busy ──close()──▶ closed
 */
import type { Clock } from '../common/clock';
import { TypedEmitter } from '../common/typed-emitter';
import { TtsError } from './errors';
import { Playback, type SpeakingAction } from './playback';
import type { RequestLimits } from './request-plan';
import type { AudioOut, SpeakingFigures, TtsSettings, UtteranceOutcome } from './types';
import { Utterance, type TtsConnection, type UtteranceTiming } from './utterance';
import { StateMachine, type TransitionTable } from '../common/state-table';

export type SpeakerState = 'idle' | 'busy' | 'closed';

/**
 * `media-stream` delivery waits for the call's mark, not for the timing estimate; when no mark comes back
 * (a provider that does not echo marks, a call gone without `stop`), the key unmutes this long after the
 * estimate, so it is never muted for good.
 */
export const HEARD_FALLBACK_MS = 10_000;

const TRANSITIONS: TransitionTable<SpeakerState> = {
  idle: ['busy', 'closed'],
  busy: ['idle', 'closed'],
  closed: [],
};

export interface TtsJob<C> {
  text: string;
  settings: TtsSettings;
  context: C;
}

export interface SpeakerOptions {
  clock: Clock;
  connection: () => TtsConnection;
  limits: RequestLimits;
  timing: UtteranceTiming;
  /** Utterances waiting per key beyond the one being spoken. */
  maxQueue: number;
}

export type SpeakerEvents<C> = {
  audio: (out: AudioOut, context: C) => void;
  speaking: (action: SpeakingAction, figures: SpeakingFigures) => void;
  /** Every enqueued job ends here exactly once. */
  finished: (context: C, outcome: UtteranceOutcome) => void;
  warning: (message: string) => void;
  changed: () => void;
};

interface Running<C> {
  job: TtsJob<C>;
  utterance: Utterance;
  /** What the playback counts for this utterance (one object for all its pieces). */
  leaving: { firstAudioMs: number; characters: number };
}

export class Speaker<C> extends TypedEmitter<SpeakerEvents<C>> {
  private readonly machine = new StateMachine<SpeakerState>('Speaker', TRANSITIONS, 'idle');
  private readonly queue: TtsJob<C>[] = [];
  private current: Running<C> | null = null;
  private readonly playback: Playback;
  /** msg.settings given with this key: they override the node's for this key only. */
  overrides: Partial<TtsSettings> = {};
  /** The tail of the latest utterance, for the unmute after it. */
  private tailMs = 0;

  constructor(private readonly options: SpeakerOptions) {
    super();
    this.playback = new Playback(options.clock, (action, figures) => this.emit('speaking', action, figures));
  }

  get state(): SpeakerState {
    return this.machine.state;
  }

  get queued(): number {
    return this.queue.length;
  }

  get synthesizing(): boolean {
    return this.current !== null;
  }

  get speaking(): boolean {
    return this.playback.state === 'speaking';
  }

  /** Nothing running, queued, muted or overridden: the manager may forget this key. */
  get disposable(): boolean {
    return this.machine.state === 'idle' && !this.speaking && Object.keys(this.overrides).length === 0;
  }

  enqueue(job: TtsJob<C>): void {
    if (this.machine.state === 'closed') throw new Error('Speaker: enqueue after close');
    if (this.current && this.queue.length >= this.options.maxQueue) {
      throw new TtsError(
        'QUEUE_FULL',
        `${this.options.maxQueue} utterances are already waiting for this key; send msg.action "stop" to clear them, or wait.`,
      );
    }
    this.queue.push(job);
    if (!this.current) this.next();
    this.emit('changed');
  }

  /** Barge-in: cancel what is being said, drop what waits, unmute now. Returns how many were dropped. */
  stop(): number {
    if (this.machine.state === 'closed') return 0;
    const dropped = this.drop('stop');
    const running = this.current;
    this.current = null;
    if (running) {
      running.utterance.cancel();
      this.emit('finished', running.job.context, { status: 'stopped' });
    }
    this.playback.noteDropped(dropped);
    this.playback.stopNow('stop');
    if (this.machine.state === 'busy') this.setState('idle');
    this.emit('changed');
    return dropped;
  }

  /** The listener confirmed that everything sent has played (a call's mark came back). */
  heard(): void {
    if (this.machine.state !== 'idle' || this.current || this.queue.length > 0) return;
    this.playback.heard();
  }

  /** Redeploy or shutdown: like stop, with reason `closed`; nothing more happens on this key. */
  close(): void {
    if (this.machine.state === 'closed') return;
    // Closed first: what follows emits events whose listeners may look at this speaker.
    this.setState('closed');
    const dropped = this.drop('closed');
    const running = this.current;
    this.current = null;
    running?.utterance.cancel();
    if (running) this.emit('finished', running.job.context, { status: 'dropped', reason: 'closed' });
    this.playback.noteDropped(dropped + (running ? 1 : 0));
    this.playback.stopNow('closed');
    this.playback.dispose();
    this.emit('changed');
    this.removeAllListeners();
  }

  private drop(reason: 'stop' | 'error' | 'closed'): number {
    const jobs = this.queue.splice(0);
    for (const job of jobs) this.emit('finished', job.context, { status: 'dropped', reason });
    return jobs.length;
  }

  private setState(next: SpeakerState): void {
    this.machine.to(next);
  }

  private next(): void {
    const job = this.queue.shift();
    if (!job) {
      if (this.machine.state === 'busy') this.setState('idle');
      return;
    }
    if (this.machine.state === 'idle') this.setState('busy');
    this.playback.busy();
    this.tailMs = job.settings.unmuteDelay;
    const { clock, connection, limits, timing } = this.options;
    const utterance = new Utterance({ text: job.text, settings: job.settings, connection, clock, limits, timing });
    const running: Running<C> = { job, utterance, leaving: { firstAudioMs: 0, characters: utterance.characters } };
    this.current = running;
    utterance.on('firstAudio', (ms) => {
      running.leaving.firstAudioMs = ms;
    });
    utterance.on('audio', (out) => {
      if (this.current !== running) return;
      this.playback.audioLeaving(out.durationMs, running.leaving);
      this.emit('audio', out, job.context);
    });
    utterance.on('warning', (message) => this.emit('warning', message));
    utterance.on('end', (state, error) => this.onEnd(running, state, error));
    utterance.start();
    this.emit('changed');
  }

  private onEnd(running: Running<C>, state: 'spoken' | 'failed' | 'cancelled', error: TtsError | null): void {
    if (this.current !== running) return; // cancelled by stop/close, which reported it
    this.current = null;
    let outcome: UtteranceOutcome = { status: 'spoken' };
    let failed = false;
    if (state === 'failed' && error) {
      failed = true;
      let reported = error;
      // The same key and settings would be refused again: the queue goes, and the error says so.
      if (error.permanent && this.queue.length > 0) {
        const count = this.queue.length;
        this.drop('error');
        this.playback.noteDropped(count);
        reported = new TtsError(
          error.code,
          `${error.message} ${count} queued utterance${count === 1 ? ' was' : 's were'} dropped.`,
          error.closeCode,
          error.permanent,
        );
      }
      outcome = { status: 'failed', error: reported };
    }
    this.emit('finished', running.job.context, outcome);
    if (this.machine.state === 'closed') return;
    this.next();
    if (!this.current) {
      // A phone call says when its audio was played (the mark coming back): the estimate is only a fallback.
      const confirmed = running.job.settings.delivery === 'media-stream';
      this.playback.idle(this.tailMs, failed ? 'error' : 'played', confirmed ? HEARD_FALLBACK_MS : undefined);
    }
    this.emit('changed');
  }
}
