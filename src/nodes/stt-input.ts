/**
 * Reading a gradium-stt node's saved properties and its input messages into the stream layer's terms.
 * Every refusal names what came and what is accepted.
 */
import type { AudioFormat } from '../audio/types';
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';
import { parseProps } from '../settings/spec';
import { STT_SPEC, STT_WHEN_MISSING, type SttValues } from '../settings/stt-spec';
import { MUTE_MS_MAX } from '../streams/mute-book';
import type { GradiumSttProps } from './node-config';

export class InputError extends CodedError {
  override readonly name = 'InputError';
  constructor(message: string) {
    super('BAD_INPUT', message);
  }
}

/**
 * The node's saved properties, validated; throws SettingsError naming the bad property. A node saved before
 * the voice gate existed has no sendAudio: it keeps sending everything ("always"), as it did.
 */
export function propsFromConfig(def: Partial<GradiumSttProps>): SttValues {
  return parseProps(STT_SPEC, def as Record<string, unknown>, STT_WHEN_MISSING);
}

export function formatOf(p: SttValues): AudioFormat {
  // Media-stream events carry the call's format in their start event; Twilio's (μ-law 8 kHz) is the default.
  if (p.encoding === 'media-stream') return { encoding: 'ulaw', sampleRate: 8000, channels: 1, sampleFormat: p.sampleFormat };
  return { encoding: p.encoding, sampleRate: p.sampleRate, channels: p.channels, sampleFormat: p.sampleFormat };
}

/** Payloads that come with an action but carry no audio (an Inject node's timestamp, an empty string). */
export function isNoAudio(payload: unknown): boolean {
  return (
    payload === undefined ||
    payload === null ||
    payload === '' ||
    typeof payload === 'number' ||
    typeof payload === 'boolean' ||
    (typeof payload === 'object' && !ArrayBuffer.isView(payload) && !(payload instanceof ArrayBuffer) && Object.keys(payload).length === 0)
  );
}

/**
 * `msg.muteMs`: how long a mute lasts before it lifts by itself (a lost unmute must not deafen a room for
 * good). Only with `msg.action: "mute"`; absent means until unmute.
 */
export function muteMsOf(raw: unknown, action: string | undefined): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (action !== 'mute') {
    throw new InputError(`msg.muteMs: got ${describeValue(raw)} with ${action ? `msg.action "${action}"` : 'no msg.action'}; muteMs goes with msg.action "mute".`);
  }
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 1 || n > MUTE_MS_MAX) {
    throw new InputError(`msg.muteMs: got ${describeValue(raw)}; expected milliseconds from 1 to ${MUTE_MS_MAX} (24 hours), or no muteMs to stay muted until "unmute".`);
  }
  return Math.round(n);
}

/** An object literal (not a Buffer, typed array or ArrayBuffer): never audio. */
export function isPlainObject(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && !ArrayBuffer.isView(payload) && !(payload instanceof ArrayBuffer) && !Array.isArray(payload);
}
