/**
 * WAV files for synthesised speech: 16-bit PCM with a canonical 44-byte header whose RIFF and data sizes
 * are the real ones, because the players downstream (Rhasspy's `aplay -t wav`, a browser's <audio>, the
 * Dashboard) read the length from the header. Gradium's own `wav` output streams a header before the
 * length is known, so the TTS node asks for raw PCM and writes the file here.
 */

export const WAV_HEADER_BYTES = 44;
/** The RIFF size field is 32 bits: the data may not pass 4 GiB minus the header. */
export const MAX_WAV_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

export interface WavSpec {
  sampleRate: number;
  channels: number;
  bitsPerSample: 16;
}

export function wavHeader(dataBytes: number, spec: WavSpec): Buffer {
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > MAX_WAV_DATA_BYTES) {
    throw new RangeError(`a WAV file cannot hold ${dataBytes} bytes of audio`);
  }
  const blockAlign = spec.channels * (spec.bitsPerSample / 8);
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // integer PCM
  h.writeUInt16LE(spec.channels, 22);
  h.writeUInt32LE(spec.sampleRate, 24);
  h.writeUInt32LE(spec.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(spec.bitsPerSample, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * One complete file from PCM chunks, copied once into a buffer of the final size. An odd trailing byte (half a
 * sample) is not audio and is left out, so the data size is always whole sample frames.
 */
export function wavFile(chunks: readonly Buffer[], spec: WavSpec): Buffer {
  const blockAlign = spec.channels * (spec.bitsPerSample / 8);
  let total = 0;
  for (const c of chunks) total += c.length;
  const dataBytes = total - (total % blockAlign);
  const out = Buffer.allocUnsafe(WAV_HEADER_BYTES + dataBytes);
  wavHeader(dataBytes, spec).copy(out, 0);
  let at = WAV_HEADER_BYTES;
  for (const c of chunks) {
    const n = Math.min(c.length, WAV_HEADER_BYTES + dataBytes - at);
    if (n <= 0) break;
    c.copy(out, at, 0, n);
    at += n;
  }
  return out;
}
