#!/usr/bin/env node
'use strict';
/*
 * Node-RED looks for a node's editor HTML, message catalogs and icons beside the node's .js file, so the
 * build places nodes/*.html, nodes/locales/** and icons/* next to the compiled dist/nodes/*.js.
 * Plain Node (no dependency) so it runs on every platform the package supports.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, 'dist', 'nodes');

function copyFile(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function copyTree(fromDir, toDir) {
  if (!fs.existsSync(fromDir)) return 0;
  let count = 0;
  for (const entry of fs.readdirSync(fromDir, { withFileTypes: true })) {
    const from = path.join(fromDir, entry.name);
    const to = path.join(toDir, entry.name);
    if (entry.isDirectory()) count += copyTree(from, to);
    else if (entry.isFile()) {
      copyFile(from, to);
      count += 1;
    }
  }
  return count;
}

function copyMatching(fromDir, toDir, accept) {
  if (!fs.existsSync(fromDir)) return 0;
  let count = 0;
  for (const entry of fs.readdirSync(fromDir, { withFileTypes: true })) {
    if (entry.isFile() && accept(entry.name)) {
      copyFile(path.join(fromDir, entry.name), path.join(toDir, entry.name));
      count += 1;
    }
  }
  return count;
}

// A stale asset (renamed icon, removed locale) would otherwise ship, so the asset folders start empty.
fs.rmSync(path.join(target, 'locales'), { recursive: true, force: true });
fs.rmSync(path.join(target, 'icons'), { recursive: true, force: true });

const html = copyMatching(path.join(root, 'nodes'), target, (name) => name.endsWith('.html'));
const locales = copyTree(path.join(root, 'nodes', 'locales'), path.join(target, 'locales'));
const icons = copyMatching(path.join(root, 'icons'), path.join(target, 'icons'), (name) => !name.startsWith('.'));

if (!process.argv.includes('--quiet')) {
  console.log(`copy-assets: ${html} editor file(s), ${locales} locale file(s), ${icons} icon(s) -> dist/nodes/`);
}
