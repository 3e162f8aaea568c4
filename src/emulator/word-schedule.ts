/**
 * Words waiting to be sent. A segment takes its utterance when speech starts; while the segment is
 * open its words are spread over the speech heard so far, so the first words of a long sentence come
 * out while it is still spoken (as from a streaming model); when it closes (400 ms of silence, a flush,
 * the end of the stream) the remaining words are spread over the whole segment. A word is due once the
 * processed audio has passed its end plus the model delay, as Gradium's decoder lags the audio.
 * Positions only grow as the segment grows, so timestamps stay in order and never overlap.
 */

export interface ScheduledWord {
  text: string;
  /** Audio time of the word, before the decoder-clock offset. */
  startS: number;
  endS: number;
  /** Gradium often sends no end_text after the last word of an utterance. */
  endsUtterance: boolean;
}

interface OpenSegment {
  startS: number;
  words: readonly string[];
  /** Index of the first word not yet handed out. */
  next: number;
}

export class WordSchedule {
  /** Words of closed segments, in order; always earlier than the open segment's. */
  private queue: ScheduledWord[] = [];
  private open: OpenSegment | undefined;

  openSegment(startS: number, words: readonly string[]): void {
    this.open = { startS, words, next: 0 };
  }

  closeSegment(endS: number): void {
    const seg = this.open;
    if (!seg) return;
    this.open = undefined;
    for (let i = seg.next; i < seg.words.length; i++) this.queue.push(place(seg, i, endS));
  }

  /**
   * Words due by `audioS` (processed audio minus the delay), in order. `speechEndS` is where the open
   * segment's speech currently ends.
   */
  takeDue(speechEndS: number, audioS: number): ScheduledWord[] {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.endS <= audioS + 1e-9) n++;
    const due = n === 0 ? [] : this.queue.splice(0, n);
    const seg = this.open;
    if (this.queue.length > 0 || !seg) return due;
    while (seg.next < seg.words.length) {
      const word = place(seg, seg.next, speechEndS);
      if (word.endS > audioS + 1e-9) break;
      due.push(word);
      seg.next++;
    }
    return due;
  }

  takeAll(): ScheduledWord[] {
    return this.queue.splice(0, this.queue.length);
  }
}

/** Word `i` of the segment when its speech spans startS..endS, words spread evenly. */
function place(seg: OpenSegment, i: number, endS: number): ScheduledWord {
  const span = (endS - seg.startS) / seg.words.length;
  return {
    text: seg.words[i]!,
    startS: seg.startS + i * span,
    endS: seg.startS + (i + 1) * span,
    endsUtterance: i === seg.words.length - 1,
  };
}
