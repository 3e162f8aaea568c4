/**
 * Transcript text ready for Switch nodes and intent matchers: "Turn on the kitchen light." and "turn on the
 * kitchen light" become the same string. Lower case; every character that is not a letter, a digit, an
 * apostrophe inside a word or a point/comma between digits becomes a space; spaces collapsed.
 * "It is 3.5 degrees, isn't it?" → "it is 3.5 degrees isn't it".
 */

/** Letters (with their combining marks) and digits of any script. */
const OTHER = /[^\p{L}\p{M}\p{N}'.,]+/gu;
/** An apostrophe not between two word characters (a quote mark, a trailing ’). */
const LOOSE_APOSTROPHE = /(?<![\p{L}\p{M}\p{N}])'|'(?![\p{L}\p{M}\p{N}])/gu;
/** A point or comma not between two digits (sentence punctuation, not 3.5 or 1,000). */
const LOOSE_SEPARATOR = /(?<!\p{N})[.,]|[.,](?!\p{N})/gu;

export function normalizedText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'") // typographic apostrophes match the plain one
    .replace(OTHER, ' ')
    .replace(LOOSE_APOSTROPHE, ' ')
    .replace(LOOSE_SEPARATOR, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
