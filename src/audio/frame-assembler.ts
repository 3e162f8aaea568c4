/**
 * Re-chunks an output byte stream into frames of a fixed byte size (80 ms of the output format). Each
 * emitted frame owns its own Buffer, since the stream layer may keep frames for replay.
 *
 * A frame's Buffer is made when the frame is complete, not when its first bytes arrive: with 20 ms chunks
 * a Buffer made up front lived four chunks longer, long enough to outlive young-generation collections and
 * be promoted, and hundreds of streams then kept the old generation collecting. Partial frames gather in
 * one scratch Buffer per stream (made only when input does not come in whole frames) and are copied out.
 */
import type { AudioFrame } from './types';

export class FrameAssembler {
  /** The frame being gathered from pieces; only its first `filled` bytes are audio. */
  private scratch: Buffer | undefined;
  private filled = 0;
  private readonly frameMs: number;

  /**
   * @param frameBytes bytes in one full frame
   * @param bytesPerMs output bytes per millisecond, for `durationMs`
   */
  constructor(
    readonly frameBytes: number,
    private readonly bytesPerMs: number,
  ) {
    this.frameMs = frameBytes / bytesPerMs;
  }

  /** Appends raw output bytes; full frames go to `out`. */
  pushBytes(src: Buffer, start: number, end: number, out: AudioFrame[]): void {
    const size = this.frameBytes;
    let at = start;
    while (at < end) {
      if (this.filled === 0 && end - at >= size) {
        // A whole frame in the input: straight into its own Buffer.
        const data = Buffer.allocUnsafe(size);
        src.copy(data, 0, at, at + size);
        out.push({ data, durationMs: this.frameMs });
        at += size;
        continue;
      }
      const scratch = (this.scratch ??= Buffer.allocUnsafeSlow(size));
      const n = Math.min(end - at, size - this.filled);
      src.copy(scratch, this.filled, at, at + n);
      this.filled += n;
      at += n;
      if (this.filled === size) this.emitScratch(out);
    }
  }

  /** Appends 16-bit samples, written little-endian; full frames go to `out`. */
  pushSamples(samples: Int16Array, out: AudioFrame[]): void {
    let at = 0;
    while (at < samples.length) {
      const scratch = (this.scratch ??= Buffer.allocUnsafeSlow(this.frameBytes));
      const n = Math.min(samples.length - at, (this.frameBytes - this.filled) >> 1);
      // Little-endian whatever the host: through a DataView.
      const view = new DataView(scratch.buffer, scratch.byteOffset + this.filled, n * 2);
      for (let i = 0; i < n; i++) view.setInt16(i * 2, samples[at + i]!, true);
      this.filled += n * 2;
      at += n;
      if (this.filled === this.frameBytes) this.emitScratch(out);
    }
  }

  /** Bytes waiting for the next frame. */
  get pendingBytes(): number {
    return this.filled;
  }

  /** The partial frame, if any. */
  flush(): AudioFrame[] {
    if (!this.scratch || this.filled === 0) return [];
    const data = Buffer.from(this.scratch.subarray(0, this.filled));
    const frame = { data, durationMs: this.filled / this.bytesPerMs };
    this.filled = 0;
    return [frame];
  }

  private emitScratch(out: AudioFrame[]): void {
    const data = Buffer.allocUnsafe(this.frameBytes);
    this.scratch!.copy(data, 0, 0, this.frameBytes);
    out.push({ data, durationMs: this.frameMs });
    this.filled = 0;
  }
}
