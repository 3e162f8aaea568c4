/**
 * The voice gate's settings, declared in the settings source of truth's shape (`SettingsSpec`), ready to
 * join the gradium-stt spec (`src/settings/stt-spec.ts`). The gate validates its own options against these
 * declarations too, so a value the settings layer accepts is exactly one the gate accepts.
 */
import type { SettingsSpec } from '../settings/spec';

export const SEND_AUDIO_VALUES = ['speech', 'always'] as const;
export type SendAudio = (typeof SEND_AUDIO_VALUES)[number];

export const GATE_SPEC = {
  /**
   * "speech": only speech (with its pre-roll and hang-over) reaches Gradium. "always": everything is sent.
   * New nodes get "speech"; a node saved before the gate existed keeps "always" (GATE_SPEC_WHEN_MISSING).
   */
  sendAudio: { type: 'choice', default: 'speech', values: SEND_AUDIO_VALUES, live: true, alias: 'send_audio' },
  /** WebRTC VAD mode: 0 lets the most through, 3 rejects the most noise (and risks a slower onset). */
  gateAggressiveness: { type: 'choice', default: 2, values: [0, 1, 2, 3], live: true, alias: 'gate_aggressiveness' },
  /** Audio kept from before the first speech frame and sent first, so the first word is whole. */
  gatePreRoll: { type: 'number', default: 500, min: 0, max: 3000, integer: true, unit: 'ms', live: true, alias: 'gate_pre_roll' },
  /** Audio still sent after the last speech frame before the turn ends. */
  gateHangover: { type: 'number', default: 800, min: 100, max: 10_000, integer: true, unit: 'ms', live: true, alias: 'gate_hangover' },
} as const satisfies SettingsSpec;

/**
 * What a property missing from a saved node means (the `missing` argument of `parseProps`): nodes deployed
 * before the gate keep sending everything, as they did.
 */
export const GATE_SPEC_WHEN_MISSING = { sendAudio: 'always' } as const;
