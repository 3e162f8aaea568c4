/**
 * The turn being assembled in one Gradium session: the words heard so far, each placed on the stream's clock
 * (for the transcript) and on the session's audio (for cutting), the turn ends waiting their turn, and the
 * transcript a set of words makes. SessionRun decides when a turn ends; this says which words belong to it.
 *
 * A turn end cuts at a point of the session's audio (`cutS`): words from audio before it are the turn, words
 * from audio after it stay for the next one (a burst of audio can bring the next turn's words before the
 * final of this one).
 */
import type { EndOfTurn, Transcript, Word } from './events';
import { normalizedText } from './normalized-text';

interface TurnWord {
  word: Word;
  /** start_s minus the decoder delay: where the word sits in this session's audio. */
  audioS: number;
}

export class TurnAssembly {
  private words: TurnWord[];

  /**
   * `timeOffsetS`: stream time at which this session's audio starts. `carried`: words of an unfinished turn
   * from a session that died; they start this turn, before any audio of this session.
   */
  constructor(
    private readonly timeOffsetS: number,
    carried: readonly Word[],
  ) {
    this.words = carried.map((w) => ({ word: w, audioS: -Infinity }));
  }

  get hasWords(): boolean {
    return this.words.length > 0;
  }

  /**
   * A word of Gradium's `text` message, `startS` on the session's clock, `delayS` the decoder's delay. Returns
   * where the word sits in the session's audio.
   */
  addWord(text: string, startS: number, delayS: number): number {
    const audioS = startS - delayS;
    const start = Math.max(0, this.timeOffsetS + startS - delayS);
    this.words.push({ word: { text, start: round3(start), end: null }, audioS });
    return audioS;
  }

  /** Gradium's `end_text`: the last word ends at `stopS` (never before it starts). */
  endLastWord(stopS: number, delayS: number): void {
    const last = this.words[this.words.length - 1]?.word;
    if (last && last.end === null) last.end = round3(Math.max(last.start, this.timeOffsetS + stopS - delayS));
  }

  /** Copies of the words from audio at or after `cutS` (an interim of the turn after a pending cut). */
  wordsFrom(cutS: number): Word[] {
    return this.words.filter((w) => w.audioS >= cutS).map((w) => ({ ...w.word }));
  }

  /** The turn that ends at `cutS`: its words are taken (copies); later ones stay. */
  takeBefore(cutS: number): Word[] {
    const turn = this.words.filter((w) => w.audioS < cutS).map((w) => ({ ...w.word }));
    this.words = this.words.filter((w) => w.audioS >= cutS);
    return turn;
  }

  /** Every word left (copies); none stays. */
  takeAll(): Word[] {
    return this.takeBefore(Infinity);
  }

  /** The words as they are, for the next session after this one died (not copied: they continue there). */
  unfinished(): Word[] {
    return this.words.map((w) => w.word);
  }

  clear(): void {
    this.words = [];
  }
}

/** A turn end at a point of the audio, waiting for the final before it. */
export interface Cut {
  cutS: number;
  /** When the speech ended (clock time): the final's latency counts from here. */
  at: number;
  endOfTurn: EndOfTurn;
}

/**
 * Turn ends (the VAD's, the voice gate's) that came while a final was still pending, in the order of the
 * audio; a second one at the same point adds nothing.
 */
export class CutQueue {
  private readonly cuts: Cut[] = [];

  get length(): number {
    return this.cuts.length;
  }

  add(cut: Cut): void {
    if (this.cuts.some((c) => Math.abs(c.cutS - cut.cutS) < 1e-9)) return;
    let i = this.cuts.length;
    while (i > 0 && this.cuts[i - 1]!.cutS > cut.cutS) i--;
    this.cuts.splice(i, 0, cut);
  }

  /** The earliest cut, taken. */
  next(): Cut | undefined {
    return this.cuts.shift();
  }

  clear(): void {
    this.cuts.length = 0;
  }
}

/** What a transcript says beside its words. */
export interface TranscriptSource {
  session: number;
  requestId: string;
  language: string;
}

export function transcriptOf(final: boolean, words: Word[], source: TranscriptSource): Transcript {
  const first = words[0];
  const last = words[words.length - 1];
  const text = words.map((w) => w.text).join(' ');
  return {
    text,
    normalized: normalizedText(text),
    final,
    words,
    start: first ? first.start : null,
    end: last ? (last.end ?? last.start) : null,
    session: source.session,
    requestId: source.requestId,
    language: source.language,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
