/**
 * Time as the plain library sees it: a monotonic reading and one-shot timers. Every rule that depends on time
 * (the stream layer's idle, backoff, pump retry, flush timeout, final grace, stall, circuit breaker and mute
 * timers; a TTS request's response timeout, the unmute after playback, a retry's pause) takes a Clock, so a
 * test can move time by hand (test/helpers/manual-clock.ts) instead of waiting. Production uses `realClock`.
 * In the bottom layer so that src/gradium, src/streams and src/tts share it.
 */

/** What setTimeout returned; only ever given back to the same clock's clearTimeout. */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * One named timer slot: at most one pending callback, re-armed or cancelled by its owner. Saves every user
 * of a clock the `if (timer) clearTimeout(timer); timer = null` dance.
 */
export class TimerSlot {
  private handle: TimerHandle | null = null;

  constructor(private readonly clock: Clock) {}

  get armed(): boolean {
    return this.handle !== null;
  }

  /** Run `callback` in `ms`, replacing whatever was pending. */
  set(callback: () => void, ms: number): void {
    this.cancel();
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      callback();
    }, ms);
  }

  /** Run `callback` in `ms` unless something is already pending. */
  setIfIdle(callback: () => void, ms: number): void {
    if (this.handle === null) this.set(callback, ms);
  }

  cancel(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }
}
