/**
 * The `wyoming-server` config node's properties, and the Wyoming properties of gradium-stt and gradium-tts
 * (spread into their specs in a block of their own). Reasons for the defaults: README, "Home Assistant Assist".
 */
import type { SettingsSpec, ValuesOf } from './spec';

/** Who ends a spoken command: Home Assistant's own voice detection, or Gradium's semantic turn detection. */
export const END_OF_COMMAND_MODES = ['home-assistant', 'gradium'] as const;
export type EndOfCommand = (typeof END_OF_COMMAND_MODES)[number];

export const WYOMING_SERVER_SPEC = {
  /** What Home Assistant shows as the integration's and the engines' name. */
  name: { type: 'text', default: 'Gradium (Node-RED)', required: true, maxLength: 60 },
  /** Every interface, as every Wyoming server does; who may connect is `allow`'s job. */
  host: { type: 'text', default: '0.0.0.0', required: true, maxLength: 255 },
  /** Wyoming's conventional speech port (Whisper add-ons use 10300 too: change one if both run on a host). */
  port: { type: 'number', default: 10300, min: 1, max: 65535, integer: true },
  /** `private`, `*`, or addresses and CIDR ranges, comma-separated (src/wyoming/allow-list.ts). */
  allow: { type: 'text', default: 'private', required: true, maxLength: 2000 },
  maxConnections: { type: 'number', default: 20, min: 1, max: 1000, integer: true },
  /** Zeroconf `_wyoming._tcp`, so Home Assistant discovers the server by itself. */
  advertise: { type: 'boolean', default: true },
} as const satisfies SettingsSpec;

export type WyomingServerValues = ValuesOf<typeof WYOMING_SERVER_SPEC>;

/** gradium-stt: the wyoming-server it serves Home Assistant through ('' = not exposed), and who ends a command. */
export const WYOMING_STT_SPEC = {
  wyoming: { type: 'text', default: '' },
  wyomingEndOfCommand: { type: 'choice', default: 'home-assistant', values: END_OF_COMMAND_MODES },
} as const satisfies SettingsSpec;

/** gradium-tts: the wyoming-server it serves Home Assistant through ('' = not exposed). */
export const WYOMING_TTS_SPEC = {
  wyoming: { type: 'text', default: '' },
} as const satisfies SettingsSpec;
