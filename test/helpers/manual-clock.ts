/**
 * A Clock that moves only when the test says so. advance(ms) runs every timer that falls due, in time order
 * (ties in the order they were set), each at its own time, synchronously: a rule that takes minutes of real
 * time is checked in microseconds.
 */
import type { Clock, TimerHandle } from '../../src/common/clock';

interface Pending {
  at: number;
  seq: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<TimerHandle, Pending>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { at: this.time + Math.max(0, ms), seq: this.seq++, callback });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer fires (ms from now), or null. */
  nextIn(): number | null {
    const next = this.next(Infinity);
    return next ? next[1].at - this.time : null;
  }

  /** Move time forward by `ms`, firing what falls due on the way (timers set meanwhile included). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let fired = 0; ; fired++) {
      if (fired > 1_000_000) throw new Error('ManualClock: timers keep re-arming at the same instant');
      const next = this.next(end);
      if (!next) break;
      const [handle, timer] = next;
      this.timers.delete(handle);
      this.time = timer.at;
      timer.callback();
    }
    this.time = end;
  }

  /** Advance in steps of `stepMs` until `check()` holds; throws after `maxMs`. Returns the time it took. */
  advanceUntil(check: () => boolean, maxMs: number, stepMs = 1): number {
    const start = this.time;
    while (!check()) {
      if (this.time - start >= maxMs) throw new Error(`ManualClock: condition not met within ${maxMs} ms`);
      this.advance(stepMs);
    }
    return this.time - start;
  }

  private next(end: number): [TimerHandle, Pending] | undefined {
    let best: [TimerHandle, Pending] | undefined;
    for (const entry of this.timers) {
      const t = entry[1];
      if (t.at > end) continue;
      if (!best || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = entry;
    }
    return best;
  }
}
