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

/**
 * The help pages name each setting's default and accepted values from the declarations in src/settings (one
 * source of truth): `<!-- settings-table -->` in a help file becomes a table of the node's settings, whose
 * column titles come from the same language's catalog (`<type>.help.table`); `<!-- error-code-list -->` becomes
 * the list of error codes (src/common/error-codes.ts).
 */
function fillSettingsTables(localesDir) {
  const { rangeText } = require(path.join(root, 'dist', 'settings', 'spec.js'));
  const specs = {
    'gradium-stt': require(path.join(root, 'dist', 'settings', 'stt-spec.js')).STT_SPEC,
    'gradium-tts': require(path.join(root, 'dist', 'settings', 'tts-spec.js')).TTS_SPEC,
    'wyoming-server': require(path.join(root, 'dist', 'settings', 'wyoming-spec.js')).WYOMING_SERVER_SPEC,
  };
  let count = 0;
  for (const lang of fs.readdirSync(localesDir)) {
    for (const [type, spec] of Object.entries(specs)) {
      const helpFile = path.join(localesDir, lang, `${type}.html`);
      if (!fs.existsSync(helpFile)) continue;
      const help = fs.readFileSync(helpFile, 'utf8');
      if (!help.includes('<!-- settings-table -->')) continue;
      const catalog = JSON.parse(fs.readFileSync(path.join(localesDir, lang, `${type}.json`), 'utf8'))[type];
      const titles = catalog.help.table;
      const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const rows = Object.entries(spec)
        .filter(([name]) => name !== 'name')
        .map(([name, s]) => {
          const shown = s.default === '' ? '—' : s.default;
          const live = s.live ? '✓' : '';
          return `<tr><td><code>${name}</code></td><td>${escape(catalog.label[name] ?? '')}</td><td>${escape(shown)}</td><td>${escape(rangeText(s))}</td><td>${live}</td></tr>`;
        });
      const table =
        `<table class="gradium-settings"><thead><tr><th>${escape(titles.setting)}</th><th>${escape(titles.label)}</th>` +
        `<th>${escape(titles.default)}</th><th>${escape(titles.accepted)}</th><th>${escape(titles.live)}</th></tr></thead>` +
        `<tbody>\n${rows.join('\n')}\n</tbody></table>`;
      const { ERROR_CODES } = require(path.join(root, 'dist', 'common', 'error-codes.js'));
      const codes = Object.keys(ERROR_CODES).map((c) => `<code>${c}</code>`).join(', ');
      fs.writeFileSync(helpFile, help.replace('<!-- settings-table -->', table).replace('<!-- error-code-list -->', codes));
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
const tables = fillSettingsTables(path.join(target, 'locales'));
const icons = copyMatching(path.join(root, 'icons'), path.join(target, 'icons'), (name) => !name.startsWith('.'));

if (!process.argv.includes('--quiet')) {
  console.log(
    `copy-assets: ${html} editor file(s), ${locales} locale file(s) (${tables} settings table(s)), ${icons} icon(s) -> dist/nodes/`,
  );
}
