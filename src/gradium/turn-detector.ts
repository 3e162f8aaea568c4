/**
 * Decides from Gradium's semantic VAD (`step` messages) when the speaker has finished a turn.
 * Rule (docs/gradium-protocol.md, "Turns"): the inactivity probability at a chosen horizon stays above a threshold for
 * K consecutive steps, after the speaker was active (a step at or below the threshold, or a word). Arming on
 * the probability and not only on words matters: words come `delay_in_frames` later than the audio they
 * describe, often after the silence that ends the turn, so a word only breaks a silent run when the audio
 * it describes lies inside that run. Steps without an entry for the horizon fall back to
 * the longest horizon present; an empty `vad` array counts as "not yet".
 */
import type { StepMessage } from './protocol';

export interface TurnRule {
  /** Seconds ahead the probability looks (Gradium sends 0.5, 1, 2, 3). */
  horizonS: number;
  /** Probability above which a step counts as "silent". */
  threshold: number;
  /** Consecutive silent steps that end the turn. */
  steps: number;
}

export class TurnDetector {
  private silentSteps = 0;
  private heardSpeech = false;
  /** Audio time (s) where the current run of silent steps began; Infinity when there is none. */
  private silentFromS = Infinity;
  /** Audio time (s) where the last VAD turn end cut: later-arriving words from before it belong to that turn. */
  private cutS = -Infinity;

  constructor(private rule: TurnRule) {}

  setRule(rule: TurnRule): void {
    this.rule = rule;
    this.silentSteps = 0;
    this.silentFromS = Infinity;
  }

  /**
   * A word arrived: the turn is in progress. `audioS` is where the word was spoken on the steps' audio clock
   * (`start_s` minus the model delay); without it the word counts as spoken now.
   */
  onWord(audioS = Infinity): void {
    if (audioS < this.cutS) return;
    this.heardSpeech = true;
    if (audioS >= this.silentFromS) {
      this.silentSteps = 0;
      this.silentFromS = Infinity;
    }
  }

  /** Returns true exactly once per turn, on the step that ends it. */
  onStep(step: StepMessage): boolean {
    const prob = probabilityAt(step, this.rule.horizonS);
    if (prob === undefined) return false;
    if (prob <= this.rule.threshold) {
      this.heardSpeech = true;
      this.silentSteps = 0;
      this.silentFromS = Infinity;
      return false;
    }
    if (!this.heardSpeech) return false;
    if (this.silentSteps === 0) this.silentFromS = step.total_duration_s - step.step_duration_s;
    this.silentSteps += 1;
    if (this.silentSteps < this.rule.steps) return false;
    this.reset();
    this.cutS = step.total_duration_s;
    return true;
  }

  /** The turn was ended some other way (flush, stop). */
  reset(): void {
    this.silentSteps = 0;
    this.silentFromS = Infinity;
    this.heardSpeech = false;
  }
}

export function probabilityAt(step: StepMessage, horizonS: number): number | undefined {
  const vad = step.vad;
  if (vad.length === 0) return undefined;
  for (const entry of vad) {
    if (Math.abs(entry.horizon_s - horizonS) < 1e-6) return entry.inactivity_prob;
  }
  return vad[vad.length - 1]!.inactivity_prob;
}
