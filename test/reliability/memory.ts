/**
 * Memory figures for the reliability tests and the soak run: a full GC before each reading (V8's gc is
 * exposed at runtime, so no command-line flag is needed) so that what is compared is what is still held.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface MemoryReading {
  heapUsedMB: number;
  /** Off-heap memory (Buffers, ArrayBuffers, WebAssembly memory). */
  externalMB: number;
  rssMB: number;
}

export function settledMemory(): MemoryReading {
  gc();
  gc();
  const m = process.memoryUsage();
  const mb = (n: number): number => Math.round((n / 1048576) * 10) / 10;
  return { heapUsedMB: mb(m.heapUsed), externalMB: mb(m.external), rssMB: mb(m.rss) };
}

/** Heap plus off-heap buffers: what a leak of audio would grow. */
export function heldMB(m: MemoryReading): number {
  return m.heapUsedMB + m.externalMB;
}
