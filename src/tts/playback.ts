/**
 * When a key's listener is hearing our voice: `mute` just before the first audio of a speaking period
 * leaves, `unmute` once the audio that left should have finished playing (each piece plays for its
 * duration from when it left, one after the other) plus a short tail, and only when the key has nothing
 * more to say; or at once on stop. Wired into gradium-stt, this keeps a satellite from transcribing
 * itself. Time comes from a Clock, so the rule is tested without waiting.
 *
 *     silent ──audio leaves──▶ speaking ──key idle, deadline + tail passed──▶ silent   (unmute: played|error)
 *                                 └──────────────stopNow()──────────────────▶ silent   (unmute: stop|closed)
 */
import { TimerSlot, type Clock } from '../common/clock';
import type { SpeakingFigures } from './types';
import { StateMachine, type TransitionTable } from '../common/state-table';

export type PlaybackState = 'silent' | 'speaking';

const TRANSITIONS: TransitionTable<PlaybackState> = {
  silent: ['speaking'],
  speaking: ['silent'],
};

export type SpeakingAction = 'mute' | 'unmute';
export type EndReason = NonNullable<SpeakingFigures['reason']>;

/** The utterance whose audio is leaving: the same object for all of its pieces. */
export interface LeavingUtterance {
  readonly firstAudioMs: number;
  readonly characters: number;
}

export class Playback {
  private readonly machine = new StateMachine<PlaybackState>('Playback', TRANSITIONS, 'silent');
  /** Clock time at which the audio that left so far should have finished playing. */
  private deadline = 0;
  private readonly timer: TimerSlot;
  private figures: SpeakingFigures = emptyFigures();
  private endReason: EndReason = 'played';
  /** The utterance last counted in the figures (utterances run one at a time per key). */
  private counted: LeavingUtterance | null = null;
  /** idle() waits for heard() (media-stream delivery); `heardNow` says it came. */
  private awaitingHeard = false;
  private heardNow = false;

  constructor(
    private readonly clock: Clock,
    private readonly signal: (action: SpeakingAction, figures: SpeakingFigures) => void,
  ) {
    this.timer = new TimerSlot(clock);
  }

  get state(): PlaybackState {
    return this.machine.state;
  }

  /** Call just before a piece of audio leaves; sends `mute` first when the key was silent. */
  audioLeaving(durationMs: number, utterance: LeavingUtterance): void {
    if (this.machine.state === 'silent' && durationMs <= 0) return; // nothing audible: no need to mute
    this.clearTimer();
    const now = this.clock.now();
    const f = this.figures;
    if (this.counted !== utterance) {
      this.counted = utterance;
      if (f.utterances === 0) f.firstAudioMs = Math.round(utterance.firstAudioMs);
      f.utterances += 1;
      f.characters += utterance.characters;
    }
    f.durationMs += durationMs;
    this.deadline = Math.max(this.deadline, now) + durationMs;
    if (this.machine.state === 'silent') {
      this.setState('speaking');
      this.endReason = 'played';
      this.signal('mute', this.snapshot());
    }
  }

  /** The key started another utterance: stay muted even if the last audio has played out. */
  busy(): void {
    this.clearTimer();
    this.awaitingHeard = false;
  }

  /**
   * The key has nothing running or queued: unmute once what left has played, plus `tailMs`. With
   * `confirmFallbackMs` the listener says when it has played (heard()); the estimate plus that margin only
   * decides when it never does.
   */
  idle(tailMs: number, reason: 'played' | 'error' = 'played', confirmFallbackMs?: number): void {
    this.endReason = reason;
    if (this.machine.state !== 'speaking') {
      this.figures = emptyFigures();
      return;
    }
    this.awaitingHeard = confirmFallbackMs !== undefined;
    const wait = Math.max(0, this.deadline + tailMs + (confirmFallbackMs ?? 0) - this.clock.now());
    this.timer.set(() => this.end(this.endReason), wait);
  }

  /** The listener has played everything that left: unmute now, if idle() is waiting for this. */
  heard(): void {
    if (this.machine.state !== 'speaking' || !this.awaitingHeard) return;
    this.clearTimer();
    this.heardNow = true;
    this.end(this.endReason);
  }

  noteDropped(count: number): void {
    this.figures.dropped = (this.figures.dropped ?? 0) + count;
  }

  /** Stop or redeploy: unmute now when speaking. */
  stopNow(reason: 'stop' | 'closed'): void {
    this.clearTimer();
    this.awaitingHeard = false;
    if (this.machine.state === 'speaking') this.end(reason);
    else this.figures = emptyFigures();
  }

  dispose(): void {
    this.clearTimer();
  }

  private end(reason: EndReason): void {
    this.setState('silent');
    this.deadline = 0;
    const figures: SpeakingFigures = { ...this.snapshot(), reason, dropped: this.figures.dropped ?? 0 };
    if (this.awaitingHeard) figures.heard = this.heardNow;
    this.awaitingHeard = false;
    this.heardNow = false;
    this.figures = emptyFigures();
    this.signal('unmute', figures);
  }

  private snapshot(): SpeakingFigures {
    const f = this.figures;
    return {
      firstAudioMs: f.firstAudioMs,
      durationMs: Math.round(f.durationMs),
      characters: f.characters,
      utterances: f.utterances,
    };
  }

  private setState(next: PlaybackState): void {
    this.machine.to(next);
  }

  private clearTimer(): void {
    this.timer.cancel();
  }
}

function emptyFigures(): SpeakingFigures {
  return { firstAudioMs: 0, durationMs: 0, characters: 0, utterances: 0 };
}
