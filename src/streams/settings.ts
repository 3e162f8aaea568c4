/**
 * The settings a stream runs with: the `live` settings of a gradium-stt node (src/settings/stt-spec.ts), which
 * `msg.settings` may change. A bad value is refused as a whole: nothing changes unless everything is valid.
 */
import type { JsonConfig } from '../gradium/protocol';
import { parseUpdate } from '../settings/spec';
import { STT_SPEC, type SttValues } from '../settings/stt-spec';

export { SettingsError } from '../settings/spec';

type LiveName = {
  [K in keyof typeof STT_SPEC]: (typeof STT_SPEC)[K] extends { live: true } ? K : never;
}[keyof typeof STT_SPEC];

export type StreamSettings = Pick<SttValues, LiveName> & { jsonConfig: JsonConfig };

/** The fields that need a new Gradium session when they change (they travel in `setup`). */
export const SESSION_FIELDS = (Object.keys(STT_SPEC) as (keyof typeof STT_SPEC)[]).filter(
  (name) => (STT_SPEC[name] as { session?: boolean }).session === true,
) as (keyof StreamSettings)[];

/** Validate a `msg.settings` object into a partial update; throws SettingsError (code SETTING_REFUSED). */
export function parseSettingsUpdate(raw: unknown): Partial<StreamSettings> {
  return parseUpdate(STT_SPEC, raw) as Partial<StreamSettings>;
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
