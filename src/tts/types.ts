/**
 * What the speech layer works with: the settings of an utterance, the audio it hands out, the figures of a
 * speaking period. Names match the node's settings (src/settings/tts-spec.ts) and its output messages.
 */
import type { Dialect } from '../telephony/dialects';
import type { TtsError } from './errors';

export const OUTPUT_ENCODINGS = ['wav', 'pcm', 'opus', 'ulaw', 'alaw'] as const;
export type OutputEncoding = (typeof OUTPUT_ENCODINGS)[number];

/** `media-stream`: each chunk as a phone provider's ready-to-send event (src/telephony), marks confirm playback. */
export const DELIVERIES = ['file', 'stream', 'media-stream'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export interface TtsSettings {
  /** Gradium voice_id. */
  voice: string;
  model: string;
  format: OutputEncoding;
  /** For wav and pcm; ulaw and alaw are 8000 Hz, opus 48000 Hz. */
  sampleRate: number;
  delivery: Delivery;
  /** −4 (slower) … 4 (faster); sent as json_config.padding_bonus with the sign turned. */
  speed: number;
  /** json_config.temp: 0 … 1.4. */
  temperature: number;
  /** ms after the audio should have finished playing before `unmute`. */
  unmuteDelay: number;
  /** `media-stream` delivery: which provider's events (Twilio's by default). */
  dialect: Dialect;
}

/** `msg.format` of the audio output. */
export interface OutputFormat {
  encoding: OutputEncoding;
  sampleRate: number;
  channels: 1;
}

export interface SpokenWord {
  text: string;
  /** Seconds from the start of the utterance's audio. */
  start: number;
  end: number;
}

/** One audio message for output 1. */
export interface AudioOut {
  payload: Buffer;
  format: OutputFormat;
  /** `file`: the whole utterance; `stream`: this chunk (0 for the empty final one). */
  durationMs: number;
  /** `stream` only: 0, 1, 2… within the utterance. */
  seq?: number;
  /** `stream` only: true on the last message of an utterance (an empty payload), exactly once. */
  final?: boolean;
  /** On the `file` message and on the `stream` final: the whole utterance. */
  words?: SpokenWord[];
  text?: string;
  /** The utterance's whole duration, on the `file` message and the `stream` final. */
  utteranceMs?: number;
}

/** msg.payload of the speaking output (output 2). */
export interface SpeakingFigures {
  /** ms from the start of the first utterance's synthesis to its first audio from Gradium. */
  firstAudioMs: number;
  /** ms of audio handed out in this speaking period so far. */
  durationMs: number;
  /** Characters of the utterances that spoke (what Gradium bills). */
  characters: number;
  utterances: number;
  /** unmute only: why. */
  reason?: 'played' | 'stop' | 'error' | 'closed';
  /** unmute only: utterances that were queued and not spoken (stop, failure, redeploy). */
  dropped?: number;
  /**
   * unmute after `media-stream` delivery only: true when the call's returning mark said the audio was played,
   * false when no mark came back in time and the timing estimate (plus a margin) decided.
   */
  heard?: boolean;
}

/** How an utterance ended, for the node's done(). */
export type UtteranceOutcome =
  | { status: 'spoken' }
  | { status: 'failed'; error: TtsError }
  | { status: 'stopped' }
  | { status: 'dropped'; reason: 'stop' | 'error' | 'closed' };
