/**
 * How text goes on the wire (docs/gradium-tts-protocol.md, "Messages"): the server joins consecutive `text` messages with
 * one space, so text may be cut only where it already has whitespace, never inside a word, never before
 * punctuation that belongs to the previous word (French "ça va ?"), and never inside an inline tag such
 * as `<break time="1.5s" />`, whose own spaces are not word breaks.
 */

/** One whitespace-delimited unit of the text, as offsets into it. */
export interface TextToken {
  start: number;
  end: number;
  /** Punctuation only ("?", "…", "»"): stays with the token before it. */
  punctuation: boolean;
  /** A whole inline tag (`<flush>`, `<break … />`). */
  tag: boolean;
}

const PUNCTUATION_ONLY = /^[\p{P}\p{S}]+$/u;
const WHITESPACE = /\s/;

/** Splits at whitespace outside tags. A `<` without a later `>` is ordinary text. */
export function tokenize(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && WHITESPACE.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let inTag = false;
    while (i < n) {
      const c = text[i]!;
      if (c === '<' && !inTag && text.indexOf('>', i + 1) !== -1) inTag = true;
      else if (c === '>' && inTag) inTag = false;
      else if (!inTag && WHITESPACE.test(c)) break;
      i++;
    }
    const word = text.slice(start, i);
    tokens.push({
      start,
      end: i,
      punctuation: PUNCTUATION_ONLY.test(word),
      tag: /^<[^<>]*>$/.test(word),
    });
  }
  return tokens;
}

/**
 * Pieces of at most `maxChars` (unless one word is longer), cut only at whitespace between tokens that
 * may be parted. Joining the pieces with single spaces gives the text with its whitespace runs at the
 * cuts collapsed to one space: what the server makes of them anyway.
 */
export function splitAtWhitespace(text: string, maxChars: number): string[] {
  const tokens = tokenize(text);
  const pieces: string[] = [];
  let rest = 0;
  while (rest < tokens.length) {
    // The longest run of tokens from `rest` that fits and ends where a cut is allowed.
    let best = -1;
    for (let end = rest + 1; end <= tokens.length; end++) {
      if (end < tokens.length && tokens[end]!.punctuation) continue;
      const length = tokens[end - 1]!.end - tokens[rest]!.start;
      if (length > maxChars && best !== -1) break;
      best = end;
      if (length > maxChars) break; // one word (with its punctuation) longer than the limit: alone
    }
    pieces.push(text.slice(tokens[rest]!.start, tokens[best - 1]!.end));
    rest = best;
  }
  return pieces;
}

/** The characters Gradium bills: the text without inline tags or surrounding whitespace. */
export function spokenCharacters(text: string): number {
  return text.replace(/<[^<>]*>/g, ' ').replace(/\s+/g, ' ').trim().length;
}

/** Seconds of pause the inline `<break time="…"/>` tags of a text ask for (Gradium clamps to 0.1–2 s). */
export function breakSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/<break\s+time\s*=\s*["']?([\d.]+)\s*(ms|s)?["']?\s*\/?>/gi)) {
    const value = Number(m[1]);
    if (!Number.isFinite(value)) continue;
    const seconds = (m[2] ?? 's').toLowerCase() === 'ms' ? value / 1000 : value;
    total += Math.min(2, Math.max(0.1, seconds));
  }
  return total;
}
