/**
 * Long texts become several Gradium requests (docs/gradium-tts-protocol.md, "Limits and billing"): a session stops at 300 s of audio,
 * and the free tier at 1500 characters. The text is cut at sentence ends where it can be, at whitespace
 * where a sentence alone is too long, so each request stays under both limits with room to spare.
 */
import {
  TTS_CHARACTERS_PER_MINUTE,
  TTS_FREE_TIER_CHARACTERS,
  TTS_SESSION_CAP_SECONDS,
} from '../gradium/tts-protocol';
import { breakSeconds, splitAtWhitespace, spokenCharacters } from '../gradium/tts-text';

export interface RequestLimits {
  /** Characters per request; default the free tier's 1500. */
  maxChars: number;
  /** Estimated seconds of speech per request; default 240, under Gradium's 300 s cap. */
  maxSeconds: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxChars: TTS_FREE_TIER_CHARACTERS,
  maxSeconds: TTS_SESSION_CAP_SECONDS - 60,
};

/** The slowest pace Gradium offers (padding_bonus 4) stretches speech by about 60 %. */
const SLOWEST_STRETCH = 1.6;

/** A pessimistic estimate of how long a text takes to speak: the slowest pace plus its pauses. */
export function estimatedSeconds(text: string): number {
  return ((spokenCharacters(text) * 60) / TTS_CHARACTERS_PER_MINUTE) * SLOWEST_STRETCH + breakSeconds(text);
}

/** Sentence ends: . ! ? … (and their CJK forms) followed by whitespace, or a blank line. */
const SENTENCE_END = /(?<=[.!?…。！？]["'»”’)\]]*)\s+|\n\s*\n/u;

function fits(text: string, limits: RequestLimits): boolean {
  return text.length <= limits.maxChars && estimatedSeconds(text) <= limits.maxSeconds;
}

/** The requests for one utterance, in order. Joined with spaces they say the whole text. */
export function planRequests(text: string, limits: RequestLimits = DEFAULT_REQUEST_LIMITS): string[] {
  const whole = text.trim();
  if (whole === '') return [];
  if (fits(whole, limits)) return [whole];
  // Sentences small enough on their own; a longer one is cut at whitespace into pieces that fit.
  const parts: string[] = [];
  for (const sentence of whole.split(SENTENCE_END)) {
    const s = sentence.trim();
    if (s === '') continue;
    if (fits(s, limits)) {
      parts.push(s);
      continue;
    }
    // Characters per second at the slowest pace bound the piece length by time as well.
    const byTime = Math.floor((limits.maxSeconds / SLOWEST_STRETCH / 60) * TTS_CHARACTERS_PER_MINUTE);
    parts.push(...splitAtWhitespace(s, Math.max(1, Math.min(limits.maxChars, byTime))));
  }
  // Pack neighbours back together while they fit, so a long text makes as few requests as it must.
  const requests: string[] = [];
  for (const part of parts) {
    const last = requests.at(-1);
    const joined = last === undefined ? part : `${last} ${part}`;
    if (last !== undefined && fits(joined, limits)) requests[requests.length - 1] = joined;
    else requests.push(part);
  }
  return requests;
}
