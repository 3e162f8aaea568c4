/**
 * Words waiting to be sent. A segment's words are decided when the segment ends (after 400 ms of
 * silence, at a flush, or at end of stream), spread evenly over it, and each is due once the processed
 * audio has passed the word's end plus the model delay, as Gradium's decoder lags the audio.
 */
import type { Segment } from './speech-tracker';

export interface ScheduledWord {
  text: string;
  /** Audio time of the word, before the decoder-clock offset. */
  startS: number;
  endS: number;
  /** Gradium often sends no end_text after the last word of an utterance. */
  endsUtterance: boolean;
}

export class WordSchedule {
  private queue: ScheduledWord[] = [];

  addSegment(segment: Segment, words: readonly string[]): void {
    const span = (segment.endS - segment.startS) / Math.max(1, words.length);
    words.forEach((text, i) => {
      this.queue.push({
        text,
        startS: segment.startS + i * span,
        endS: segment.startS + (i + 1) * span,
        endsUtterance: i === words.length - 1,
      });
    });
  }

  /** Words whose end is at or before `audioS` (already shifted back by the delay), in order. */
  takeDue(audioS: number): ScheduledWord[] {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.endS <= audioS + 1e-9) n++;
    return n === 0 ? [] : this.queue.splice(0, n);
  }

  takeAll(): ScheduledWord[] {
    return this.queue.splice(0, this.queue.length);
  }
}
