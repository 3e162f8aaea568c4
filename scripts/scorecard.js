#!/usr/bin/env node
'use strict';
/**
 * The Flow Library scorecard, run on a packed package (what npm users and the Flow Library get), offline:
 * this repository's package by default, or the package in the folder given (the Dashboard widget:
 * `node scripts/scorecard.js dashboard`).
 *
 * node-red-dev validate is what the Flow Library runs, but as a gate it has gaps, which this script closes:
 * - its exit code is always 0, so every check's `test:false` is read from the JSON it writes;
 * - P05 (node-red keyword) always records a pass, so the keyword is checked here;
 * - when the editor HTML cannot be parsed it finds no node types and N01/N02 pass vacuously, so the types
 *   are parsed here as the Flow Library parses them (each node set of package.json must define the type
 *   of its name), and N02 must list every type that is not a config node;
 * - it fetches catalogue.nodered.org (unreachable here), so that one request answers an empty catalogue:
 *   P08 (similar names) and N01 (unique types) then compare against nothing.
 * Registry requests (node-red's latest version, dependency checks) go to the npm registry as usual.
 *
 * Usage: npm run scorecard   (builds first), or node scripts/scorecard.js <package dir> [--accept ID]…
 * `--accept ID` lets one named check fail without failing the run; it is still printed as FAIL, marked
 * accepted (the caller says why). Writes test-artifacts/scorecard.json (another package:
 * scorecard-<name>.json). Exit code 1 on failure.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { nodeDefinitions } = require('./flow-library-types');

const ROOT = path.resolve(__dirname, '..');
const ARGS = process.argv.slice(2);
const ACCEPTED = ARGS.flatMap((a, i) => (ARGS[i - 1] === '--accept' ? [a] : []));
const PACKAGE_DIR = path.resolve(ROOT, ARGS.find((a, i) => !a.startsWith('--') && ARGS[i - 1] !== '--accept') || '.');
const EXPECTED_CHECKS = ['P01', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08', 'N01', 'N02', 'D01', 'D02', 'D03'];
const CATALOGUE_HOST = 'catalogue.nodered.org';

/** The node types the package must define: one per node set, named like it. */
function expectedTypes(pkg) {
  return Object.keys((pkg['node-red'] && pkg['node-red'].nodes) || {});
}

function packPackage(workDir) {
  // --ignore-scripts: `npm run scorecard` has just built dist/; prepack would build again.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [{ filename }] = JSON.parse(out);
  const tarball = path.join(workDir, path.basename(filename));
  execFileSync('tar', ['xzf', tarball, '-C', workDir]);
  return path.join(workDir, 'package');
}

function stubCatalogue() {
  const devDir = path.dirname(require.resolve('node-red-dev/package.json', { paths: [ROOT] }));
  const axios = require(require.resolve('axios', { paths: [devDir] }));
  const realGet = axios.get.bind(axios);
  axios.get = (url, ...rest) => {
    if (String(url).includes(CATALOGUE_HOST)) return Promise.resolve({ data: { modules: [] } });
    return realGet(url, ...rest);
  };
}

async function runValidate(packageDir, outFile) {
  stubCatalogue();
  const validate = require(require.resolve('node-red-dev/src/commands/validate', { paths: [ROOT] }));
  await validate.run(['-p', packageDir, '-o', outFile, '-e', 'true']);
  if (!fs.existsSync(outFile)) throw new Error('node-red-dev validate wrote no scorecard');
  return JSON.parse(fs.readFileSync(outFile, 'utf8'));
}

