#!/usr/bin/env node
'use strict';
/*
 * The README's tables that have a source of truth in src/: the settings (src/settings; between
 * `<!-- settings:<type> -->` and `<!-- /settings -->`) and the error codes (src/common/error-codes.ts; between
 * `<!-- error-codes -->` and `<!-- /error-codes -->`). `--check` only compares, and fails when the README is
 * stale (test/editor/boundaries.test.ts runs it). Needs a build (reads dist/).
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { rangeText } = require(path.join(root, 'dist', 'settings', 'spec.js'));

const SPECS = {
  'gradium-stt': () => require(path.join(root, 'dist', 'settings', 'stt-spec.js')).STT_SPEC,
  'gradium-tts': () => require(path.join(root, 'dist', 'settings', 'tts-spec.js')).TTS_SPEC,
  'gradium-config': () => require(path.join(root, 'dist', 'settings', 'config-spec.js')).CONFIG_SPEC,
  'wyoming-server': () => require(path.join(root, 'dist', 'settings', 'wyoming-spec.js')).WYOMING_SERVER_SPEC,
};

function labels(type) {
  const file = path.join(root, 'nodes', 'locales', 'en-US', `${type}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8'))[type].label;
}

function table(type) {
  const spec = SPECS[type]();
  const names = labels(type);
  const rows = Object.entries(spec)
    .filter(([name]) => name !== 'name')
    .map(([name, s]) => {
      const shown = s.default === '' ? '—' : `\`${s.default}\``;
      const alias = s.alias ? ` (\`${s.alias}\`)` : '';
      return `| \`${name}\`${alias} | ${names[name] ?? ''} | ${shown} | ${rangeText(s).replace(/\|/g, '\\|')} | ${s.live ? 'yes' : ''} |`;
    });
  return ['| setting | in the dialog | default | accepted | by `msg.settings` |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function errorTable() {
  const { ERROR_CODES } = require(path.join(root, 'dist', 'common', 'error-codes.js'));
  const rows = Object.entries(ERROR_CODES).map(([code, text]) => `| \`${code}\` | ${text} |`);
  return ['| `msg.error.code` | meaning |', '| --- | --- |', ...rows].join('\n');
}

function render(readme) {
  return readme
    .replace(/<!-- error-codes -->\n[\s\S]*?<!-- \/error-codes -->/, () => `<!-- error-codes -->\n${errorTable()}\n<!-- /error-codes -->`)
    .replace(/<!-- settings:([\w-]+) -->\n[\s\S]*?<!-- \/settings -->/g, (_m, type) => {
    if (!SPECS[type]) throw new Error(`README: unknown settings table ${type}`);
    return `<!-- settings:${type} -->\n${table(type)}\n<!-- /settings -->`;
  });
}

const file = path.join(root, 'README.md');
const current = fs.readFileSync(file, 'utf8');
const next = render(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md tables are stale: run `npm run docs:tables`.');
    process.exit(1);
  }
} else if (next !== current) {
  fs.writeFileSync(file, next);
  console.log('README.md tables updated.');
}
