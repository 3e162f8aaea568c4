/**
 * Rolling percentiles of end-of-speech → final latency for one stream (the last `window` finals).
 */
import type { LatencySummary } from './events';

export class LatencyTracker {
  private readonly samples: number[] = [];
  private total = 0;

  constructor(private readonly window = 200) {}

  add(ms: number): void {
    this.total += 1;
    this.samples.push(ms);
    if (this.samples.length > this.window) this.samples.shift();
  }

  summary(): LatencySummary {
    if (this.samples.length === 0) return { count: 0, p50Ms: null, p99Ms: null };
    const sorted = [...this.samples].sort((a, b) => a - b);
    return { count: this.total, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
  }
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}
