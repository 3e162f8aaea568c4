/**
 * Time as the plain library sees it: a monotonic reading and one-shot timers. Rules that depend on time (a
 * TTS request's response timeout, the unmute after playback, a retry's pause) take a Clock, so a test can move
 * time by hand (test/helpers/manual-clock.ts) instead of waiting. The same interface as src/streams/clock.ts,
 * here in the bottom layer so that src/gradium can use it too.
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

/** Cancel a timer that may not be set. */
export function cancel(clock: Clock, handle: TimerHandle | null): null {
  if (handle !== null) clock.clearTimeout(handle);
  return null;
}
