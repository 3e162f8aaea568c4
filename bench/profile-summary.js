'use strict';
/**
 * `node bench/profile-summary.js FILE.cpuprofile [top]`: self time by function and by file from a CPU
 * profile (run.js --prof writes them), to find the hot path without a GUI; for a .heapprofile (run.js
 * --prof --heap), the bytes allocated by function and by file.
 * `node bench/profile-summary.js FILE.cpuprofile --tree REGEX [min ms]`: the call tree below the functions
 * whose "name file:line" matches REGEX, with inclusive times (what a handler costs, callees included).
 */
const fs = require('node:fs');

const [file, topArg, treeArg, minArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.js FILE.cpuprofile [top | --tree REGEX [min ms]]');
  process.exit(2);
}
const top = Number(topArg) || 30;
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
if (file.endsWith('.heapprofile')) {
  summariseAllocations(profile);
  process.exit(0);
}
if (topArg === '--tree') {
  printTree(profile, new RegExp(treeArg ?? '.'), Number(minArg) || 2);
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

function frameName(f) {
  const short = f.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/(dist|bench)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}`;
}

/** Call trees below the matching functions, merged by call path, with inclusive and self times. */
function printTree(p, re, minMs) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) || 0) + (p.timeDeltas[i] || 0));
  const inclusive = new Map();
  const incl = (id) => {
    if (inclusive.has(id)) return inclusive.get(id);
    const t = (self.get(id) || 0) + (byId.get(id).children || []).reduce((a, c) => a + incl(c), 0);
    inclusive.set(id, t);
    return t;
  };
  const root = { kids: new Map() };
  const add = (tree, id) => {
    const k = frameName(byId.get(id).callFrame);
    let node = tree.kids.get(k);
    if (!node) tree.kids.set(k, (node = { name: k, t: 0, self: 0, kids: new Map() }));
    node.t += incl(id);
    node.self += self.get(id) || 0;
    for (const c of byId.get(id).children || []) add(node, c);
  };
  const find = (id) => {
    if (re.test(frameName(byId.get(id).callFrame))) add(root, id);
    else for (const c of byId.get(id).children || []) find(c);
  };
  find(p.nodes[0].id);
  const print = (node, indent) => {
    for (const k of [...node.kids.values()].sort((a, b) => b.t - a.t)) {
      if (k.t / 1000 < minMs) continue;
      console.log(`${' '.repeat(indent)}${(k.t / 1000).toFixed(0).padStart(6)} ms (self ${(k.self / 1000).toFixed(0)})  ${k.name}`);
      print(k, indent + 2);
    }
  };
  print(root, 0);
}
