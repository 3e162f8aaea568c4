/**
 * Audio a session has sent and Gradium has not yet acknowledged (by a `step`'s total_duration_s): kept
 * so that a run that dies can hand it to the next one for replay. A ring over two parallel arrays that
 * keep their storage: a frame goes in and comes out every 80 ms on every stream, and emptying and
 * refilling plain arrays made V8 reallocate their backing stores each time.
 */
import type { AudioFrame } from '../audio/types';

const INITIAL_CAPACITY = 8;

export class UnackedAudio {
  private frames: (AudioFrame | undefined)[] = new Array<AudioFrame | undefined>(INITIAL_CAPACITY).fill(undefined);
  /** Session audio time (ms) at the end of each frame. */
  private ends = new Float64Array(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;

  get isEmpty(): boolean {
    return this.count === 0;
  }

  get length(): number {
    return this.count;
  }

  /** A frame was sent; `endMs` is the session's audio time at its end. */
  push(frame: AudioFrame, endMs: number): void {
    if (this.count === this.frames.length) this.grow();
    const at = (this.head + this.count) % this.frames.length;
    this.frames[at] = frame;
    this.ends[at] = endMs;
    this.count++;
  }

  /** Forgets every frame that ends at or before `ms` (the half ms absorbs rounding in the server's seconds). */
  acknowledge(ms: number): void {
    const size = this.frames.length;
    while (this.count > 0 && this.ends[this.head]! <= ms + 0.5) {
      this.frames[this.head] = undefined;
      this.head = (this.head + 1) % size;
      this.count--;
    }
    if (this.count === 0) this.head = 0;
  }

  /** The frames still unacknowledged, oldest first (for the next run to replay). */
  toArray(): AudioFrame[] {
    const out: AudioFrame[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.frames[(this.head + i) % this.frames.length]!);
    return out;
  }

  private grow(): void {
    const frames = this.toArray();
    const size = this.frames.length * 2;
    const ends = new Float64Array(size);
    for (let i = 0; i < this.count; i++) ends[i] = this.ends[(this.head + i) % this.frames.length]!;
    this.frames = new Array<AudioFrame | undefined>(size).fill(undefined);
    for (let i = 0; i < frames.length; i++) this.frames[i] = frames[i];
    this.ends = ends;
    this.head = 0;
  }
}
