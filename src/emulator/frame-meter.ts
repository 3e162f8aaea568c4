/**
 * Turns raw audio bytes into the energy of consecutive 80 ms frames, the only thing the emulator's
 * speech detection needs. Works sample by sample on the incoming buffers (no per-sample allocation) and
 * carries a partial sample across messages, because a client may split a sample between two messages.
 */
import { A_LAW_TO_PCM16, MU_LAW_TO_PCM16 } from './g711';

export const enum SampleCodec {
  U8,
  S16LE,
  S24LE,
  S32LE,
  MuLaw,
  ALaw,
}

export function bytesPerSample(codec: SampleCodec): number {
  switch (codec) {
    case SampleCodec.S16LE:
      return 2;
    case SampleCodec.S24LE:
      return 3;
    case SampleCodec.S32LE:
      return 4;
    default:
      return 1;
  }
}

/** One sample, scaled to the 16-bit range so one speech threshold fits every codec. */
function sampleAt(codec: SampleCodec, b: Buffer, o: number): number {
  switch (codec) {
    case SampleCodec.S16LE:
      return b.readInt16LE(o);
    case SampleCodec.MuLaw:
      return MU_LAW_TO_PCM16[b[o]!]!;
    case SampleCodec.ALaw:
      return A_LAW_TO_PCM16[b[o]!]!;
    case SampleCodec.S24LE:
      return b.readIntLE(o, 3) / 256;
    case SampleCodec.S32LE:
      return b.readInt32LE(o) / 65536;
    case SampleCodec.U8:
      return (b[o]! - 128) * 256;
  }
}

/** Called with the mean square (16-bit scale) of each completed frame; return false to stop decoding. */
export type FrameSink = (meanSquare: number) => boolean;

export class FrameMeter {
  readonly blockAlign: number;
  readonly samplesPerFrame: number;
  /** Decoded samples per channel so far. */
  samples = 0;
  private readonly sampleBytes: number;
  private readonly carry: Buffer;
  private carryLength = 0;
  private sumSquares = 0;
  private frameSamples = 0;

  constructor(
    private readonly codec: SampleCodec,
    private readonly channels: number,
    sampleRate: number,
    private readonly sink: FrameSink,
  ) {
    this.sampleBytes = bytesPerSample(codec);
    this.blockAlign = this.sampleBytes * channels;
    this.samplesPerFrame = Math.max(1, Math.round(sampleRate * 0.08));
    this.carry = Buffer.alloc(this.blockAlign);
  }

  /** Decode these bytes; false when the sink stopped decoding. */
  push(buf: Buffer): boolean {
    let offset = 0;
    if (this.carryLength > 0) {
      const take = Math.min(this.blockAlign - this.carryLength, buf.length);
      buf.copy(this.carry, this.carryLength, 0, take);
      this.carryLength += take;
      offset = take;
      if (this.carryLength < this.blockAlign) return true;
      this.carryLength = 0;
      if (!this.addSampleFrame(this.carry, 0)) return false;
    }
    const whole = offset + Math.floor((buf.length - offset) / this.blockAlign) * this.blockAlign;
    if (this.channels === 1) {
      if (!this.pushMono(buf, offset, whole)) return false;
    } else {
      for (let o = offset; o < whole; o += this.blockAlign) {
        if (!this.addSampleFrame(buf, o)) return false;
      }
    }
    if (whole < buf.length) {
      buf.copy(this.carry, 0, whole);
      this.carryLength = buf.length - whole;
    }
    return true;
  }

  /** Complete a partly filled frame with silence so everything received gets processed. */
  padPartialFrame(): boolean {
    this.carryLength = 0;
    if (this.frameSamples === 0) return true;
    return this.completeFrame();
  }

  /** The common case, in a tight loop up to each frame boundary: this runs for every sample received. */
  private pushMono(buf: Buffer, from: number, to: number): boolean {
    const step = this.sampleBytes;
    let o = from;
    while (o < to) {
      const n = Math.min(this.samplesPerFrame - this.frameSamples, (to - o) / step);
      const end = o + n * step;
      let sum = this.sumSquares;
      if (this.codec === SampleCodec.S16LE) {
        for (; o < end; o += 2) {
          const s = buf.readInt16LE(o);
          sum += s * s;
        }
      } else {
        for (; o < end; o += step) {
          const s = sampleAt(this.codec, buf, o);
          sum += s * s;
        }
      }
      this.sumSquares = sum;
      this.samples += n;
      this.frameSamples += n;
      if (this.frameSamples === this.samplesPerFrame && !this.completeFrame()) return false;
    }
    return true;
  }

  private addSampleFrame(b: Buffer, o: number): boolean {
    for (let c = 0; c < this.channels; c++) {
      const s = sampleAt(this.codec, b, o + c * this.sampleBytes);
      this.sumSquares += s * s;
    }
    this.samples++;
    if (++this.frameSamples < this.samplesPerFrame) return true;
    return this.completeFrame();
  }

  private completeFrame(): boolean {
    const meanSquare = this.sumSquares / (this.samplesPerFrame * this.channels);
    this.sumSquares = 0;
    this.frameSamples = 0;
    return this.sink(meanSquare);
  }
}
