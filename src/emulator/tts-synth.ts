/**
 * The emulator's "voice": deterministic synthetic speech, so tests can count samples and place words.
 * Each word is a tone whose length grows with the word (about Gradium's 750 characters a minute), words
 * are parted by short silences, a sentence end adds a pause, `<break time="…"/>` inserts its silence, and
 * every request starts and ends with a little silence, as Gradium's does. `padding_bonus` stretches or
 * shrinks all of it (±2 ≈ ±30 %, as documented).
 */

export interface SynthWord {
  text: string;
  startS: number;
  stopS: number;
}

const LEAD_S = 0.1;
const TAIL_S = 0.3;
const GAP_S = 0.05;
const SENTENCE_PAUSE_S = 0.2;
const AMPLITUDE = 0.3 * 32767;

/** Tokens of one text message: words, and inline tags kept whole (their inner spaces are not breaks). */
export function messageTokens(text: string): string[] {
  const out: string[] = [];
  const re = /<[^<>]*>|[^\s<]+|</g;
  for (const m of text.matchAll(re)) out.push(m[0]);
  return out;
}

export class SpeechSynth {
  /** Samples produced so far: the position of the next sample on the request's timeline. */
  private cursor = 0;
  private readonly stretch: number;

  constructor(
    readonly sampleRate: number,
    paddingBonus: number,
  ) {
    this.stretch = Math.min(1.6, Math.max(0.4, 1 + 0.15 * paddingBonus));
  }

  get samples(): number {
    return this.cursor;
  }

  lead(): Int16Array {
    return this.silence(LEAD_S * this.stretch);
  }

  tail(): Int16Array {
    return this.silence(TAIL_S * this.stretch);
  }

  /** A `<break time="1.5s" />` pause, clamped to Gradium's 0.1–2 s. */
  pause(tag: string): Int16Array {
    const m = /time\s*=\s*["']?([\d.]+)\s*(ms|s)?/i.exec(tag);
    if (!m) return new Int16Array(0);
    const value = Number(m[1]);
    const seconds = (m[2] ?? 's').toLowerCase() === 'ms' ? value / 1000 : value;
    return this.silence(Math.min(2, Math.max(0.1, Number.isFinite(seconds) ? seconds : 0)));
  }

  /** A word: a gap, then its tone; a sentence end adds a pause after it. */
  word(text: string): { samples: Int16Array; word: SynthWord } {
    const gap = this.count(GAP_S * this.stretch);
    const tone = this.count((0.06 + 0.065 * [...text].length) * this.stretch);
    const pause = /[.!?…]["'»”’)]*$/.test(text) ? this.count(SENTENCE_PAUSE_S * this.stretch) : 0;
    const samples = new Int16Array(gap + tone + pause);
    const freq = 160 + (hash(text) % 8) * 20;
    for (let i = 0; i < tone; i++) {
      samples[gap + i] = Math.round(Math.sin((2 * Math.PI * freq * i) / this.sampleRate) * AMPLITUDE);
    }
    const start = this.cursor + gap;
    this.cursor += samples.length;
    return { samples, word: { text, startS: start / this.sampleRate, stopS: (start + tone) / this.sampleRate } };
  }

  private silence(seconds: number): Int16Array {
    const n = this.count(seconds);
    this.cursor += n;
    return new Int16Array(n);
  }

  private count(seconds: number): number {
    return Math.max(0, Math.round(seconds * this.sampleRate));
  }
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
