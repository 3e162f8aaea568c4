/**
 * Validation of the audio format: the node's defaults and the per-message `msg.format` override.
 * Messages come from any flow, so every field is checked and a bad one is named in the error.
 */
import { AudioInputError, ENCODINGS, SAMPLE_FORMATS, type AudioFormat, type Encoding, type SampleFormat } from './types';
import { describeValue } from '../common/describe-value';

const FIELDS = ['encoding', 'sampleRate', 'channels', 'sampleFormat'] as const;
/** Wide enough for any real source; the resampler accepts it and a frame stays small. */
export const MIN_SAMPLE_RATE = 4000;
export const MAX_SAMPLE_RATE = 384000;
export const MAX_CHANNELS = 32;

/** Numbers may come as numeric strings from the editor or a Change node. */
function toInteger(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isInteger(x) ? x : undefined;
  if (typeof x === 'string' && /^\s*\d+\s*$/.test(x)) return Number(x);
  return undefined;
}

export function checkEncoding(x: unknown, where: string): Encoding {
  if (typeof x === 'string' && (ENCODINGS as readonly string[]).includes(x)) return x as Encoding;
  throw new AudioInputError(`${where}.encoding is ${describeValue(x)}; accepted: ${ENCODINGS.join(', ')}`);
}

export function checkSampleFormat(x: unknown, where: string): SampleFormat {
  if (typeof x === 'string' && (SAMPLE_FORMATS as readonly string[]).includes(x)) return x as SampleFormat;
  throw new AudioInputError(`${where}.sampleFormat is ${describeValue(x)}; accepted: ${SAMPLE_FORMATS.join(', ')}`);
}

export function checkSampleRate(x: unknown, where: string): number {
  const n = toInteger(x);
  if (n !== undefined && n >= MIN_SAMPLE_RATE && n <= MAX_SAMPLE_RATE) return n;
  throw new AudioInputError(
    `${where}.sampleRate is ${describeValue(x)}; accepted: an integer in Hz from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, e.g. 16000`,
  );
}

export function checkChannels(x: unknown, where: string): number {
  const n = toInteger(x);
  if (n !== undefined && n >= 1 && n <= MAX_CHANNELS) return n;
  throw new AudioInputError(`${where}.channels is ${describeValue(x)}; accepted: an integer from 1 to ${MAX_CHANNELS}`);
}

/**
 * Checks `msg.format`. Undefined or null means no override. Unknown keys are refused too, so that a
 * typo such as `{rate: 8000}` is reported instead of silently ignored.
 */
export function validateFormatOverride(x: unknown): Partial<AudioFormat> {
  if (x === undefined || x === null) return {};
  if (typeof x !== 'object' || Array.isArray(x) || Buffer.isBuffer(x)) {
    throw new AudioInputError(
      `msg.format is ${describeValue(x)}; expected an object with any of ${FIELDS.join(', ')}, e.g. {"sampleRate": 16000}`,
    );
  }
  const record = x as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new AudioInputError(`msg.format has unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; accepted: ${FIELDS.join(', ')}`);
  }
  const out: Partial<AudioFormat> = {};
  if (record.encoding !== undefined) out.encoding = checkEncoding(record.encoding, 'msg.format');
  if (record.sampleRate !== undefined) out.sampleRate = checkSampleRate(record.sampleRate, 'msg.format');
  if (record.channels !== undefined) out.channels = checkChannels(record.channels, 'msg.format');
  if (record.sampleFormat !== undefined) out.sampleFormat = checkSampleFormat(record.sampleFormat, 'msg.format');
  return out;
}

/** Checks the node's defaults (they may come from an old flow with strings for numbers). */
export function validateFormat(x: AudioFormat, where = 'format'): AudioFormat {
  return {
    encoding: checkEncoding(x.encoding, where),
    sampleRate: checkSampleRate(x.sampleRate, where),
    channels: checkChannels(x.channels, where),
    sampleFormat: checkSampleFormat(x.sampleFormat, where),
  };
}
