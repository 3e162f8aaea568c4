/**
 * The ledger of audio one session sent and Gradium has not yet acknowledged. Each `step` says how much audio
 * Gradium has processed (`total_duration_s`); everything up to there is surely heard and forgotten. What
 * is left when the socket dies is replayed to the next session, and how long it has waited tells a stalled
 * server (half-open socket, stopped reading) from a slow one.
 */
import type { AudioFrame } from '../audio/types';

export class UnackedAudio {
  private readonly frames: AudioFrame[] = [];
  /** Session audio time (ms) at the end of each frame in `frames`. */
  private readonly endsMs: number[] = [];
  private head = 0;
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
    return this.head === this.frames.length;
  }

  /** A frame went to the socket. */
  record(frame: AudioFrame, now: number): void {
    // Nothing was waiting for an acknowledgement: the stall clock starts with this frame.
    if (this.empty) this.progressAt = now;
    this.sent += frame.durationMs;
    this.frames.push(frame);
    this.endsMs.push(this.sent);
  }

  /** Gradium has processed audio up to `ms` (step.total_duration_s × 1000): forget what it surely has. */
  acknowledge(ms: number, now: number): void {
    if (ms > this.acked) this.progressAt = now;
    this.acked = Math.max(this.acked, ms);
    while (this.head < this.frames.length && this.endsMs[this.head]! <= this.acked + 0.5) this.head += 1;
    // Let go of acknowledged audio at once in the usual case (everything acknowledged): holding it until a
    // batch accumulates kept tens of frames alive per stream.
    if (this.empty) {
      this.frames.length = 0;
      this.endsMs.length = 0;
      this.head = 0;
    } else if (this.head > 16) {
      this.frames.splice(0, this.head);
      this.endsMs.splice(0, this.head);
      this.head = 0;
    }
  }

  /** How long the oldest unacknowledged audio has waited without progress (0 when nothing waits). */
  waitingMs(now: number): number {
    return this.empty ? 0 : now - this.progressAt;
  }

  /** The frames to replay, oldest first. */
  pending(): AudioFrame[] {
    return this.frames.slice(this.head);
  }
}
