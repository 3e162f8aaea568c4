/**
 * Estimates how much audio an Ogg Opus byte stream carries without decoding it: it follows the Ogg page
 * headers across chunks and reads their granule positions (48 kHz samples for Opus, RFC 7845).
 * Duration only appears when a page header has been read; if the stream stops looking like Ogg the
 * clock gives up and reports 0 until a chunk starts with a new `OggS` page.
 */
const HEADER_BYTES = 27;
/** Opus granule positions always count 48 kHz samples, whatever the input rate was. */
export const OPUS_GRANULE_RATE = 48000;

export class OggPageClock {
  private header = Buffer.alloc(HEADER_BYTES + 255);
  private headerFilled = 0;
  private bodyLeft = 0;
  private lastGranule: number | undefined;
  private lost = false;

  /** Feeds a chunk; returns the 48 kHz samples completed by the pages whose headers it contained. */
  advance(chunk: Buffer): number {
    if (this.lost && chunk.length >= 4 && chunk.toString('latin1', 0, 4) === 'OggS') {
      this.lost = false;
      this.headerFilled = 0;
      this.bodyLeft = 0;
    }
    if (this.lost) return 0;
    let samples = 0;
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft > 0) {
        const skip = Math.min(this.bodyLeft, chunk.length - at);
        this.bodyLeft -= skip;
        at += skip;
        continue;
      }
      const need = this.headerFilled < HEADER_BYTES ? HEADER_BYTES : HEADER_BYTES + this.header[26]!;
      const n = Math.min(need - this.headerFilled, chunk.length - at);
      chunk.copy(this.header, this.headerFilled, at, at + n);
      this.headerFilled += n;
      at += n;
      if (this.headerFilled === HEADER_BYTES && this.header.toString('latin1', 0, 4) !== 'OggS') {
        this.lost = true;
        return samples;
      }
      const full = this.headerFilled >= HEADER_BYTES && this.headerFilled === HEADER_BYTES + this.header[26]!;
      if (full) samples += this.readPage();
    }
    return samples;
  }

  private readPage(): number {
    const segments = this.header[26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += this.header[HEADER_BYTES + i]!;
    this.bodyLeft = body;
    this.headerFilled = 0;
    const lo = this.header.readUInt32LE(6);
    const hi = this.header.readInt32LE(10);
    // -1 means no packet ends on this page.
    if (hi === -1 && lo === 0xffffffff) return 0;
    const granule = hi * 0x100000000 + lo;
    // A new logical stream (beginning-of-stream flag) restarts the granule count.
    if (this.header[5]! & 0x02) this.lastGranule = undefined;
    const delta = this.lastGranule === undefined ? 0 : Math.max(0, granule - this.lastGranule);
    this.lastGranule = granule;
    return delta;
  }
}
