/**
 * A minimal Ogg Opus writer (RFC 3533 pages, RFC 7845 headers) for the emulator's `opus` output: real
 * pages with CRCs, an OpusHead and OpusTags, and audio packets that are Opus silence frames (20 ms of
 * CELT, the 3-byte packet decoders play as silence). Players accept the stream; tests count its samples
 * by the granule positions. No encoder: the emulator's speech is deterministic, not meant to be heard.
 */

/** Samples per packet at 48 kHz: every packet is a 20 ms frame. */
export const OPUS_PACKET_SAMPLES = 960;
/** TOC 0xF8 (CELT fullband 20 ms, mono, one frame) and a frame that decodes to silence. */
const SILENCE_PACKET = Buffer.from([0xf8, 0xff, 0xfe]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggCrc(page: Buffer): number {
  let crc = 0;
  for (let i = 0; i < page.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ page[i]!) & 0xff]!) >>> 0;
  return crc >>> 0;
}

export class OggOpusWriter {
  private sequence = 0;
  private granule = 0;
  private started = false;

  constructor(private readonly serial: number) {}

  /** 48 kHz samples written so far (the last granule position). */
  get samples(): number {
    return this.granule;
  }

  /**
   * The bytes for `samples` more samples of audio (rounded up to whole 20 ms packets), preceded by the two
   * header pages the first time. `last` marks the end of the stream.
   */
  write(samples: number, last: boolean): Buffer {
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.page([opusHead()], 0, 0x02), this.page([opusTags()], 0, 0));
    }
    const packets = Math.ceil(samples / OPUS_PACKET_SAMPLES);
    if (packets > 0 || last) {
      this.granule += packets * OPUS_PACKET_SAMPLES;
      out.push(this.page(Array.from({ length: packets }, () => SILENCE_PACKET), this.granule, last ? 0x04 : 0));
    }
    return Buffer.concat(out);
  }

  private page(packets: Buffer[], granule: number, flags: number): Buffer {
    const lacing: number[] = [];
    for (const p of packets) {
      let n = p.length;
      while (n >= 255) {
        lacing.push(255);
        n -= 255;
      }
      lacing.push(n);
    }
    const header = Buffer.alloc(27 + lacing.length);
    header.write('OggS', 0, 'latin1');
    header[4] = 0;
    header[5] = flags;
    header.writeUInt32LE(granule % 0x100000000, 6);
    header.writeUInt32LE(Math.floor(granule / 0x100000000), 10);
    header.writeUInt32LE(this.serial >>> 0, 14);
    header.writeUInt32LE(this.sequence++, 18);
    header.writeUInt32LE(0, 22);
    header[26] = lacing.length;
    lacing.forEach((v, i) => (header[27 + i] = v));
    const page = Buffer.concat([header, ...packets]);
    page.writeUInt32LE(oggCrc(page), 22);
    return page;
  }
}

function opusHead(): Buffer {
  const b = Buffer.alloc(19);
  b.write('OpusHead', 0, 'latin1');
  b[8] = 1; // version
  b[9] = 1; // channels
  b.writeUInt16LE(0, 10); // pre-skip: none, so the granule is the sample count
  b.writeUInt32LE(48000, 12); // input rate, informational
  b.writeInt16LE(0, 16); // output gain
  b[18] = 0; // mapping family
  return b;
}

function opusTags(): Buffer {
  const vendor = Buffer.from('gradium-emulator', 'utf8');
  const b = Buffer.alloc(8 + 4 + vendor.length + 4);
  b.write('OpusTags', 0, 'latin1');
  b.writeUInt32LE(vendor.length, 8);
  vendor.copy(b, 12);
  b.writeUInt32LE(0, 12 + vendor.length);
  return b;
}
