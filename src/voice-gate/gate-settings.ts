/**
 * The voice gate's settings, as plain data in the shape of the settings source of truth (`src/settings/`,
 * `SettingsSpec`), ready to move into the gradium-stt spec. The gate reads its ranges from here too, so a
 * value the settings layer accepts is one the gate accepts.
 *
 * The two types below mirror the `number` and `choice` members of `SettingSpec`; when this moves into
 * `src/settings/`, use those instead.
 */
interface GateNumberSpec {
  type: 'number';
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  unit?: 'ms';
  live?: boolean;
  session?: boolean;
}

interface GateChoiceSpec {
  type: 'choice';
  default: string | number;
  values: readonly (string | number)[];
  live?: boolean;
  session?: boolean;
}

export const SEND_AUDIO_VALUES = ['speech', 'always'] as const;
export type SendAudio = (typeof SEND_AUDIO_VALUES)[number];

export const GATE_SETTINGS = {
  /**
   * "speech": only speech (with its pre-roll and hang-over) reaches Gradium. "always": everything is sent.
   * New nodes get "speech"; a node saved before the gate existed keeps "always" (GATE_SETTINGS_WHEN_MISSING).
   */
  sendAudio: { type: 'choice', default: 'speech', values: SEND_AUDIO_VALUES, live: true },
  /** WebRTC VAD mode: 0 lets the most through, 3 rejects the most noise (and risks a slower onset). */
  gateAggressiveness: { type: 'choice', default: 2, values: [0, 1, 2, 3], live: true },
  /** Audio kept from before the first speech frame and sent first, so the first word is whole. */
  gatePreRoll: { type: 'number', default: 500, min: 0, max: 3000, integer: true, unit: 'ms', live: true },
  /** Audio still sent after the last speech frame before the turn ends. */
  gateHangover: { type: 'number', default: 800, min: 100, max: 10000, integer: true, unit: 'ms', live: true },
} as const satisfies Record<string, GateNumberSpec | GateChoiceSpec>;

/**
 * What a property missing from a saved node means (the `missing` argument of `parseProps`): nodes deployed
 * before the gate keep sending everything, as they did.
 */
export const GATE_SETTINGS_WHEN_MISSING = { sendAudio: 'always' } as const;
