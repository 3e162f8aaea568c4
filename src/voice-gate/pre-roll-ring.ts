/**
 * The voice gate's pre-roll: copies of the last unsent frames, oldest first, in one Buffer per stream.
 *
 * Why one Buffer and not a copy per frame: a gate holds frames for hours (an always-on microphone is
 * silent most of the time), and a small allocation per 80 ms frame, freed a few frames later while the
 * neighbouring allocations live on, left the process's malloc heap fragmented: about 36 KB of RSS per
 * gated stream beyond the audio itself (bench/results/gate-latest.md). One buffer, written round and
 * round, costs its own size and nothing more.
 *
 * The ring keeps frame boundaries (a frame falls out whole), so the gate can keep "the fewest whole frames
 * that reach the pre-roll back". `drain()` hands the frames out as fresh copies: the caller may keep them
 * (replay of unacknowledged audio) while the ring is written again.
 */
import type { AudioFrame } from '../audio/types';

export class PreRollRing {
  private store: Buffer | undefined;
  /** Byte offset of the oldest frame in `store`. */
  private head = 0;
  private used = 0;
  /** Sizes and durations of the frames held, oldest first, from index `first`. */
  private sizes: number[] = [];
  private durations: number[] = [];
  private first = 0;

  /** @param capacity bytes the ring starts with; it grows (rarely: a longer pre-roll) when a frame needs more. */
  constructor(private capacity: number) {}

  /** Bytes held. */
  get bytes(): number {
    return this.used;
  }

  /** Frames held. */
  get frames(): number {
    return this.sizes.length - this.first;
  }

  /** Size in bytes of the oldest frame held, 0 when empty. */
  get oldestBytes(): number {
    return this.sizes[this.first] ?? 0;
  }

  /** Appends a copy of the frame (the caller's Buffer is not kept). */
  push(frame: AudioFrame): void {
    const size = frame.data.length;
    if (this.used + size > this.capacity || !this.store) this.grow(this.used + size);
    const store = this.store!;
    const at = (this.head + this.used) % this.capacity;
    const fits = Math.min(size, this.capacity - at);
    frame.data.copy(store, at, 0, fits);
    if (fits < size) frame.data.copy(store, 0, fits, size);
    this.used += size;
    this.sizes.push(size);
    this.durations.push(frame.durationMs);
  }

  /** Lets the oldest frame fall out; returns its size in bytes (0 when empty). */
  dropOldest(): number {
    if (this.frames === 0) return 0;
    const size = this.oldestBytes;
    this.first++;
    this.head = (this.head + size) % this.capacity;
    this.used -= size;
    if (this.first > 32) this.compactIndex();
    else if (this.frames === 0) this.clear();
    return size;
  }

  /** Every frame held, oldest first, as copies in one new Buffer; the ring is left empty. */
  drain(): AudioFrame[] {
    const frames: AudioFrame[] = [];
    if (this.used === 0 || !this.store) return frames;
    const out = Buffer.allocUnsafe(this.used);
    const tail = Math.min(this.used, this.capacity - this.head);
    this.store.copy(out, 0, this.head, this.head + tail);
    if (tail < this.used) this.store.copy(out, tail, 0, this.used - tail);
    let at = 0;
    for (let i = this.first; i < this.sizes.length; i++) {
      const size = this.sizes[i]!;
      frames.push({ data: out.subarray(at, at + size), durationMs: this.durations[i]! });
      at += size;
    }
    this.clear();
    return frames;
  }

  /** Forgets every frame held; returns the bytes forgotten. The buffer is kept for the next ones. */
  clear(): number {
    const dropped = this.used;
    this.head = 0;
    this.used = 0;
    this.sizes.length = 0;
    this.durations.length = 0;
    this.first = 0;
    return dropped;
  }

  /** The index arrays are shifted now and then, not on every frame. */
  private compactIndex(): void {
    this.sizes.splice(0, this.first);
    this.durations.splice(0, this.first);
    this.first = 0;
  }

  /** A new store of at least `need` bytes holding the same frames, oldest at offset 0. */
  private grow(need: number): void {
    const capacity = Math.max(need, this.capacity);
    const next = Buffer.allocUnsafeSlow(capacity);
    if (this.store && this.used > 0) {
      const tail = Math.min(this.used, this.capacity - this.head);
      this.store.copy(next, 0, this.head, this.head + tail);
      if (tail < this.used) this.store.copy(next, tail, 0, this.used - tail);
    }
    this.store = next;
    this.capacity = capacity;
    this.head = 0;
  }
}
