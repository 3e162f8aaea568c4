/**
 * Time as the code that schedules things sees it. Rules that depend on time (timeouts, the unmute after
 * playback) take a Clock, so tests can drive them with a manual clock instead of waiting.
 */
export interface TimerHandle {
  /** Opaque; only the clock that made it can cancel it. */
  readonly __timer: unique symbol;
}

export interface Clock {
  /** Milliseconds on a monotonic scale (not the wall clock). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => {
    if (handle) clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};
