/**
 * RIFF/WAVE header parsing. Real sources add chunks (LIST, Snips `time`, `rpid`…) before `data`, so the
 * chunk list is walked; nothing assumes a 44-byte header.
 */
import { AudioInputError } from './types';

/** Sample encodings a WAV `fmt ` chunk can declare that this package reads. */
export type WavSampleFormat = 'u8' | 's16le' | 's24le' | 's32le' | 'f32le' | 'ulaw' | 'alaw';

export interface WavFormat {
  sampleRate: number;
  channels: number;
  sampleFormat: WavSampleFormat;
  /** Bytes per sample of one channel. */
  width: number;
}

export type WavHeader =
  | { complete: false }
  | {
      complete: true;
      format: WavFormat;
      /** Offset of the first audio byte in the buffer. */
      dataOffset: number;
      /** Audio bytes declared in the `data` chunk; undefined when the writer streamed (size 0 or 0xFFFFFFFF). */
      dataBytes: number | undefined;
      /** Bytes of the file after the data chunk (trailing chunks), when the RIFF size makes that known. */
      trailingBytes: number;
    };

const TAG_PCM = 1;
const TAG_FLOAT = 3;
const TAG_ALAW = 6;
const TAG_MULAW = 7;
const TAG_EXTENSIBLE = 0xfffe;
/** Writers that stream a WAV of unknown length put one of these in the size fields. */
const STREAMING_SIZES = new Set([0, 0xffffffff, 0x7fffffff]);
/** A header bigger than this is not a header we want to wait for. */
export const MAX_HEADER_BYTES = 1 << 20;

export function looksLikeWav(bytes: Buffer, offset = 0): boolean {
  return (
    bytes.length - offset >= 12 &&
    bytes.toString('latin1', offset, offset + 4) === 'RIFF' &&
    bytes.toString('latin1', offset + 8, offset + 12) === 'WAVE'
  );
}

function sampleFormatOf(tag: number, width: number, bits: number): WavSampleFormat {
  if (tag === TAG_PCM) {
    if (width === 1) return 'u8';
    if (width === 2) return 's16le';
    if (width === 3) return 's24le';
    if (width === 4) return 's32le';
  } else if (tag === TAG_FLOAT && width === 4) {
    return 'f32le';
  } else if (tag === TAG_MULAW && width === 1) {
    return 'ulaw';
  } else if (tag === TAG_ALAW && width === 1) {
    return 'alaw';
  }
  throw new AudioInputError(
    `WAV format tag ${tag} with ${bits}-bit samples is not supported; accepted: PCM 8/16/24/32-bit (tag 1), ` +
      'float 32-bit (tag 3), μ-law (7), A-law (6), or the same inside WAVE_FORMAT_EXTENSIBLE',
  );
}

function parseFmt(bytes: Buffer, at: number, size: number): WavFormat {
  if (size < 16) throw new AudioInputError(`WAV fmt chunk is ${size} bytes; a valid one has at least 16`);
  let tag = bytes.readUInt16LE(at);
  const channels = bytes.readUInt16LE(at + 2);
  const sampleRate = bytes.readUInt32LE(at + 4);
  const blockAlign = bytes.readUInt16LE(at + 12);
  const bits = bytes.readUInt16LE(at + 14);
  if (tag === TAG_EXTENSIBLE) {
    if (size < 40) throw new AudioInputError('WAV fmt chunk says WAVE_FORMAT_EXTENSIBLE but is shorter than 40 bytes');
    // The first two bytes of the SubFormat GUID are the real format tag.
    tag = bytes.readUInt16LE(at + 24);
  }
  if (channels < 1 || sampleRate < 1) {
    throw new AudioInputError(`WAV header declares ${channels} channels at ${sampleRate} Hz; both must be positive`);
  }
  // The container width decides the byte layout; bits may be smaller (e.g. 20 valid bits in 24).
  const width = blockAlign > 0 && blockAlign % channels === 0 ? blockAlign / channels : Math.ceil(bits / 8);
  return { sampleRate, channels, sampleFormat: sampleFormatOf(tag, width, bits), width };
}

/**
 * Parses the header of a WAV file starting at `offset`. Returns `{complete: false}` when the buffer ends
 * before the `data` chunk starts (the caller keeps the bytes and tries again with more).
 */
export function parseWavHeader(bytes: Buffer, offset = 0): WavHeader {
  if (bytes.length - offset < 12) return { complete: false };
  const riffSize = bytes.readUInt32LE(offset + 4);
  const riffEnd = STREAMING_SIZES.has(riffSize) ? undefined : offset + 8 + riffSize;
  let format: WavFormat | undefined;
  let at = offset + 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'data') {
      if (!format) throw new AudioInputError('WAV data chunk comes before any fmt chunk; the header is broken');
      const dataBytes = STREAMING_SIZES.has(size) ? undefined : size;
      const dataEnd = dataBytes === undefined ? undefined : body + dataBytes + (dataBytes & 1);
      const trailingBytes = riffEnd !== undefined && dataEnd !== undefined && riffEnd > dataEnd ? riffEnd - dataEnd : 0;
      return { complete: true, format, dataOffset: body, dataBytes, trailingBytes };
    }
    if (id === 'fmt ') {
      if (body + size > bytes.length) return { complete: false };
      format = parseFmt(bytes, body, size);
    }
    // Chunks are padded to an even size.
    at = body + size + (size & 1);
  }
  return { complete: false };
}
