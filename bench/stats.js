'use strict';
/** Small numeric helpers shared by the bench processes. */

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summary(values) {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? values.reduce((a, b) => (b > a ? b : a), -Infinity) : null,
  };
}

/** CPU time (user + system, all threads of this process) in ms. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls `tick(lagMs)` once per period, in real time, from one shared timer. Each call is scheduled for
 * start + k * period; when the loop is late it catches up (as queued messages would) and reports the lag,
 * for up to one period of work per turn of the event loop, then yields so its sockets are still read.
 */
function pacer(periodMs, tick) {
  const start = performance.now();
  let k = 0;
  let timer = null;
  let stopped = false;
  const run = () => {
    timer = null;
    if (stopped) return;
    const began = performance.now();
    let now = began;
    while (!stopped && start + k * periodMs <= now && now - began < periodMs) {
      tick(now - (start + k * periodMs));
      k++;
      now = performance.now();
    }
    if (stopped) return;
    const wait = start + k * periodMs - performance.now();
    timer = wait > 0 ? setTimeout(run, wait) : setImmediate(run);
  };
  run();
  return {
    stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
        clearImmediate(timer);
      }
    },
    get ticks() {
      return k;
    },
  };
}

/** Slot length when streams are spread over a chunk period. */
const SLOT_MS = 5;

/**
 * N real-time streams, each given a chunk every `chunkMs`. Spread (the default) as independent microphones
 * are: the period is cut into slots of about 5 ms and stream i is due in slot i % slots, so the node gets a
 * steady trickle and the server answers in one. `burst` gives every stream its chunk in the same timer tick
 * (the benchmark's load before issue 14: every answer then comes back in one burst, and a transcript waits
 * behind it). Calls `each(i, k)` for stream i's chunk k; `each` returns false when stream i has not started
 * yet (streams start in index order, so neither has any later one). `onLag(ms)` gets each tick's lateness.
 */
function streamPacer(chunkMs, n, each, onLag, { burst = false } = {}) {
  const slots = burst ? 1 : Math.max(1, Math.round(chunkMs / SLOT_MS));
  let t = 0;
  const pace = pacer(chunkMs / slots, (lag) => {
    onLag(lag);
    const slot = t % slots;
    const k = (t - slot) / slots;
    for (let i = slot; i < n; i += slots) if (!each(i, k)) break;
    t++;
  });
  return {
    stop: () => pace.stop(),
    slots,
    /** Chunk periods elapsed (fractional between slots). */
    get chunks() {
      return pace.ticks / slots;
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { percentile, summary, cpuMs, pacer, streamPacer, sleep };
