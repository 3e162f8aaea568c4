/**
 * gradium-stt's ffmpeg side in Node-RED terms: the node's ffmpeg settings for the stream layer, and
 * `msg.source` (a URL the node reads itself) checked against the node's `sourceSchemes`.
 */
import { SettingsError } from '../settings/spec';
import type { SttValues } from '../settings/stt-spec';
import { parseSchemes, parseSourceUrl, schemesTextIsValid, KNOWN_SCHEMES, type SourceScheme, type SourceUrl } from '../sources/source-url';
import type { FfmpegOptions } from '../streams/ffmpeg-input';
import { InputError } from './stt-input';

/** The node's ffmpeg options; throws SettingsError for a sourceSchemes naming an unknown scheme. */
export function ffmpegOptionsOf(p: SttValues): FfmpegOptions & { schemes: SourceScheme[] } {
  if (!schemesTextIsValid(p.sourceSchemes)) {
    throw new SettingsError(`sourceSchemes: got "${p.sourceSchemes}"; expected a comma-separated list of ${KNOWN_SCHEMES.join(', ')}.`);
  }
  return { ffmpegPath: p.ffmpegPath, maxDecoders: p.maxDecoders, schemes: parseSchemes(p.sourceSchemes) };
}

/** `msg.source` with `msg.action: "start"`, or undefined when the message has none. */
export function sourceOf(msg: Record<string, unknown>, action: string | undefined, schemes: readonly SourceScheme[]): SourceUrl | undefined {
  const raw = msg.source;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (action !== 'start') {
    throw new InputError(`msg.source goes with msg.action "start" (got ${action ? `"${action}"` : 'no msg.action'}); "stop" ends the reading.`);
  }
  return parseSourceUrl(raw, schemes);
}
