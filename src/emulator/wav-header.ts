/**
 * Incremental RIFF/WAVE header reader for the `wav` input format. The header may arrive split across
 * audio messages and may hold any chunks (LIST, fact, ...) before `data`, so it walks the chunks rather
 * than assuming 44 bytes.
 */

export interface WavFormat {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  /** Declared size of the data chunk, or undefined for streaming writers that put 0 or 0xFFFFFFFF. */
  dataBytes: number | undefined;
  /** Header fields that disagree with each other; the stream still plays. */
  warnings: string[];
}

export type WavHeaderResult =
  | { status: 'need-more' }
  | { status: 'error'; reason: string }
  | { status: 'done'; format: WavFormat; audio: Buffer };

/** A header this large is not a header: stop buffering. */
const MAX_HEADER_BYTES = 1 << 20;
const PCM = 1;
const EXTENSIBLE = 0xfffe;
const SUPPORTED_BITS = [8, 16, 24, 32];

export class WavHeaderReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feed the next bytes; once `done`, `audio` is what followed the data chunk header in them. */
  push(chunk: Buffer): WavHeaderResult {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const result = parseHeader(this.pending);
    if (result.status === 'need-more' && this.pending.length > MAX_HEADER_BYTES) {
      return { status: 'error', reason: `no data chunk in the first ${MAX_HEADER_BYTES} bytes of the wav stream` };
    }
    if (result.status !== 'need-more') this.pending = Buffer.alloc(0);
    return result;
  }
}

function parseHeader(b: Buffer): WavHeaderResult {
  if (b.length < 12) {
    return startsLikeRiff(b) ? { status: 'need-more' } : notRiff();
  }
  const riff = b.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || b.toString('latin1', 8, 12) !== 'WAVE') return notRiff();

  let fmt: Omit<WavFormat, 'dataBytes'> | undefined;
  let offset = 12;
  while (offset + 8 <= b.length) {
    const id = b.toString('latin1', offset, offset + 4);
    const size = b.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') {
      if (!fmt) return { status: 'error', reason: 'wav data chunk comes before the fmt chunk' };
      const dataBytes = size === 0 || size >= 0xfffffff0 ? undefined : size;
      return { status: 'done', format: { ...fmt, dataBytes }, audio: b.subarray(body) };
    }
    // Chunk bodies are padded to an even length.
    const next = body + size + (size & 1);
    if (id === 'fmt ') {
      if (body + size > b.length) return { status: 'need-more' };
      const parsed = parseFmt(b.subarray(body, body + size));
      if ('reason' in parsed) return { status: 'error', reason: parsed.reason };
      fmt = parsed;
    }
    offset = next;
  }
  return { status: 'need-more' };
}

function parseFmt(f: Buffer): Omit<WavFormat, 'dataBytes'> | { reason: string } {
  if (f.length < 16) return { reason: `wav fmt chunk is ${f.length} bytes, expected at least 16` };
  let formatTag = f.readUInt16LE(0);
  const channels = f.readUInt16LE(2);
  const sampleRate = f.readUInt32LE(4);
  const byteRate = f.readUInt32LE(8);
  const blockAlign = f.readUInt16LE(12);
  const bitsPerSample = f.readUInt16LE(14);
  if (formatTag === EXTENSIBLE && f.length >= 26) formatTag = f.readUInt16LE(24); // sub-format GUID starts with the tag
  if (formatTag !== PCM) return { reason: `wav format tag ${formatTag} is not integer PCM (1)` };
  if (!SUPPORTED_BITS.includes(bitsPerSample)) return { reason: `wav with ${bitsPerSample} bits per sample is not supported` };
  if (channels === 0 || sampleRate === 0) return { reason: `wav header has ${channels} channels at ${sampleRate} Hz` };
  const expectedAlign = (channels * bitsPerSample) / 8;
  const warnings: string[] = [];
  if (blockAlign !== expectedAlign) warnings.push(`wav block_align ${blockAlign} disagrees with ${channels} ch x ${bitsPerSample} bit`);
  if (byteRate !== sampleRate * expectedAlign) warnings.push(`wav byte_rate ${byteRate} disagrees with ${sampleRate} Hz x ${expectedAlign} bytes`);
  return { channels, sampleRate, bitsPerSample, blockAlign: expectedAlign, warnings };
}

function startsLikeRiff(b: Buffer): boolean {
  const head = b.toString('latin1', 0, Math.min(4, b.length));
  return 'RIFF'.startsWith(head) || 'RF64'.startsWith(head);
}

function notRiff(): WavHeaderResult {
  return { status: 'error', reason: 'wav input must start with a RIFF/WAVE header' };
}

/**
 * The header Gradium's `wav` output starts with when streaming: 16-bit mono at `rate`, with the RIFF and data
 * sizes unknown (0xFFFFFFFF), as streaming writers put them. UNCONFIRMED which value Gradium uses.
 */
export function streamingWavHeader(rate: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(0xffffffff, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(0xffffffff, 40);
  return h;
}
