/**
 * Re-chunks an output byte stream into frames of a fixed byte size (80 ms of the output format). Each
 * emitted frame owns its own Buffer, since the stream layer may keep frames for replay.
 */
import type { AudioFrame } from './types';

export class FrameAssembler {
  private pending: Buffer | undefined;
  private filled = 0;

  /**
   * @param frameBytes bytes in one full frame
   * @param bytesPerMs output bytes per millisecond, for `durationMs`
   */
  constructor(
    readonly frameBytes: number,
    private readonly bytesPerMs: number,
  ) {}

  private emitFull(out: AudioFrame[]): void {
    out.push({ data: this.pending!, durationMs: this.frameBytes / this.bytesPerMs });
    this.pending = undefined;
    this.filled = 0;
  }

  /** Appends raw output bytes; full frames go to `out`. */
  pushBytes(src: Buffer, start: number, end: number, out: AudioFrame[]): void {
    let at = start;
    while (at < end) {
      this.pending ??= Buffer.allocUnsafe(this.frameBytes);
      const n = Math.min(end - at, this.frameBytes - this.filled);
      src.copy(this.pending, this.filled, at, at + n);
      this.filled += n;
      at += n;
      if (this.filled === this.frameBytes) this.emitFull(out);
    }
  }

  /** Appends 16-bit samples, written little-endian; full frames go to `out`. */
  pushSamples(samples: Int16Array, out: AudioFrame[]): void {
    let at = 0;
    while (at < samples.length) {
      this.pending ??= Buffer.allocUnsafe(this.frameBytes);
      const n = Math.min(samples.length - at, (this.frameBytes - this.filled) >> 1);
      // Buffers from allocUnsafe come from a pool and may be oddly aligned, so write through a DataView.
      const view = new DataView(this.pending.buffer, this.pending.byteOffset + this.filled, n * 2);
      for (let i = 0; i < n; i++) view.setInt16(i * 2, samples[at + i]!, true);
      this.filled += n * 2;
      at += n;
      if (this.filled === this.frameBytes) this.emitFull(out);
    }
  }

  /** Bytes waiting for the next frame. */
  get pendingBytes(): number {
    return this.filled;
  }

  /** The partial frame, if any. */
  flush(): AudioFrame[] {
    if (!this.pending || this.filled === 0) return [];
    const data = this.pending.subarray(0, this.filled);
    const frame = { data, durationMs: this.filled / this.bytesPerMs };
    this.pending = undefined;
    this.filled = 0;
    return [frame];
  }
}
