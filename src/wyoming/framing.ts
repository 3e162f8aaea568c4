/**
 * Wyoming's wire format: a JSON header line, then optionally `data_length` bytes of JSON merged over the header's
 * `data`, then `payload_length` bytes of payload (docs: ../shared/reference/wyoming.md §2). The reader takes
 * bytes as they come (split anywhere, many events per write) and bounds everything it buffers: a header line
 * over 64 KiB (what Python clients accept anyway), a length that is not a whole number or over 1 MiB, or a data
 * block that is not a JSON object is a FramingError, and the caller closes the connection.
 */

/** asyncio's readline() limit: a longer header breaks every Python client, so none is accepted either. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Home Assistant sends 320 B – 2 KB of audio per chunk; 1 MiB is far above any real event. */
export const MAX_BLOCK_BYTES = 1024 * 1024;

export interface WyomingEvent {
  type: string;
  data: Record<string, unknown>;
  payload: Buffer | null;
}

export class FramingError extends Error {
  override readonly name = 'FramingError';
}

interface Pending {
  type: string;
  data: Record<string, unknown>;
  dataLength: number;
  payloadLength: number;
}

const NEWLINE = 0x0a;

export class EventReader {
  /** Bytes received and not yet consumed; at most one header line or one block (bounded above). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: Pending | null = null;
  private failed = false;

  /** Feed bytes; returns every event they complete. Throws FramingError; after one, the reader stays failed. */
  push(bytes: Buffer): WyomingEvent[] {
    if (this.failed) return [];
    if (bytes.length > 0) {
      this.chunks.push(bytes);
      this.buffered += bytes.length;
    }
    const out: WyomingEvent[] = [];
    try {
      for (;;) {
        const event = this.pending ? this.readBlocks(this.pending) : this.readHeader();
        if (event === 'more') break;
        if (event) out.push(event);
      }
    } catch (err) {
      this.failed = true;
      this.chunks = [];
      this.buffered = 0;
      throw err;
    }
    return out;
  }

  /** Bytes held (for tests of the bound). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private readHeader(): WyomingEvent | null | 'more' {
    const at = this.indexOfNewline();
    if (at < 0) {
      if (this.buffered > MAX_HEADER_BYTES) throw new FramingError(`header line longer than ${MAX_HEADER_BYTES} bytes`);
      return 'more';
    }
    if (at > MAX_HEADER_BYTES) throw new FramingError(`header line longer than ${MAX_HEADER_BYTES} bytes`);
    const line = this.take(at + 1).subarray(0, at).toString('utf8').trim();
    if (line === '') return null; // a blank line between events is harmless
    let header: unknown;
    try {
      header = JSON.parse(line);
    } catch {
      throw new FramingError('header line is not JSON');
    }
    if (!isObject(header)) throw new FramingError('header line is not a JSON object');
    if (typeof header.type !== 'string' || header.type === '') throw new FramingError('header has no string "type"');
    const inline = header.data;
    if (inline !== undefined && inline !== null && !isObject(inline)) throw new FramingError('header "data" is not a JSON object');
    const pending: Pending = {
      type: header.type,
      data: isObject(inline) ? { ...inline } : {},
      dataLength: lengthOf(header.data_length, 'data_length'),
      payloadLength: lengthOf(header.payload_length, 'payload_length'),
    };
    if (pending.dataLength === 0 && pending.payloadLength === 0) return { type: pending.type, data: pending.data, payload: null };
    this.pending = pending;
    return null;
  }

  private readBlocks(p: Pending): WyomingEvent | 'more' {
    if (this.buffered < p.dataLength + p.payloadLength) return 'more';
    if (p.dataLength > 0) {
      const block = this.take(p.dataLength);
      let extra: unknown;
      try {
        extra = JSON.parse(block.toString('utf8'));
      } catch {
        throw new FramingError('data block is not JSON');
      }
      if (!isObject(extra)) throw new FramingError('data block is not a JSON object');
      Object.assign(p.data, extra);
    }
    const payload = p.payloadLength > 0 ? Buffer.from(this.take(p.payloadLength)) : null;
    this.pending = null;
    return { type: p.type, data: p.data, payload };
  }

  private indexOfNewline(): number {
    let offset = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(NEWLINE);
      if (i >= 0) return offset + i;
      offset += c.length;
      // Past the bound there is no need to look further: the line is refused either way.
      if (offset > MAX_HEADER_BYTES) return -1;
    }
    return -1;
  }

  /** The first n buffered bytes (n ≤ buffered). */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const part = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, part);
        filled += part;
        if (part === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(part);
      }
    }
    this.buffered -= n;
    return out;
  }
}

function lengthOf(v: unknown, name: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new FramingError(`${name} is not a whole number`);
  if (v > MAX_BLOCK_BYTES) throw new FramingError(`${name} ${v} is over the limit of ${MAX_BLOCK_BYTES} bytes`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One event as bytes. Data always travels as a data block, never inline: a large inline `data` (a voice list)
 * would make the header line too long for Python clients.
 */
export function encodeEvent(type: string, data?: Record<string, unknown>, payload?: Buffer): Buffer {
  const header: Record<string, unknown> = { type, version: WYOMING_VERSION };
  const dataBytes = data && Object.keys(data).length > 0 ? Buffer.from(JSON.stringify(data), 'utf8') : null;
  if (dataBytes) header.data_length = dataBytes.length;
  if (payload && payload.length > 0) header.payload_length = payload.length;
  const head = Buffer.from(JSON.stringify(header) + '\n', 'utf8');
  const parts: Buffer[] = [head];
  if (dataBytes) parts.push(dataBytes);
  if (payload && payload.length > 0) parts.push(payload);
  return parts.length === 1 ? head : Buffer.concat(parts);
}

/** The protocol version written in headers (readers ignore it; the events used here exist since 1.7). */
export const WYOMING_VERSION = '1.10.2';
