/**
 * Gradium real-time TTS wire protocol: every message both ways, as typed values.
 * Described in docs/gradium-tts-protocol.md (messages, setup, limits).
 * Shared by the client (TtsSession) and the emulator, so both speak exactly the same shapes.
 */

/** `output_format` values ("Setup"). `pcm` and `wav` are 48 kHz; `opus` is Ogg Opus. */
export const TTS_OUTPUT_FORMATS = [
  'wav',
  'pcm',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'pcm_48000',
  'opus',
  'ulaw_8000',
  'mulaw_8000',
  'alaw_8000',
] as const;
export type TtsOutputFormat = (typeof TTS_OUTPUT_FORMATS)[number];

/** Rates Gradium synthesises raw PCM at (`pcm_<rate>`). */
export const TTS_PCM_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;
export type TtsPcmRate = (typeof TTS_PCM_RATES)[number];

/** `pcm` and `wav` without a rate are 48 kHz; Opus always counts 48 kHz samples. */
export const TTS_DEFAULT_RATE = 48000;
/** G.711 output exists only at 8 kHz. */
export const G711_RATE = 8000;

/** Gradium caps one session at 300 s ("Limits and billing"); long texts go out as several requests. */
export const TTS_SESSION_CAP_SECONDS = 300;
/** The free tier's limit on characters per session ("Limits and billing"). Staying under it keeps every plan working. */
export const TTS_FREE_TIER_CHARACTERS = 1500;
/** About 750 characters per minute of speech at normal speed ("Limits and billing"). */
export const TTS_CHARACTERS_PER_MINUTE = 750;

// ---------------------------------------------------------------- client → server

/** json_config options for TTS ("Setup"). Unknown keys are allowed through. */
export interface TtsJsonConfig {
  /** Sampling temperature 0–1.4, default 0.7. */
  temp?: number;
  /** Pace −4…4: negative is faster, positive slower, default 0. */
  padding_bonus?: number;
  cfg_coef?: number;
  rewrite_rules?: string;
  [key: string]: unknown;
}

export interface TtsSetupMessage {
  type: 'setup';
  model_name: string;
  voice_id: string;
  output_format: TtsOutputFormat;
  /** Object or JSON-encoded string: Gradium takes both. */
  json_config?: TtsJsonConfig | string;
  pronunciation_id?: string;
  client_req_id?: string;
  close_ws_on_eos?: boolean;
}

export interface TtsTextInMessage {
  type: 'text';
  /** The server puts one space between consecutive text messages: split only at whitespace. */
  text: string;
  client_req_id?: string;
}

export interface TtsEndOfStreamInMessage {
  type: 'end_of_stream';
  client_req_id?: string;
}

export type TtsClientMessage = TtsSetupMessage | TtsTextInMessage | TtsEndOfStreamInMessage;

// ---------------------------------------------------------------- server → client

export interface TtsReadyMessage {
  type: 'ready';
  request_id: string;
  model_name: string;
  /** The rate of the audio that follows. */
  sample_rate: number;
  frame_size: number;
  audio_stream_names: string[];
  text_stream_names: string[];
}

export interface TtsAudioMessage {
  type: 'audio';
  /** Base64 of bytes in the requested output_format. */
  audio: string;
  start_s: number;
  stop_s: number;
  stream_id: number;
}

/** One word that has been voiced, with its place in the audio. */
export interface TtsWordMessage {
  type: 'text';
  text: string;
  start_s: number;
  stop_s: number;
  stream_id: number;
}

export interface TtsEndOfStreamMessage {
  type: 'end_of_stream';
}

export interface TtsErrorMessage {
  type: 'error';
  message: string;
  /** 1008 policy (key, credit, setup), 1011 internal or configuration (unknown voice). */
  code: number;
  client_req_id?: string | null;
}

/** Seen in Gradium's Rust client since 2026-06; meaning unknown. Parsed so it can be ignored on purpose. */
export interface TtsNeedMoreTextMessage {
  type: 'need_more_text';
}

export type TtsServerMessage =
  | TtsReadyMessage
  | TtsAudioMessage
  | TtsWordMessage
  | TtsEndOfStreamMessage
  | TtsErrorMessage
  | TtsNeedMoreTextMessage;

/** How the bytes of one output format are laid out. */
export interface TtsAudioLayout {
  encoding: 'pcm' | 'wav' | 'opus' | 'ulaw' | 'alaw';
  sampleRate: number;
  /** Bytes per sample for sample-counted formats; 0 for Opus (counted by Ogg granule positions). */
  bytesPerSample: number;
}

export function layoutOf(format: TtsOutputFormat): TtsAudioLayout {
  switch (format) {
    case 'wav':
      return { encoding: 'wav', sampleRate: TTS_DEFAULT_RATE, bytesPerSample: 2 };
    case 'pcm':
      return { encoding: 'pcm', sampleRate: TTS_DEFAULT_RATE, bytesPerSample: 2 };
    case 'opus':
      return { encoding: 'opus', sampleRate: TTS_DEFAULT_RATE, bytesPerSample: 0 };
    case 'ulaw_8000':
    case 'mulaw_8000':
      return { encoding: 'ulaw', sampleRate: G711_RATE, bytesPerSample: 1 };
    case 'alaw_8000':
      return { encoding: 'alaw', sampleRate: G711_RATE, bytesPerSample: 1 };
    default:
      return { encoding: 'pcm', sampleRate: Number(format.slice('pcm_'.length)), bytesPerSample: 2 };
  }
}

/** `pcm_<rate>` for a rate Gradium synthesises, else undefined. */
export function ttsPcmFormat(rate: number): TtsOutputFormat | undefined {
  return (TTS_PCM_RATES as readonly number[]).includes(rate) ? (`pcm_${rate}` as TtsOutputFormat) : undefined;
}
