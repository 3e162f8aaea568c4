/** A raw TTS WebSocket client for the emulator tests: send the protocol's messages, collect the answers. */
import { WebSocket } from 'ws';
import type { TtsServerMessage } from '../../src/gradium/tts-protocol';

export interface Closed {
  code: number;
  reason: string;
}

export class TtsTestClient {
  readonly messages: TtsServerMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  readonly ws: WebSocket;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(url: string, headers: Record<string, string> = { 'x-api-key': 'test-key' }) {
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.poke();
      });
    });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as TtsServerMessage);
      this.poke();
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  setup(extra: Record<string, unknown> = {}): void {
    this.send({ type: 'setup', model_name: 'default', voice_id: 'YTpq7expH9539ERJ', output_format: 'pcm_16000', ...extra });
  }

  /** setup, the texts, end_of_stream; resolves at the close. */
  async speak(texts: string[], extra: Record<string, unknown> = {}): Promise<Closed> {
    await this.opened;
    this.setup(extra);
    for (const text of texts) this.send({ type: 'text', text });
    this.send({ type: 'end_of_stream' });
    return this.closed;
  }

  of<T extends TtsServerMessage['type']>(type: T): Extract<TtsServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<TtsServerMessage, { type: T }> => m.type === type);
  }

  /** Every audio payload, decoded and joined. */
  audio(): Buffer {
    return Buffer.concat(this.of('audio').map((m) => Buffer.from(m.audio, 'base64')));
  }

  waitFor(what: string, check: () => boolean, ms = 10000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private poke(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** Ogg pages of a byte stream: header fields and packet sizes, the way a demuxer reads them. */
export interface OggPage {
  flags: number;
  granule: number;
  serial: number;
  sequence: number;
  packets: Buffer[];
  crcOk: boolean;
}

export function oggPages(bytes: Buffer): OggPage[] {
  const pages: OggPage[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.toString('latin1', at, at + 4) !== 'OggS') throw new Error(`no OggS at byte ${at}`);
    const segments = bytes[at + 26]!;
    const lacing = [...bytes.subarray(at + 27, at + 27 + segments)];
    const bodyStart = at + 27 + segments;
    const bodyLength = lacing.reduce((a, b) => a + b, 0);
    const packets: Buffer[] = [];
    let p = bodyStart;
    let size = 0;
    for (const l of lacing) {
      size += l;
      if (l < 255) {
        packets.push(bytes.subarray(p, p + size));
        p += size;
        size = 0;
      }
    }
    const page = Buffer.from(bytes.subarray(at, bodyStart + bodyLength));
    const crc = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    pages.push({
      flags: bytes[at + 5]!,
      granule: bytes.readUInt32LE(at + 6) + bytes.readUInt32LE(at + 10) * 0x100000000,
      serial: bytes.readUInt32LE(at + 14),
      sequence: bytes.readUInt32LE(at + 18),
      packets,
      crcOk: crc === oggCrc(page),
    });
    at = bodyStart + bodyLength;
  }
  return pages;
}

/** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection), written out here to check the emulator's. */
function oggCrc(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  }
  return crc >>> 0;
}

/** A parsed WAV file: the fmt fields and the sizes its header declares. */
export interface ParsedWav {
  riffSize: number;
  audioFormat: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  dataOffset: number;
  dataSize: number;
}

/** Walks the RIFF chunks the way a strict player does. */
export function parseWav(file: Buffer): ParsedWav {
  if (file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not RIFF/WAVE');
  let at = 12;
  let fmt: Omit<ParsedWav, 'riffSize' | 'dataOffset' | 'dataSize'> | undefined;
  while (at + 8 <= file.length) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = {
        audioFormat: file.readUInt16LE(at + 8),
        channels: file.readUInt16LE(at + 10),
        sampleRate: file.readUInt32LE(at + 12),
        byteRate: file.readUInt32LE(at + 16),
        blockAlign: file.readUInt16LE(at + 20),
        bitsPerSample: file.readUInt16LE(at + 22),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      return { riffSize: file.readUInt32LE(4), ...fmt, dataOffset: at + 8, dataSize: size };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}
