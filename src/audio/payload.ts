/**
 * Turns an untyped `msg.payload` into bytes. Typed sample arrays also fix the sample format, because
 * their element type says how the bytes are to be read.
 */
import { AudioInputError, type SampleFormat } from './types';

export interface PayloadBytes {
  bytes: Buffer;
  /** Set for Int16Array / Float32Array payloads: raw PCM in this sample format, whatever the config. */
  sampleFormat?: SampleFormat;
}

export const ACCEPTED_PAYLOADS =
  'Buffer, Uint8Array, Int16Array (samples), Float32Array (samples, -1..1), ArrayBuffer, base64 string; ' +
  'holding raw PCM, WAV, Ogg Opus, μ-law or A-law';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]*={0,2}$/;
const DATA_URL = /^data:[\w.+/-]*(;[\w=.+-]+)*;base64,/i;

function refuse(what: string): never {
  throw new AudioInputError(`msg.payload is ${what}; accepted: ${ACCEPTED_PAYLOADS}`);
}

/** Strict base64 (standard or URL-safe, optional `data:` prefix, line breaks allowed), else undefined. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  let body = text.trim();
  const prefix = DATA_URL.exec(body);
  if (prefix) body = body.slice(prefix[0].length);
  body = body.replace(/\r?\n/g, '');
  if (body.length === 0 || body.length % 4 === 1) return undefined;
  if (body.includes('=') && body.length % 4 !== 0) return undefined;
  if (!BASE64.test(body) && !BASE64_URL.test(body)) return undefined;
  return Buffer.from(body, BASE64.test(body) ? 'base64' : 'base64url');
}

function viewBytes(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** A Buffer after a JSON round trip: `{type: "Buffer", data: [bytes]}`. */
function isSerializedBuffer(x: object): x is { type: 'Buffer'; data: number[] } {
  const r = x as Record<string, unknown>;
  return r.type === 'Buffer' && Array.isArray(r.data) && r.data.every((b) => Number.isInteger(b) && b >= 0 && b < 256);
}

function checkNotEmpty(result: PayloadBytes, what: string): PayloadBytes {
  if (result.bytes.length === 0) refuse(`an empty ${what}`);
  return result;
}

export function payloadToBytes(payload: unknown): PayloadBytes {
  if (Buffer.isBuffer(payload)) return checkNotEmpty({ bytes: payload }, 'Buffer');
  if (payload instanceof Int16Array) return checkNotEmpty({ bytes: viewBytes(payload), sampleFormat: 's16le' }, 'Int16Array');
  if (payload instanceof Float32Array) return checkNotEmpty({ bytes: viewBytes(payload), sampleFormat: 'f32le' }, 'Float32Array');
  if (payload instanceof Uint8Array) return checkNotEmpty({ bytes: viewBytes(payload) }, 'Uint8Array');
  if (payload instanceof ArrayBuffer) return checkNotEmpty({ bytes: Buffer.from(payload) }, 'ArrayBuffer');
  if (typeof payload === 'string') {
    if (payload.trim().length === 0) refuse('an empty string');
    const bytes = decodeStrictBase64(payload);
    if (bytes === undefined) {
      throw new AudioInputError(
        `msg.payload is a string of ${payload.length} characters that is not base64; it looks like binary audio ` +
          'decoded as text (e.g. an MQTT in node set to output "a String"): set that node to output "a Buffer". ' +
          `Accepted: ${ACCEPTED_PAYLOADS}`,
      );
    }
    return checkNotEmpty({ bytes }, 'base64 string');
  }
  if (ArrayBuffer.isView(payload)) refuse(`a ${payload.constructor.name}`);
  if (Array.isArray(payload)) {
    refuse(`an array of ${payload.length} items (bytes or samples? convert it in a Function node, e.g. Buffer.from(...))`);
  }
  if (payload === null) refuse('null');
  if (payload === undefined) refuse('undefined (no payload)');
  if (typeof payload === 'object') {
    if (isSerializedBuffer(payload)) return checkNotEmpty({ bytes: Buffer.from(payload.data) }, 'serialized Buffer');
    const keys = Object.keys(payload).slice(0, 5);
    refuse(`an object${keys.length ? ` with keys ${keys.join(', ')}` : ''}`);
  }
  refuse(`a ${typeof payload}${typeof payload === 'number' || typeof payload === 'boolean' ? ` (${String(payload)})` : ''}`);
}
