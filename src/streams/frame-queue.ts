/**
 * A FIFO of audio frames bounded by duration. When the bound is hit the oldest audio goes first (the newest
 * is what the speaker is saying now) and what was dropped is counted, never lost silently.
 *
 * It also holds marks between frames: an action to take once every frame queued before it has left the
 * queue (sent, or dropped by the bound), so that something that follows audio in time (a turn end) also
 * follows it on the wire.
 */
import type { AudioFrame } from '../audio/types';

interface Mark {
  /** Frames still in the queue ahead of the mark. */
  ahead: number;
  action: () => void;
}

export class FrameQueue {
  private frames: AudioFrame[] = [];
  private head = 0;
  private queuedMs = 0;
  private marks: Mark[] = [];
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

  /**
   * `action` once the frames queued now have left the queue (at once when it is empty). It runs right after
   * the last of them was taken, before the next frame is: the caller has sent that frame, not the next one.
   */
  markAfterQueued(action: () => void): void {
    if (this.length === 0) action();
    else this.marks.push({ ahead: this.length, action });
  }

  /** Put frames back at the front, in order (audio a dead session never acknowledged). */
  unshiftAll(frames: AudioFrame[]): number {
    if (frames.length === 0) return 0;
    this.frames = [...frames, ...this.frames.slice(this.head)];
    this.head = 0;
    // Audio that came before a mark in time goes before it again.
    for (const m of this.marks) m.ahead += frames.length;
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
    if (this.marks.length > 0) this.passMarks();
    return frame;
  }

  /** Throw the queued audio away because it can no longer be sent (a refused key): counted as dropped. */
  discard(): void {
    this.droppedMs += this.queuedMs;
    this.clear();
  }

  /** Drop the frames and the marks between them (the stream is over). */
  clear(): void {
    this.frames = [];
    this.head = 0;
    this.queuedMs = 0;
    this.marks = [];
  }

  private passMarks(): void {
    for (const m of this.marks) m.ahead -= 1;
    while (this.marks.length > 0 && this.marks[0]!.ahead <= 0) this.marks.shift()!.action();
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
