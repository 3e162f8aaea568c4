'use strict';
/**
 * `node bench/profile-summary.js FILE.cpuprofile [top]`: self time by function and by file from a CPU
 * profile (run.js --prof writes them), to find the hot path without a GUI; for a .heapprofile (run.js
 * --prof --heap), the bytes allocated by function and by file.
 */
const fs = require('node:fs');

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topArg) || 30;
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
if (file.endsWith('.heapprofile')) {
  summariseAllocations(profile);
  process.exit(0);
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) || 0) + (deltas[i] || 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const byFn = new Map();
const byFile = new Map();
for (const [id, us] of selfUs) {
  const { callFrame: f } = byId.get(id);
  const short = f.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/work\/main\//, '');
  const fnKey = `${f.functionName || '(anonymous)'}  ${short}:${f.lineNumber + 1}`;
  byFn.set(fnKey, (byFn.get(fnKey) || 0) + us);
  const fileKey = short || f.functionName;
  byFile.set(fileKey, (byFile.get(fileKey) || 0) + us);
}
const print = (title, map) => {
  console.log(`\n${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
};
print('self time by function', byFn);
print('self time by file', byFile);

/** A sampled allocation profile (run.js --prof --heap): bytes allocated by function and by file. */
function summariseAllocations(heap) {
  const byFn = new Map();
  const byFile = new Map();
  let total = 0;
  const walk = (n) => {
    const f = n.callFrame;
    const short = f.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/(dist|bench)\//, '$1/');
    const fnKey = `${f.functionName || '(anonymous)'}  ${short}:${f.lineNumber + 1}`;
    byFn.set(fnKey, (byFn.get(fnKey) || 0) + n.selfSize);
    byFile.set(short || f.functionName, (byFile.get(short || f.functionName) || 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(heap.head);
  for (const [title, map] of [['allocated by function', byFn], ['allocated by file', byFile]]) {
    console.log(`\n${title} (total ${(total / 2 ** 20).toFixed(0)} MB, sampled)`);
    for (const [k, b] of [...map].sort((a, c) => c[1] - a[1]).slice(0, top)) {
      console.log(`${((100 * b) / total).toFixed(1).padStart(5)}%  ${(b / 2 ** 20).toFixed(1).padStart(7)} MB  ${k}`);
    }
  }
}
