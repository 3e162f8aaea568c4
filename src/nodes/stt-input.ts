/**
 * Reading a gradium-stt node's saved properties and its input messages into the stream layer's terms.
 * Every refusal names what came and what is accepted.
 */
import type { AudioFormat } from '../audio/types';
import { parseJsonConfig, validateSettings, type StreamSettings } from '../streams/settings';
import { describeValue } from '../audio/describe-value';
import { MUTE_MS_MAX } from '../streams/mute-book';
import { STT_DEFAULTS, type GradiumSttProps } from './node-config';

export class InputError extends Error {
  override readonly name = 'InputError';
}

export function num(v: unknown, fallback: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

/** The node's saved properties as stream settings; throws SettingsError naming the bad property. */
export function settingsFromConfig(def: Partial<GradiumSttProps>): StreamSettings {
  const d = { ...STT_DEFAULTS, ...def };
  return validateSettings({
    language: d.language,
    delayInFrames: num(d.delayInFrames, NaN),
    model: d.model,
    jsonConfig: parseJsonConfig(d.jsonConfig),
    turnMode: d.turnMode,
    vadHorizon: num(d.vadHorizon, NaN),
    vadThreshold: num(d.vadThreshold, NaN),
    vadSteps: num(d.vadSteps, NaN),
    flushTimeout: num(d.flushTimeout, NaN),
    finalGrace: num(d.finalGrace, NaN),
    idleTimeout: num(d.idleTimeout, NaN),
    interim: d.interim !== false,
    bufferSeconds: num(d.bufferSeconds, NaN),
  });
}

export function formatFromConfig(def: Partial<GradiumSttProps>): AudioFormat {
  const d = { ...STT_DEFAULTS, ...def };
  return {
    encoding: d.encoding,
    sampleRate: num(d.sampleRate, 16000),
    channels: num(d.channels, 1),
    sampleFormat: d.sampleFormat,
  };
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
