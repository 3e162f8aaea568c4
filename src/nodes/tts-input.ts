/**
 * Reading a gradium-tts node's saved properties and its input messages into the speech layer's terms.
 * Every refusal names what came and what is accepted.
 */
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';
import { parseProps } from '../settings/spec';
import { TTS_SPEC, type TtsValues } from '../settings/tts-spec';
import type { TtsSettings } from '../tts/types';
import type { GradiumTtsProps } from './node-config';

/** Far beyond any answer a voice assistant speaks; split into requests of 1500 characters on the way. */
export const MAX_TEXT_CHARS = 100_000;

export function propsFromConfig(def: Partial<GradiumTtsProps>): TtsValues {
  return parseProps(TTS_SPEC, def as Record<string, unknown>);
}

export function speechSettingsOf(p: Pick<TtsValues, keyof TtsSettings>): TtsSettings {
  return {
    voice: p.voice,
    model: p.model,
    format: p.format,
    sampleRate: p.sampleRate,
    delivery: p.delivery,
    speed: p.speed,
    temperature: p.temperature,
    unmuteDelay: p.unmuteDelay,
    dialect: p.dialect,
  };
}

/** A payload that carries no text: fine beside msg.settings (an Inject node's timestamp), an error alone. */
export function isNoText(payload: unknown): boolean {
  return (
    payload === undefined ||
    payload === null ||
    payload === '' ||
    typeof payload === 'number' ||
    typeof payload === 'boolean' ||
    (typeof payload === 'object' && !Buffer.isBuffer(payload) && Object.keys(payload).length === 0)
  );
}

/** The text to speak, or a BAD_TEXT error saying what came and what is accepted. */
export function textOf(payload: unknown): string {
  if (typeof payload !== 'string') {
    throw new CodedError(
      'BAD_TEXT',
      `msg.payload: got ${describeValue(payload)}; expected the text to speak (a string; <break time="1s"/> and <flush> may be part of it).`,
    );
  }
  if (payload.trim() === '') throw new CodedError('BAD_TEXT', 'msg.payload is empty: there is nothing to say.');
  if (payload.length > MAX_TEXT_CHARS) {
    throw new CodedError('BAD_TEXT', `msg.payload holds ${payload.length} characters; at most ${MAX_TEXT_CHARS} are spoken at once.`);
  }
  return payload;
}
