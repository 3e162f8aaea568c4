/**
 * Reconnect delays: exponential with full jitter and a cap, so that many streams cut off by the same fault
 * do not reconnect in lockstep.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Attempts after which the stream gives up (reported as a final error). 0 = never gives up. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, maxAttempts: 0 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  get exhausted(): boolean {
    return this.options.maxAttempts > 0 && this.attempt >= this.options.maxAttempts;
  }

  /** The delay before the next attempt; half fixed, half random, so it never collapses to zero. */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** A session reached `ready`: the fault is over. */
  reset(): void {
    this.attempt = 0;
  }
}