/** Our own checks on the packed package; each returns a problem string or null. */
function ownChecks(packageDir, card) {
  const problems = [];
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes('node-red')) {
    problems.push("package.json keywords lack 'node-red' (the Flow Library rejects the package)");
  }
  for (const file of ['README.md', 'LICENSE']) {
    if (!fs.existsSync(path.join(packageDir, file))) problems.push(`${file} is not in the package`);
  }

  const found = {};
  for (const [set, jsFile] of Object.entries(pkg['node-red'].nodes)) {
    const htmlFile = path.join(packageDir, path.dirname(jsFile), path.basename(jsFile, '.js') + '.html');
    if (!fs.existsSync(path.join(packageDir, jsFile))) problems.push(`${set}: ${jsFile} is not in the package`);
    if (!fs.existsSync(htmlFile)) {
      problems.push(`${set}: ${path.relative(packageDir, htmlFile)} is not in the package`);
      continue;
    }
    const { types, errors } = nodeDefinitions(fs.readFileSync(htmlFile, 'utf8'));
    for (const err of errors) problems.push(`${set}: ${err}`);
    for (const [type, def] of Object.entries(types)) {
      found[type] = def;
      if (!def.icon) continue;
      const icon = path.join(packageDir, path.dirname(jsFile), 'icons', def.icon);
      if (!fs.existsSync(icon)) problems.push(`${type}: icon ${def.icon} is not in ${path.dirname(jsFile)}/icons`);
    }
  }
  const expected = expectedTypes(pkg);
  if (expected.length === 0) problems.push('package.json lists no node-red.nodes');
  for (const type of expected) {
    if (!found[type]) problems.push(`the editor HTML does not define ${type} in a form the Flow Library can read`);
  }
  for (const [type, def] of Object.entries(found)) {
    if (def.category !== 'config' && !def.icon) problems.push(`${type}: no literal icon`);
  }

  for (const id of EXPECTED_CHECKS) {
    if (!card[id]) problems.push(`scorecard has no result for ${id} (a check did not run)`);
  }
  const examplesCover = (card.N02 && card.N02.nodes) || [];
  for (const type of expected.filter((t) => found[t] && found[t].category !== 'config')) {
    if (!examplesCover.includes(type)) {
      problems.push(`N02 does not list ${type}: the scorecard did not see the node type in the HTML or the examples`);
    }
  }
  return problems;
}

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-scorecard-'));
  const artefacts = path.join(ROOT, 'test-artifacts');
  fs.mkdirSync(artefacts, { recursive: true });
  const name = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).name;
  const outFile = path.join(artefacts, PACKAGE_DIR === ROOT ? 'scorecard.json' : `scorecard-${name}.json`);
  fs.rmSync(outFile, { force: true });
  try {
    const packageDir = packPackage(workDir);
    const card = await runValidate(packageDir, outFile);
    const checkIds = Object.keys(card).filter((id) => /^[A-Z]\d\d$/.test(id)).sort();
    const failedAll = checkIds.filter((id) => card[id].test === false);
    const failed = failedAll.filter((id) => !ACCEPTED.includes(id)).map((id) => [id, card[id]]);
    const problems = ownChecks(packageDir, card);

    console.log(`\nScorecard of ${name} (node-red-dev validate on the packed package, catalogue stubbed):`);
    for (const id of checkIds) {
      const accepted = card[id].test === false && ACCEPTED.includes(id) ? '  (accepted by the caller)' : '';
      console.log(`  ${id}  ${card[id].test ? 'pass' : 'FAIL'}${accepted}`);
    }
    for (const [id, result] of failed) console.error(`FAIL ${id}: ${JSON.stringify(result)}`);
    for (const problem of problems) console.error(`FAIL ${problem}`);
    if (failed.length || problems.length) {
      console.error(`\nScorecard failed: ${failed.length} check(s), ${problems.length} problem(s). See ${outFile}.`);
      return 1;
    }
    const types = expectedTypes(JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')));
    const acceptedText = failedAll.length ? `, ${failedAll.join(', ')} failing as accepted` : '';
    console.log(`\nScorecard passed: ${checkIds.length} checks${acceptedText}, types ${types.join(', ')} parsed.`);
    return 0;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  // node-red-dev opens a readline on stdin at load time, which would keep the process alive.
  (code) => process.exit(code),
  (err) => {
    console.error(`Scorecard could not run: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  },
);
