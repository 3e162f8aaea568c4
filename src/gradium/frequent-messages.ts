/**
 * A fast path for the server messages that come all the time: `step` (every 80 ms on every session) and
 * the words, `text` and `end_text`. It matches the frame's bytes against the compact layouts Gradium's
 * serializer (and the emulator) writes,
 *
 *   {"type":"step","vad":[{"horizon_s":N,"inactivity_prob":N},...],"step_idx":N,"step_duration_s":N,"total_duration_s":N}
 *   {"type":"text","text":"ASCII","start_s":N,"stream_id":N}
 *   {"type":"end_text","stop_s":N,"stream_id":N}
 *
 * reading the numbers as it goes: no UTF-8 decoding of the frame, no generic JSON.parse. It returns the
 * message the full parser would return for the same bytes, or `undefined` as soon as anything differs
 * (another type, spacing, key order, an extra key, an escape or a non-ASCII letter in the text, a number
 * it does not read exactly). `undefined` is not a verdict: the caller then runs the full parser
 * (server-message-parser.ts), which accepts or refuses the frame, so a malformed message is refused
 * exactly as before and one spelled differently is still read, only more slowly.
 * test/gradium/frequent-messages.unit.test.ts checks on mutated frames that the fast path never returns
 * anything the full parser would not.
 */
import type { EndTextMessage, StepMessage, TextMessage, VadEntry } from './protocol';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const TYPE = bytes('{"type":"');
const STEP_VAD = bytes('step","vad":[');
const TEXT_TEXT = bytes('text","text":"');
const START_S = bytes('","start_s":');
const END_TEXT_STOP_S = bytes('end_text","stop_s":');
const STREAM_ID = bytes(',"stream_id":');
const HORIZON = bytes('{"horizon_s":');
const INACTIVITY = bytes(',"inactivity_prob":');
const STEP_IDX = bytes('],"step_idx":');
const STEP_DURATION = bytes(',"step_duration_s":');
const TOTAL_DURATION = bytes(',"total_duration_s":');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * mantissa / 10^k is the correctly rounded value of the decimal (one IEEE division of two exact doubles) as
 * long as the integer mantissa is at most 2^53 and 10^k is exact (k <= 22): Clinger's fast path, the same
 * result as JSON.parse.
 */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const EMPTY = Buffer.alloc(0);

// The frame being read and the position in it. Module state instead of an object per frame: a read runs
// to completion and never re-enters itself.
let b: Buffer = EMPTY;
let end = 0;
let at = 0;

/** The byte at `i`, or -1 past the end (reading a typed array out of bounds is slow in V8). */
function byteAt(i: number): number {
  return i < end ? b[i]! : -1;
}

/** Consumes the literal `word` at the read position. */
function literal(word: Buffer): boolean {
  const n = word.length;
  if (at + n > end) return false;
  for (let i = 0; i < n; i++) if (b[at + i] !== word[i]) return false;
  at += n;
  return true;
}

/**
 * A JSON number without an exponent whose digits fit an exact integer, read exactly as JSON.parse would;
 * NaN for anything else (left to the full parser).
 */
function number(): number {
  let i = at;
  const negative = byteAt(i) === MINUS;
  if (negative) i++;
  const intStart = i;
  let mantissa = 0;
  let c = byteAt(i);
  while (c >= ZERO && c <= NINE) {
    mantissa = mantissa * 10 + (c - ZERO);
    c = byteAt(++i);
  }
  const digits = i - intStart;
  // JSON: at least one integer digit, and no leading zero before more digits.
  if (digits === 0 || (digits > 1 && b[intStart] === ZERO)) return NaN;
  let fraction = 0;
  if (c === DOT) {
    const fractionStart = ++i;
    c = byteAt(i);
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      c = byteAt(++i);
    }
    fraction = i - fractionStart;
    if (fraction === 0) return NaN;
  }
  if (mantissa > Number.MAX_SAFE_INTEGER || fraction >= POW10.length) return NaN;
  at = i;
  const v = mantissa / POW10[fraction]!;
  return negative ? -v : v;
}

function vadEntries(): VadEntry[] | undefined {
  const vad: VadEntry[] = [];
  if (byteAt(at) === CLOSE_BRACKET) return vad;
  for (;;) {
    if (!literal(HORIZON)) return undefined;
    const horizon = number();
    if (Number.isNaN(horizon) || !literal(INACTIVITY)) return undefined;
    const inactivity = number();
    if (Number.isNaN(inactivity) || byteAt(at) !== CLOSE_BRACE) return undefined;
    at++;
    vad.push({ horizon_s: horizon, inactivity_prob: inactivity });
    if (byteAt(at) !== COMMA) return vad;
    at++;
  }
}

function step(): StepMessage | undefined {
  if (!literal(STEP_VAD)) return undefined;
  const vad = vadEntries();
  if (!vad || !literal(STEP_IDX)) return undefined;
  const stepIdx = number();
  if (Number.isNaN(stepIdx) || !literal(STEP_DURATION)) return undefined;
  const stepDuration = number();
  if (Number.isNaN(stepDuration) || !literal(TOTAL_DURATION)) return undefined;
  const totalDuration = number();
  if (Number.isNaN(totalDuration) || !atLastBrace()) return undefined;
  return { type: 'step', vad, step_idx: stepIdx, step_duration_s: stepDuration, total_duration_s: totalDuration };
}

function text(): TextMessage | undefined {
  if (!literal(TEXT_TEXT)) return undefined;
  // Printable ASCII without escapes reads the same as latin1; anything else is for the full parser.
  const start = at;
  let c = byteAt(at);
  while (c !== QUOTE) {
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return undefined;
    c = byteAt(++at);
  }
  const words = b.toString('latin1', start, at);
  if (!literal(START_S)) return undefined;
  const startS = number();
  if (Number.isNaN(startS) || !literal(STREAM_ID)) return undefined;
  const streamId = number();
  if (Number.isNaN(streamId) || !atLastBrace()) return undefined;
  return { type: 'text', text: words, start_s: startS, stream_id: streamId };
}

function endText(): EndTextMessage | undefined {
  if (!literal(END_TEXT_STOP_S)) return undefined;
  const stopS = number();
  if (Number.isNaN(stopS) || !literal(STREAM_ID)) return undefined;
  const streamId = number();
  if (Number.isNaN(streamId) || !atLastBrace()) return undefined;
  return { type: 'end_text', stop_s: stopS, stream_id: streamId };
}

/** The closing brace, and nothing after it. */
function atLastBrace(): boolean {
  return at === end - 1 && b[at] === CLOSE_BRACE;
}

export type FrequentMessage = StepMessage | TextMessage | EndTextMessage;

/** The step, text or end_text in `frame`, or undefined when this fast path does not read it (then run the full parser). */
export function readFrequentMessage(frame: Buffer): FrequentMessage | undefined {
  b = frame;
  end = frame.length;
  at = 0;
  let result: FrequentMessage | undefined;
  if (literal(TYPE)) {
    // The first letter of the type picks the layout.
    const c = byteAt(at);
    result = c === 0x73 ? step() : c === 0x74 ? text() : c === 0x65 ? endText() : undefined;
  }
  b = EMPTY;
  end = 0;
  return result;
}
