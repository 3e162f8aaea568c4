/**
 * One message of a phone provider's media stream, as it leaves a `websocket in` node (a JSON string, or the
 * parsed object), read into one shape whatever the dialect: Twilio (and SignalWire) camelCase with
 * `streamSid`, Telnyx snake_case with `stream_id`, Plivo `streamId`, Exotel `stream_sid`. Each dialect's
 * field names are distinct, so no setting is needed to read them. Anything else is a MediaEventError that
 * names what came.
 */
import { decodeStrictBase64 } from '../audio/payload';
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';

export class MediaEventError extends CodedError {
  override readonly name = 'MediaEventError';
  constructor(message: string) {
    super('BAD_MEDIA_EVENT', message);
  }
}

/** How the caller's audio is encoded, in the terms of the audio layer's `msg.format`. */
export interface CallAudioFormat {
  encoding: 'ulaw' | 'alaw' | 'pcm';
  sampleRate: number;
  channels: number;
}

/** Twilio's only format, and the default of Telnyx, SignalWire and Plivo's μ-law content type. */
export const PHONE_ULAW: CallAudioFormat = Object.freeze({ encoding: 'ulaw', sampleRate: 8000, channels: 1 }) as CallAudioFormat;

interface Common {
  /** The provider's stream id (Twilio `streamSid`); undefined when the message carries none. */
  streamId: string | undefined;
  /** `sequenceNumber` / `sequence_number`, when it is a whole number. */
  sequence: number | undefined;
}

export type InboundEvent =
  | { kind: 'connected' }
  | (Common & {
      kind: 'start';
      format: CallAudioFormat;
      /** Twilio `callSid`, Telnyx `call_control_id`, Plivo `callId`, Exotel `call_sid`. */
      callId: string | undefined;
      customParameters: Record<string, unknown> | undefined;
    })
  | (Common & { kind: 'media'; outbound: boolean; audio: Buffer })
  | (Common & { kind: 'dtmf'; digit: string })
  /** Twilio/Telnyx/Exotel `mark` and Plivo `playedStream`: audio sent before it has played (or was cleared). */
  | (Common & { kind: 'mark'; name: string })
  /** Plivo `clearedAudio`: the answer to a clear. */
  | (Common & { kind: 'cleared' })
  /** Telnyx `error`: reported, not fatal to the stream. */
  | (Common & { kind: 'error'; message: string })
  | (Common & { kind: 'stop' });

export type InboundEventKind = InboundEvent['kind'];

const EVENT_NAMES: Record<string, InboundEventKind> = {
  connected: 'connected',
  start: 'start',
  media: 'media',
  dtmf: 'dtmf',
  mark: 'mark',
  playedStream: 'mark',
  clearedAudio: 'cleared',
  error: 'error',
  stop: 'stop',
};
const ACCEPTED_EVENTS = 'connected, start, media, dtmf, mark, stop (Plivo also playedStream, clearedAudio; Telnyx error)';

/** A payload that is meant to be a media-stream event: an object with `event`, or a string holding a JSON object. */
export function looksLikeMediaEvent(payload: unknown): boolean {
  if (typeof payload === 'string') {
    for (let i = 0; i < payload.length; i++) {
      const c = payload.charCodeAt(i);
      if (c === 0x7b) return true; // {
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
    }
    return false;
  }
  return isRecord(payload) && typeof payload.event === 'string';
}

