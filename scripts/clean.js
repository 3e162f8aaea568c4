#!/usr/bin/env node
'use strict';
/*
 * Removes build output before a build, so a renamed or deleted source never leaves a stale compiled file
 * behind (Node-RED would load a stale node file from dist/). Plain Node: runs on every supported platform.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
for (const dir of process.argv.slice(2)) {
  const target = path.resolve(root, dir);
  if (path.dirname(target) !== root) throw new Error(`clean: ${dir} is not a folder at the top of the repository`);
  fs.rmSync(target, { recursive: true, force: true });
}
