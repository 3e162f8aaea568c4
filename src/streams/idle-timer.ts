/**
 * "No audio for N ms ends the stream." One timer per stream that re-arms itself when it fires early, instead
 * of a clearTimeout/setTimeout pair on every chunk: touch() runs for every message of every stream.
 */
import { TimerSlot, type Clock } from '../common/clock';

export class IdleTimer {
  private readonly slot: TimerSlot;
  private lastActivityAt = 0;
  private timeoutMs: number;

  /** `timeoutMs` 0 or less: never idle. */
  constructor(
    private readonly clock: Clock,
    timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    this.slot = new TimerSlot(clock);
    this.timeoutMs = timeoutMs;
  }

  /** Audio (or a start) arrived now. */
  touch(): void {
    this.lastActivityAt = this.clock.now();
    if (!this.slot.armed) this.arm();
  }

  /** A new timeout counts from the last activity; a running timer is re-armed at once. */
  setTimeoutMs(ms: number): void {
    this.timeoutMs = ms;
    if (!this.slot.armed) return;
    this.slot.cancel();
    this.arm();
  }

  stop(): void {
    this.slot.cancel();
  }

  private arm(): void {
    if (this.timeoutMs <= 0) return;
    const left = Math.max(1, this.lastActivityAt + this.timeoutMs - this.clock.now());
    this.slot.set(this.onTimer, left);
  }

  private readonly onTimer = (): void => {
    if (this.timeoutMs <= 0) return;
    // 1 ms of slack: timers may fire a hair early on some platforms.
    if (this.clock.now() - this.lastActivityAt >= this.timeoutMs - 1) this.onIdle();
    else this.arm();
  };
}
