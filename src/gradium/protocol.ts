/**
 * Gradium real-time ASR wire protocol: every message both ways, as typed values.
 * Described in docs/gradium-protocol.md ("Client messages", "Server messages").
 * Shared by the client (GradiumSession) and the emulator, so both speak exactly the same shapes.
 */

/** Languages Gradium accepts in `json_config.language` (`any` = automatic detection). */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'pt', 'any'] as const;
export type Language = (typeof LANGUAGES)[number];

/** `delay_in_frames` values documented as accepted (80 ms each). Server default is 10. */
export const DELAYS_IN_FRAMES = [7, 8, 10, 12, 14, 16, 20, 24, 32, 36, 48] as const;
export const SERVER_DEFAULT_DELAY_IN_FRAMES = 10;

/** `input_format` values (docs/gradium-protocol.md). `pcm` is 24 kHz s16le mono. */
export const INPUT_FORMATS = [
  'pcm',
  'pcm_8000',
  'pcm_16000',
  'pcm_22050',
  'pcm_24000',
  'pcm_44100',
  'pcm_48000',
  'ulaw_8000',
  'mulaw_8000',
  'alaw_8000',
  'wav',
  'opus',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** PCM sample rates Gradium takes natively as `pcm_<rate>`. */
export const NATIVE_PCM_RATES = [8000, 16000, 22050, 24000, 44100, 48000] as const;

/** The model works on 80 ms frames. */
export const FRAME_MS = 80;
/** Gradium caps one session at 300 s of audio. */
export const SESSION_CAP_SECONDS = 300;

// ---------------------------------------------------------------- client → server

export interface JsonConfig {
  language?: string;
  delay_in_frames?: number;
  temp?: number;
  padding_bonus?: number;
  keywords?: { words: string[]; boost?: number };
  /** Gradium ignores unknown keys; the emulator reads its script from here. */
  [key: string]: unknown;
}

export interface SetupMessage {
  type: 'setup';
  model_name: string;
  input_format: InputFormat;
  /** Object or JSON-encoded string: both are accepted by Gradium. */
  json_config?: JsonConfig | string;
  client_req_id?: string;
  close_ws_on_eos?: boolean;
}

export interface AudioMessage {
  type: 'audio';
  /** Standard base64 of the raw bytes in the declared input_format. */
  audio: string;
}

export interface FlushMessage {
  type: 'flush';
  /** Integer ids from this client; the emulator echoes whatever type it gets. */
  flush_id: number | string;
}

export interface EndOfStreamMessage {
  type: 'end_of_stream';
}

export type ClientMessage = SetupMessage | AudioMessage | FlushMessage | EndOfStreamMessage;

// ---------------------------------------------------------------- server → client

export interface ReadyMessage {
  type: 'ready';
  request_id: string;
  model_name: string;
  sample_rate: number;
  frame_size: number;
  delay_in_frames: number;
  text_stream_names: string[];
}

export interface TextMessage {
  type: 'text';
  text: string;
  start_s: number;
  stream_id: number | null;
}

export interface EndTextMessage {
  type: 'end_text';
  stop_s: number;
  stream_id: number | null;
}

export interface VadEntry {
  horizon_s: number;
  inactivity_prob: number;
}

export interface StepMessage {
  type: 'step';
  vad: VadEntry[];
  step_idx: number;
  step_duration_s: number;
  total_duration_s: number;
}

export interface FlushedMessage {
  type: 'flushed';
  flush_id: number | string;
}

export interface ServerEndOfStreamMessage {
  type: 'end_of_stream';
}

export interface ErrorMessage {
  type: 'error';
  message: string;
  /** 1008 policy violation (key, setup), 1011 internal or configuration error. */
  code: number;
  client_req_id?: string | null;
}

export type ServerMessage =
  | ReadyMessage
  | TextMessage
  | EndTextMessage
  | StepMessage
  | FlushedMessage
  | ServerEndOfStreamMessage
  | ErrorMessage;

/** WebSocket close / error codes that matter here. */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  INTERNAL_ERROR: 1011,
} as const;

/** The `input_format` for raw 16-bit PCM at a rate, or undefined when Gradium has no such format. */
export function pcmInputFormat(sampleRate: number): InputFormat | undefined {
  if (sampleRate === 24000) return 'pcm_24000';
  return (NATIVE_PCM_RATES as readonly number[]).includes(sampleRate)
    ? (`pcm_${sampleRate}` as InputFormat)
    : undefined;
}

/** Flush ids come back as numbers or strings depending on the server; compare loosely. */
export function sameFlushId(a: number | string, b: number | string): boolean {
  return String(a) === String(b);
}
