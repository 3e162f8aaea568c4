/**
 * Reading a gradium-stt node's saved properties and its input messages into the stream layer's terms.
 * Every refusal names what came and what is accepted.
 */
import type { AudioFormat } from '../audio/types';
import { parseJsonConfig, validateSettings, type StreamSettings } from '../streams/settings';
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

