/**
 * A FIFO of audio frames bounded by duration. When the bound is hit the oldest audio goes first (the newest
 * is what the speaker is saying now) and what was dropped is counted, never lost silently.
 */
import type { AudioFrame } from '../audio/types';

export class FrameQueue {
  private frames: AudioFrame[] = [];
  private head = 0;
  private queuedMs = 0;
  droppedMs = 0;

  constructor(private limitMs: number) {}

  get durationMs(): number {
    return this.queuedMs;
  }

  get length(): number {
    return this.frames.length - this.head;
  }

  setLimit(limitMs: number): void {
    this.limitMs = limitMs;
    this.enforceLimit();
  }

  /** Returns the ms dropped by this push (0 when everything fit). */
  push(frame: AudioFrame): number {
    this.frames.push(frame);
    this.queuedMs += frame.durationMs;
    return this.enforceLimit();
  }

  /** Put frames back at the front, in order (audio a dead session never acknowledged). */
  unshiftAll(frames: AudioFrame[]): number {
    if (frames.length === 0) return 0;
    this.frames = [...frames, ...this.frames.slice(this.head)];
    this.head = 0;
    for (const f of frames) this.queuedMs += f.durationMs;
    return this.enforceLimit();
  }

  peek(): AudioFrame | undefined {
    return this.frames[this.head];
  }

  shift(): AudioFrame | undefined {
    const frame = this.frames[this.head];
    if (!frame) return undefined;
    this.frames[this.head] = undefined as unknown as AudioFrame;
    this.head += 1;
    this.queuedMs -= frame.durationMs;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 256 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    if (this.length === 0) this.queuedMs = 0;
    return frame;
  }

  /** Throw the queued audio away because it can no longer be sent (a refused key): counted as dropped. */
  discard(): void {
    this.droppedMs += this.queuedMs;
    this.clear();
  }

  clear(): void {
    this.frames = [];
    this.head = 0;
    this.queuedMs = 0;
  }

  private enforceLimit(): number {
    let dropped = 0;
    // Frames of unknown duration (opus) count as 0 ms; bound them by count too.
    while (this.length > 0 && (this.queuedMs > this.limitMs || this.length > Math.max(16, this.limitMs / 10))) {
      const f = this.shift();
      if (!f) break;
      dropped += f.durationMs;
    }
    this.droppedMs += dropped;
    return dropped;
  }
}
