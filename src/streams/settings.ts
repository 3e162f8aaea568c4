/**
 * The settings a stream runs with, and the validation of `msg.settings` (camelCase, or Gradium's own
 * snake_case names). A bad value is refused as a whole: nothing changes unless everything is valid.
 */
import { DELAYS_IN_FRAMES, LANGUAGES, type JsonConfig } from '../gradium/protocol';
import { describeValue } from '../audio/describe-value';

export interface StreamSettings {
  language: string;
  delayInFrames: number;
  model: string;
  /** Extra json_config keys; language and delay_in_frames above win over the same keys here. */
  jsonConfig: JsonConfig;
  /** End turns from Gradium's VAD (`vad`) or only on `flush` actions (`manual`). */
  turnMode: 'vad' | 'manual';
  vadHorizon: number;
  vadThreshold: number;
  vadSteps: number;
  flushTimeout: number;
  finalGrace: number;
  /** ms without audio that end a stream; 0 = never. */
  idleTimeout: number;
  interim: boolean;
  /** Seconds of audio held while (re)connecting. */
  bufferSeconds: number;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The fields that need a new Gradium session when they change (they travel in `setup`). */
export const SESSION_FIELDS = ['language', 'delayInFrames', 'model', 'jsonConfig'] as const;

const SNAKE_CASE: Record<string, keyof StreamSettings> = {
  delay_in_frames: 'delayInFrames',
  model_name: 'model',
  json_config: 'jsonConfig',
  turn_mode: 'turnMode',
  vad_horizon: 'vadHorizon',
  vad_threshold: 'vadThreshold',
  vad_steps: 'vadSteps',
  flush_timeout: 'flushTimeout',
  final_grace: 'finalGrace',
  idle_timeout: 'idleTimeout',
  buffer_seconds: 'bufferSeconds',
};

const KNOWN = new Set<string>([
  'language',
  'delayInFrames',
  'model',
  'jsonConfig',
  'turnMode',
  'vadHorizon',
  'vadThreshold',
  'vadSteps',
  'flushTimeout',
  'finalGrace',
  'idleTimeout',
  'interim',
  'bufferSeconds',
]);

function toNumber(name: string, v: unknown, check: (n: number) => boolean, accepted: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || !check(n)) {
    throw new SettingsError(`settings.${name}: got ${describeValue(v)}; expected ${accepted}.`);
  }
  return n;
}

/** Parse extra json_config given as an object or JSON text. */
export function parseJsonConfig(v: unknown, name = 'jsonConfig'): JsonConfig {
  if (v === undefined || v === null || v === '') return {};
  let value = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      throw new SettingsError(`settings.${name}: got text that is not JSON; expected a JSON object such as {"temp": 0.2}.`);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new SettingsError(`settings.${name}: got ${describeValue(v)}; expected a JSON object such as {"temp": 0.2}.`);
  }
  return value as JsonConfig;
}

/** Validate one settings field; returns the normalised value. */
function validateField<K extends keyof StreamSettings>(key: K, v: unknown): StreamSettings[K] {
  type R = StreamSettings[K];
  switch (key) {
    case 'language': {
      if (typeof v !== 'string' || !(LANGUAGES as readonly string[]).includes(v)) {
        throw new SettingsError(`settings.language: got ${describeValue(v)}; expected one of ${LANGUAGES.join(', ')}.`);
      }
      return v as R;
    }
    case 'delayInFrames':
      return toNumber(
        key,
        v,
        (n) => (DELAYS_IN_FRAMES as readonly number[]).includes(n),
        `one of ${DELAYS_IN_FRAMES.join(', ')} (frames of 80 ms)`,
      ) as R;
    case 'model':
      if (typeof v !== 'string' || v.trim() === '') {
        throw new SettingsError(`settings.model: got ${describeValue(v)}; expected a model name such as "default".`);
      }
      return v.trim() as R;
    case 'jsonConfig':
      return parseJsonConfig(v) as R;
    case 'turnMode':
      if (v !== 'vad' && v !== 'manual') {
        throw new SettingsError(`settings.turnMode: got ${describeValue(v)}; expected "vad" or "manual".`);
      }
      return v as R;
    case 'vadHorizon':
      return toNumber(key, v, (n) => n > 0 && n <= 10, 'seconds between 0 and 10 (Gradium sends 0.5, 1, 2, 3)') as R;
    case 'vadThreshold':
      return toNumber(key, v, (n) => n > 0 && n < 1, 'a probability between 0 and 1') as R;
    case 'vadSteps':
      return toNumber(key, v, (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'a whole number of steps from 1 to 100') as R;
    case 'flushTimeout':
      return toNumber(key, v, (n) => n >= 100 && n <= 60_000, 'milliseconds from 100 to 60000') as R;
    case 'finalGrace':
      return toNumber(key, v, (n) => n >= 0 && n <= 5_000, 'milliseconds from 0 to 5000') as R;
    case 'idleTimeout':
      return toNumber(key, v, (n) => n === 0 || (n >= 100 && n <= 3_600_000), 'milliseconds (0 = never, else 100 to 3600000)') as R;
    case 'interim':
      if (typeof v !== 'boolean') throw new SettingsError(`settings.interim: got ${describeValue(v)}; expected true or false.`);
      return v as R;
    case 'bufferSeconds':
      return toNumber(key, v, (n) => n >= 0 && n <= 120, 'seconds from 0 to 120') as R;
    default:
      throw new SettingsError(`settings.${String(key)} is not a setting.`);
  }
}

/**
 * Validate a `msg.settings` object into a partial update. Unknown keys are refused (a typo would otherwise
 * be silently ignored), naming the accepted ones.
 */
export function parseSettingsUpdate(raw: unknown): Partial<StreamSettings> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SettingsError(`msg.settings: got ${describeValue(raw)}; expected an object such as {"language": "fr"}.`);
  }
  const out: Partial<StreamSettings> = {};
  for (const [rawKey, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = (SNAKE_CASE[rawKey] ?? rawKey) as keyof StreamSettings;
    if (!KNOWN.has(key)) {
      throw new SettingsError(
        `msg.settings.${rawKey} is not a setting; accepted: ${[...KNOWN].join(', ')} (or delay_in_frames, model_name, json_config).`,
      );
    }
    (out as Record<string, unknown>)[key] = validateField(key, value);
  }
  return out;
}

/** Validate a complete settings object (the node's configuration). */
export function validateSettings(s: Record<keyof StreamSettings, unknown>): StreamSettings {
  const out = {} as Record<string, unknown>;
  for (const key of KNOWN) out[key] = validateField(key as keyof StreamSettings, s[key as keyof StreamSettings]);
  return out as unknown as StreamSettings;
}

export function needsNewSession(update: Partial<StreamSettings>, current: StreamSettings): boolean {
  return SESSION_FIELDS.some(
    (f) => update[f] !== undefined && JSON.stringify(update[f]) !== JSON.stringify(current[f]),
  );
}

/** The json_config sent in `setup`: extras first, then the fields the node owns. */
export function jsonConfigOf(s: StreamSettings): JsonConfig & { language: string } {
  return { ...s.jsonConfig, language: s.language, delay_in_frames: s.delayInFrames };
}
