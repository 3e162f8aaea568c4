/**
 * Every property of a `gradium-stt` node: name, default, range and unit. The `live` ones are the stream
 * settings that `msg.settings` may change; `session` ones travel in Gradium's setup, so changing them opens
 * a new session. Reasons for the defaults: README, "Choosing the settings".
 *
 * A node saved before a setting existed reads its default, except where STT_WHEN_MISSING says otherwise.
 */
import { ENCODINGS, SAMPLE_FORMATS } from '../audio/types';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from '../audio/format-override';
import { DELAYS_IN_FRAMES, LANGUAGES } from '../gradium/protocol';
import { GATE_SPEC, GATE_SPEC_WHEN_MISSING } from '../voice-gate/gate-settings';
import type { SettingsSpec, ValuesOf } from './spec';
import { DEFAULT_SCHEMES } from '../sources/source-url';
import { WYOMING_STT_SPEC } from './wyoming-spec';

export const TURN_MODES = ['vad', 'manual'] as const;

/**
 * What msg.payload holds: audio in one of the audio layer's encodings, or (`media-stream`) a phone provider's
 * media-stream events as a `websocket in` node passes them on (src/telephony); `auto` recognises those too.
 */
export const STT_ENCODINGS = [...ENCODINGS, 'media-stream'] as const;
/** The horizons (s) whose inactivity probability Gradium reports in each `step`. */
export const VAD_HORIZONS = [0.5, 1, 2, 3] as const;

export const STT_SPEC = {
  name: { type: 'text', default: '' },
  keyProperty: { type: 'text', default: 'topic', required: true },
  maxStreams: { type: 'number', default: 50, min: 1, max: 10_000, integer: true, unit: 'streams' },
  encoding: { type: 'choice', default: 'auto', values: STT_ENCODINGS },
  sampleRate: { type: 'number', default: 16000, min: MIN_SAMPLE_RATE, max: MAX_SAMPLE_RATE, integer: true, unit: 'Hz' },
  channels: { type: 'number', default: 1, min: 1, max: MAX_CHANNELS, integer: true, unit: 'channels' },
  sampleFormat: { type: 'choice', default: 's16le', values: SAMPLE_FORMATS },
  language: { type: 'choice', default: 'en', values: LANGUAGES, live: true, session: true },
  delayInFrames: {
    type: 'choice',
    default: 10,
    values: DELAYS_IN_FRAMES,
    unit: 'frames',
    live: true,
    session: true,
    alias: 'delay_in_frames',
  },
  model: { type: 'text', default: 'default', required: true, maxLength: 200, live: true, session: true, alias: 'model_name' },
  jsonConfig: { type: 'json', default: '', live: true, session: true, alias: 'json_config' },
  turnMode: { type: 'choice', default: 'vad', values: TURN_MODES, live: true, alias: 'turn_mode' },
  vadHorizon: { type: 'choice', default: 2, values: VAD_HORIZONS, unit: 's', live: true, alias: 'vad_horizon' },
  vadThreshold: { type: 'number', default: 0.7, min: 0.01, max: 0.99, live: true, alias: 'vad_threshold' },
  vadSteps: { type: 'number', default: 3, min: 1, max: 100, integer: true, unit: 'steps', live: true, alias: 'vad_steps' },
  flushTimeout: { type: 'number', default: 2000, min: 100, max: 60_000, integer: true, unit: 'ms', live: true, alias: 'flush_timeout' },
  finalGrace: { type: 'number', default: 100, min: 0, max: 5000, integer: true, unit: 'ms', live: true, alias: 'final_grace' },
  idleTimeout: {
    type: 'number',
    default: 3000,
    min: 100,
    max: 3_600_000,
    integer: true,
    unit: 'ms',
    orZero: true,
    live: true,
    alias: 'idle_timeout',
  },
  interim: { type: 'boolean', default: true, live: true },
  bufferSeconds: { type: 'number', default: 10, min: 0, max: 120, unit: 's', live: true, alias: 'buffer_seconds' },
  // The voice gate (sendAudio, gateAggressiveness, gatePreRoll, gateHangover): declared beside the gate itself.
  ...GATE_SPEC,
  // ---- ffmpeg: containers Gradium does not take, and URL sources (msg.source) ----
  ffmpegPath: { type: 'text', default: 'ffmpeg', required: true, maxLength: 500 },
  maxDecoders: { type: 'number', default: 8, min: 1, max: 1000, integer: true, unit: 'streams' },
  /** The URL schemes msg.source may use, comma-separated (checked against KNOWN_SCHEMES by the node). */
  sourceSchemes: { type: 'text', default: DEFAULT_SCHEMES, maxLength: 100 },
  // ---- end of ffmpeg ----
  // Home Assistant Assist (wyoming, wyomingEndOfCommand): declared with the wyoming-server node.
  ...WYOMING_STT_SPEC,
} as const satisfies SettingsSpec;

export type SttValues = ValuesOf<typeof STT_SPEC>;

/**
 * What a property missing from a saved node means when that differs from a new node's default: a node
 * deployed before the voice gate existed keeps sending everything.
 */
export const STT_WHEN_MISSING = GATE_SPEC_WHEN_MISSING;
