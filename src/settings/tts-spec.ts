/**
 * Every property of a `gradium-tts` node: name, default, range and unit. The `live` ones may change through
 * `msg.settings` (for one key, or with no key for the node); they apply to the utterances queued after the
 * change. Gradium's own names (`voice_id`, `model_name`, `temp`) are accepted as aliases.
 * Reasons for the defaults: README, "gradium-tts".
 */
import { TTS_PCM_RATES } from '../gradium/tts-protocol';
import { DIALECTS } from '../telephony/dialects';
import { DELIVERIES, OUTPUT_ENCODINGS } from '../tts/types';
import type { SettingsSpec, ValuesOf } from './spec';
import { WYOMING_TTS_SPEC } from './wyoming-spec';

/** Emma, the voice Gradium's own clients and guides default to (docs/gradium-tts-protocol.md, "Voices"). */
export const DEFAULT_VOICE = 'YTpq7expH9539ERJ';

export const TTS_SPEC = {
  name: { type: 'text', default: '' },
  keyProperty: { type: 'text', default: 'topic', required: true },
  voice: { type: 'text', default: DEFAULT_VOICE, required: true, maxLength: 100, live: true, session: true, alias: 'voice_id' },
  model: { type: 'text', default: 'default', required: true, maxLength: 200, live: true, session: true, alias: 'model_name' },
  format: { type: 'choice', default: 'wav', values: OUTPUT_ENCODINGS, live: true, session: true },
  /** For wav and pcm; ulaw and alaw are 8000 Hz, opus 48000 Hz, whatever this says. */
  sampleRate: { type: 'choice', default: 16000, values: TTS_PCM_RATES, unit: 'Hz', live: true, session: true, alias: 'sample_rate' },
  delivery: { type: 'choice', default: 'file', values: DELIVERIES, live: true },
  /**
   * Positive is faster, as a user reads "speed"; sent as json_config.padding_bonus with the sign turned (Gradium's
   * bonus is extra padding: positive is slower; ±2 ≈ ∓30 % of the duration).
   */
  speed: { type: 'number', default: 0, min: -4, max: 4, live: true, session: true },
  /** json_config.temp: 0 is the most predictable delivery. */
  temperature: { type: 'number', default: 0.7, min: 0, max: 1.4, live: true, session: true, alias: 'temp' },
  /** The tail after the audio should have finished playing, before `unmute`. */
  unmuteDelay: { type: 'number', default: 300, min: 0, max: 10_000, integer: true, unit: 'ms', live: true, alias: 'unmute_delay' },
  // Home Assistant Assist (wyoming): declared with the wyoming-server node.
  ...WYOMING_TTS_SPEC,
  // Phone calls: whose media-stream events `delivery: "media-stream"` sends (README, "Phone calls").
  dialect: { type: 'choice', default: 'twilio', values: DIALECTS, live: true },
} as const satisfies SettingsSpec;

export type TtsValues = ValuesOf<typeof TTS_SPEC>;
