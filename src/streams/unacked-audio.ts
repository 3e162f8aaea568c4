/**
 * The ledger of audio one session sent and Gradium has not yet acknowledged. Each `step` says how much audio
 * Gradium has processed (`total_duration_s`); everything up to there is surely heard and forgotten. What
 * is left when the socket dies is replayed to the next session, and how long it has waited tells a stalled
 * server (half-open socket, stopped reading) from a slow one.
 *
 * A ring over two arrays that keep their storage: a frame goes in and comes out every 80 ms on every
 * stream, and emptying and refilling plain arrays made V8 reallocate their backing stores each time.
 */
import type { AudioFrame } from '../audio/types';

const INITIAL_CAPACITY = 8;

export class UnackedAudio {
  private frames: (AudioFrame | undefined)[] = new Array<AudioFrame | undefined>(INITIAL_CAPACITY).fill(undefined);
  /** Session audio time (ms) at the end of each frame in `frames`. */
  private endsMs = new Float64Array(INITIAL_CAPACITY);
  /** Ring position of the oldest frame, and how many there are. */
  private head = 0;
  private count = 0;
  private sent = 0;
  private acked = 0;
  /** When Gradium last acknowledged audio, or when the oldest unacknowledged frame was sent. */
  private progressAt = 0;

  /** Audio handed to the socket in this session (ms). */
  get sentMs(): number {
    return this.sent;
  }

  /** Audio Gradium has acknowledged (ms), never more than was sent. */
  get ackedMs(): number {
    return Math.min(this.acked, this.sent);
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** A frame went to the socket. */
  record(frame: AudioFrame, now: number): void {
    // Nothing was waiting for an acknowledgement: the stall clock starts with this frame.
    if (this.count === 0) this.progressAt = now;
    this.sent += frame.durationMs;
    if (this.count === this.frames.length) this.grow();
    const at = (this.head + this.count) % this.frames.length;
    this.frames[at] = frame;
    this.endsMs[at] = this.sent;
    this.count += 1;
  }

  /** Gradium has processed audio up to `ms` (step.total_duration_s × 1000): forget what it surely has. */
  acknowledge(ms: number, now: number): void {
    if (ms > this.acked) this.progressAt = now;
    this.acked = Math.max(this.acked, ms);
    // Acknowledged audio is let go of at once (the slot is cleared), so no frame outlives its acknowledgement.
    const size = this.frames.length;
    while (this.count > 0 && this.endsMs[this.head]! <= this.acked + 0.5) {
      this.frames[this.head] = undefined;
      this.head = (this.head + 1) % size;
      this.count -= 1;
    }
    if (this.count === 0) this.head = 0;
  }

  /** How long the oldest unacknowledged audio has waited without progress (0 when nothing waits). */
  waitingMs(now: number): number {
    return this.count === 0 ? 0 : now - this.progressAt;
  }

  /** The frames to replay, oldest first. */
  pending(): AudioFrame[] {
    const out: AudioFrame[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.frames[(this.head + i) % this.frames.length]!);
    return out;
  }

  private grow(): void {
    const size = this.frames.length;
    const frames = new Array<AudioFrame | undefined>(size * 2).fill(undefined);
    const endsMs = new Float64Array(size * 2);
    for (let i = 0; i < this.count; i++) {
      frames[i] = this.frames[(this.head + i) % size];
      endsMs[i] = this.endsMs[(this.head + i) % size]!;
    }
    this.frames = frames;
    this.endsMs = endsMs;
    this.head = 0;
  }
}
