'use strict';
/**
 * The end of a scenario child that runs once: the parameters come over IPC, the result (or the error) goes back
 * the same way, and the process exits shortly after, so the message is sent before it does.
 */
const { cpuMs, sleep } = require('./stats');

/**
 * The measurement window, after a full GC: `setMeasuring(true)`, the parent told ('window' start), `seconds` of
 * real time, `setMeasuring(false)`. Returns this process's CPU ms and the window's wall ms. The caller tells the
 * parent the window ended once it has taken what it wants at its end (memory after a GC, say).
 */
async function measureWindow(seconds, setMeasuring) {
  global.gc();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  setMeasuring(true);
  process.send({ type: 'window', phase: 'start' });
  await sleep(seconds * 1000);
  setMeasuring(false);
  const cpu1 = cpuMs();
  const t1 = performance.now();
  return { cpu: cpu1 - cpu0, windowMs: t1 - t0 };
}

function answerParent(run) {
  process.once('message', (params) => {
    run(params).then(
      (result) => {
        process.send({ type: 'result', result });
        setTimeout(() => process.exit(0), 50);
      },
      (err) => {
        process.send({ type: 'error', message: String(err && err.stack) });
        setTimeout(() => process.exit(1), 50);
      },
    );
  });
}

module.exports = { measureWindow, answerParent };
