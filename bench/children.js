'use strict';
/**
 * Starting the bench's child processes: each on its own core when `taskset` exists (the node and the floor
 * on core 0, the emulator on core 1), with an IPC channel, and its output kept for when something fails.
 */
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

/** Pinning is opt-in (--pin): on a shared machine a pinned process can wait for its core while the other is idle. */
const PIN = process.argv.includes('--pin') && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function startChild(script, { cpu, nodeArgs = [] } = {}) {
  const argv = ['--expose-gc', ...nodeArgs, path.join(__dirname, script)];
  const child =
    PIN && cpu !== undefined
      ? spawn('taskset', ['-c', String(cpu), process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
      : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // Never leave a child behind a bench that exits early (an overwhelmed child would spin on its core).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    get output() {
      return output;
    },
    /** Next IPC message of `type` (or an 'error' message, or an exit, which reject). */
    next(type, timeoutMs = 120000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${script}: no "${type}" within ${timeoutMs} ms\n${tail(output)}`)), timeoutMs);
        const onMessage = (m) => {
          if (m.type === type) finish(null, m);
          else if (m.type === 'error') finish(new Error(`${script}: ${m.message}\n${tail(output)}`));
        };
        const onExit = (code, signal) => finish(new Error(`${script} exited (${signal || code}) before "${type}"\n${tail(output)}`));
        function finish(err, m) {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(m);
        }
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    send(m) {
      child.send(m);
    },
  };
}

function tail(text, lines = 25) {
  return text.split('\n').slice(-lines).join('\n');
}

module.exports = { startChild, PIN };
