/**
 * Every child process this package starts is listed here until it has exited, so that none outlives Node-RED:
 * when the Node.js process exits and runs its exit handlers (Node-RED stopping on SIGINT/SIGTERM, which it
 * handles, or a crash), the children are killed. Node-RED's own redeploy path closes each decoder through its
 * owner; this is the last line for the cases where no owner gets to run. A SIGKILL runs no handler: then a
 * decoder fed through stdin sees its input end and exits by itself (tested in test/sources).
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
}

/** Track `child` until it exits. */
export function adoptChild(child: ChildProcess): void {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
}

/** The pids of the children still running (tests and the benchmark look at them). */
export function liveChildPids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
}