/** The event name at the start of a JSON string (providers put `event` first), without parsing the rest. */
const LEADING_EVENT = /^\s*\{\s*"event"\s*:\s*"([A-Za-z_:]{1,40})"/;
export function leadingEventName(payload: unknown): string | undefined {
  if (typeof payload === 'string') return LEADING_EVENT.exec(payload)?.[1];
  return isRecord(payload) && typeof payload.event === 'string' ? payload.event : undefined;
}

export function parseInboundEvent(payload: unknown): InboundEvent {
  const ev = toRecord(payload);
  const name = ev.event;
  if (typeof name !== 'string') throw new MediaEventError(`a media-stream event has no "event" field (got ${describeValue(name)}); expected one of ${ACCEPTED_EVENTS}.`);
  const kind = Object.prototype.hasOwnProperty.call(EVENT_NAMES, name) ? EVENT_NAMES[name] : undefined;
  if (!kind) throw new MediaEventError(`unknown media-stream event "${name.slice(0, 40)}"; expected one of ${ACCEPTED_EVENTS}.`);
  if (kind === 'connected') return { kind };
  const start = isRecord(ev.start) ? ev.start : undefined;
  const common: Common = { streamId: streamIdOf(ev) ?? (start && streamIdOf(start)), sequence: sequenceOf(ev) };
  switch (kind) {
    case 'start':
      return {
        ...common,
        kind,
        format: formatOf(start, common.streamId),
        callId: firstString(start, ['callSid', 'call_control_id', 'callId', 'call_sid']),
        customParameters: customParametersOf(start),
      };
    case 'media':
      return { ...common, kind, ...mediaOf(ev, common.streamId) };
    case 'dtmf': {
      const dtmf = isRecord(ev.dtmf) ? ev.dtmf : ev;
      const digit = dtmf.digit;
      if (typeof digit !== 'string' || !/^[0-9A-D*#]$/i.test(digit)) {
        throw new MediaEventError(`a dtmf event of ${streamName(common.streamId)} has digit ${describeValue(digit)}; expected one of 0-9, *, #, A-D.`);
      }
      return { ...common, kind, digit: digit.toUpperCase() };
    }
    case 'mark': {
      const mark = isRecord(ev.mark) ? ev.mark : ev;
      return { ...common, kind, name: typeof mark.name === 'string' ? mark.name : '' };
    }
    case 'error': {
      const payload = isRecord(ev.payload) ? ev.payload : ev;
      const detail = firstString(payload, ['detail', 'title', 'message']);
      return { ...common, kind, message: detail ?? 'the provider reported an error' };
    }
    default:
      return { ...common, kind };
  }
}

export function streamName(streamId: string | undefined): string {
  return streamId === undefined ? 'a stream without id' : `stream "${streamId.slice(0, 80)}"`;
}

function mediaOf(ev: Record<string, unknown>, streamId: string | undefined): { outbound: boolean; audio: Buffer } {
  const media = ev.media;
  if (!isRecord(media)) throw new MediaEventError(`a media event of ${streamName(streamId)} has no "media" object (got ${describeValue(media)}).`);
  const track = media.track;
  // <Start><Stream track="both_tracks"> forks the bot's own audio too: only the caller is transcribed.
  if (track === 'outbound' || track === 'outbound_track') return { outbound: true, audio: EMPTY };
  const payload = media.payload;
  if (typeof payload !== 'string' || payload.length === 0) {
    throw new MediaEventError(`a media event of ${streamName(streamId)} has media.payload ${describeValue(payload)}; expected base64 audio.`);
  }
  const audio = decodeStrictBase64(payload);
  if (!audio || audio.length === 0) {
    throw new MediaEventError(`the media.payload of ${streamName(streamId)} is not base64 (${payload.length} characters starting ${describeValue(payload.slice(0, 12))}).`);
  }
  return { outbound: false, audio };
}

const EMPTY = Buffer.alloc(0);

/**
 * The caller's audio format from `start`: Twilio `mediaFormat` (always μ-law 8 kHz), Telnyx `media_format`
 * (`PCMU`/`PCMA`), Plivo `mediaFormat` (`audio/x-mulaw`), Exotel `media_format` (`audio/x-raw`: 16-bit
 * little-endian PCM). L16 is refused: its byte order is not documented by the providers that send it.
 */
function formatOf(start: Record<string, unknown> | undefined, streamId: string | undefined): CallAudioFormat {
  const mf = start && (isRecord(start.mediaFormat) ? start.mediaFormat : isRecord(start.media_format) ? start.media_format : undefined);
  if (!mf) return PHONE_ULAW;
  const encoding = typeof mf.encoding === 'string' ? mf.encoding.trim().toLowerCase() : '';
  const rate = numberOf(mf.sampleRate ?? mf.sample_rate) ?? 8000;
  const channels = numberOf(mf.channels) ?? 1;
  if (channels !== 1) throw new MediaEventError(`the start event of ${streamName(streamId)} announces ${channels} channels; phone streams are mono.`);
  if (/^(audio\/)?(x-)?(mulaw|ulaw|pcmu)(;.*)?$/.test(encoding)) return { encoding: 'ulaw', sampleRate: rate, channels: 1 };
  if (/^(audio\/)?(x-)?(alaw|pcma)(;.*)?$/.test(encoding)) return { encoding: 'alaw', sampleRate: rate, channels: 1 };
  if (encoding === 'audio/x-raw' && (numberOf(mf.bit_rate ?? mf.bitRate) ?? 16) === 16) return { encoding: 'pcm', sampleRate: rate, channels: 1 };
  throw new MediaEventError(
    `the start event of ${streamName(streamId)} announces audio ${describeValue(mf.encoding)}; accepted: μ-law (audio/x-mulaw, PCMU), ` +
      'A-law (PCMA) or Exotel audio/x-raw (16-bit). Set the provider\'s stream to μ-law 8000 Hz (Plivo contentType "audio/x-mulaw;rate=8000").',
  );
}

function customParametersOf(start: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const p = start?.customParameters ?? start?.custom_parameters;
  return isRecord(p) ? p : undefined;
}

function streamIdOf(r: Record<string, unknown>): string | undefined {
  return firstString(r, ['streamSid', 'stream_id', 'streamId', 'stream_sid']);
}

function firstString(r: Record<string, unknown> | undefined, names: readonly string[]): string | undefined {
  if (!r) return undefined;
  for (const n of names) {
    const v = r[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function sequenceOf(ev: Record<string, unknown>): number | undefined {
  const n = numberOf(ev.sequenceNumber ?? ev.sequence_number);
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function toRecord(payload: unknown): Record<string, unknown> {
  if (isRecord(payload)) return payload;
  if (typeof payload !== 'string') throw new MediaEventError(`msg.payload is ${describeValue(payload)}; expected a media-stream event (a JSON string or an object with "event").`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw new MediaEventError(`msg.payload is not JSON: ${describeValue(payload)}; expected a media-stream event such as {"event":"media",…}.`);
  }
  if (!isRecord(parsed)) throw new MediaEventError(`msg.payload is JSON but not an object: ${describeValue(payload)}; expected a media-stream event.`);
  return parsed;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}
