'use strict';
/**
 * What the scenario files run by run.js (tts, phone, wyoming) share: the emulator in its own process, the
 * machine a report names, writing `results/<name>-latest.{json,md}`, number formatting and running alone.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startChild } = require('./children');

/** A figure with `d` decimals, or – where there is none. */
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));

function machineInfo(extra = {}) {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version, ...extra };
}

/** Writes results/<name>-latest.json (the object) and .md (the text). */
function writeLatest(name, json, md) {
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}-latest.json`), JSON.stringify(json, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, `${name}-latest.md`), md);
}

/** Each of `ns` with each of `deliveries`, one after another; every result logged as `line` writes it. */
async function runEach(ns, deliveries, runOne, line) {
  const results = [];
  for (const n of ns) {
    for (const delivery of deliveries) {
      const r = await runOne({ n, delivery });
      results.push(r);
      console.log(line(r));
    }
  }
  return results;
}

/** A Node-RED scenario's report: results/<name>-latest.json and the `markdown(results, machine, started)` of them. */
function writeNodeRedReport(name, started, results, markdown) {
  const machine = machineInfo({ nodeRed: require('node-red/package.json').version });
  writeLatest(name, { started, machine, results }, markdown(results, machine, started));
  console.log(`wrote bench/results/${name}-latest.md, .json`);
  return results;
}

/** Runs `fn(url)` with emulator-child.js listening on core 1, and stops it after (killed if it hangs). */
async function withEmulatorChild(fn) {
  const emulator = startChild('emulator-child.js', { cpu: 1 });
  const { url } = await emulator.next('listening', 30000);
  try {
    return await fn(url);
  } finally {
    emulator.send({ cmd: 'stop' });
    await Promise.race([emulator.exited, new Promise((r) => setTimeout(r, 5000))]);
    emulator.child.kill('SIGKILL');
  }
}

/** `node bench/<file>.js [--quick]`: runs the scenario when the file is the program, not required by run.js. */
function runWhenMain(mod, run) {
  if (require.main !== mod) return;
  run({ quick: process.argv.includes('--quick') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { fmt, machineInfo, writeLatest, runEach, writeNodeRedReport, withEmulatorChild, runWhenMain };
