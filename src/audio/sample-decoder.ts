/**
 * Interleaved samples of any accepted encoding → 16-bit mono. This is the hot path: one loop per
 * encoding, reads through a DataView (no alignment requirement), no allocation per sample.
 */
import { ALAW_TO_LINEAR, MULAW_TO_LINEAR } from './g711';
import type { WavSampleFormat } from './wav-header';

/** Every encoding a sample can arrive in (raw PCM formats plus G.711). */
export type SourceSampleFormat = WavSampleFormat | 's16be';

export function bytesPerSample(format: SourceSampleFormat): number {
  switch (format) {
    case 'u8':
    case 'ulaw':
    case 'alaw':
      return 1;
    case 's16le':
    case 's16be':
      return 2;
    case 's24le':
      return 3;
    case 's32le':
    case 'f32le':
      return 4;
  }
}

function clamp16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/**
 * Decodes `frames` interleaved frames of `channels` samples from `bytes[start…]` into `out[outAt…]`,
 * averaging the channels. Integer formats are scaled like a shift (s24 → s16 drops the low byte, rounding down), float by
 * 32768 with clipping, so a value that came from s16 comes back exactly.
 */
export function decodeToMono(
  bytes: Buffer,
  start: number,
  frames: number,
  format: SourceSampleFormat,
  channels: number,
  out: Int16Array,
  outAt: number,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = bytesPerSample(format);
  const stride = width * channels;
  let p = start;
  const end = outAt + frames;
  if (channels === 1) {
    switch (format) {
      case 's16le':
        for (let i = outAt; i < end; i++, p += 2) out[i] = view.getInt16(p, true);
        return;
      case 's16be':
        for (let i = outAt; i < end; i++, p += 2) out[i] = view.getInt16(p, false);
        return;
      case 's24le':
        for (let i = outAt; i < end; i++, p += 3) out[i] = view.getInt16(p + 1, true);
        return;
      case 's32le':
        for (let i = outAt; i < end; i++, p += 4) out[i] = view.getInt16(p + 2, true);
        return;
      case 'f32le':
        for (let i = outAt; i < end; i++, p += 4) out[i] = clamp16(Math.round(view.getFloat32(p, true) * 32768));
        return;
      case 'u8':
        for (let i = outAt; i < end; i++, p++) out[i] = (bytes[p]! - 128) << 8;
        return;
      case 'ulaw':
        for (let i = outAt; i < end; i++, p++) out[i] = MULAW_TO_LINEAR[bytes[p]!]!;
        return;
      case 'alaw':
        for (let i = outAt; i < end; i++, p++) out[i] = ALAW_TO_LINEAR[bytes[p]!]!;
        return;
    }
  }
  // Multichannel: sum the channels at full precision, then scale once.
  const inv = 1 / channels;
  switch (format) {
    case 's16le':
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q += 2) sum += view.getInt16(q, true);
        out[i] = Math.round(sum * inv);
      }
      return;
    case 's16be':
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q += 2) sum += view.getInt16(q, false);
        out[i] = Math.round(sum * inv);
      }
      return;
    case 's24le':
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q += 3) sum += (view.getInt16(q + 1, true) << 8) | bytes[q]!;
        out[i] = Math.floor((sum * inv) / 256);
      }
      return;
    case 's32le':
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q += 4) sum += view.getInt32(q, true);
        out[i] = Math.floor((sum * inv) / 65536);
      }
      return;
    case 'f32le':
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q += 4) sum += view.getFloat32(q, true);
        out[i] = clamp16(Math.round(sum * inv * 32768));
      }
      return;
    case 'u8':
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q++) sum += bytes[q]! - 128;
        out[i] = clamp16(Math.round(sum * inv * 256));
      }
      return;
    case 'ulaw':
    case 'alaw': {
      const table = format === 'ulaw' ? MULAW_TO_LINEAR : ALAW_TO_LINEAR;
      for (let i = outAt; i < end; i++, p += stride) {
        let sum = 0;
        for (let c = 0, q = p; c < channels; c++, q++) sum += table[bytes[q]!]!;
        out[i] = Math.round(sum * inv);
      }
      return;
    }
  }
}
