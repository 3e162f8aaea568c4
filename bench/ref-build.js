'use strict';
/**
 * `run.js --compare REF`: the package as it was at a git ref, built once into $TMPDIR/gradium-bench-ref/<sha>
 * (git archive, the worktree's node_modules by symlink so `ws` is the very module the wire probe patches),
 * for a `before` scenario that runs interleaved with the current build under the same conditions.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO_ROOT } = require('./embedded-node-red');

function buildRef(ref) {
  const sha = execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = path.join(os.tmpdir(), 'gradium-bench-ref', sha.slice(0, 12));
  if (fs.existsSync(path.join(dir, 'dist', 'nodes', 'gradium-stt.js'))) return { sha, dir };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['-C', REPO_ROOT, 'archive', sha], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(dir, 'scripts', 'copy-assets.js')], { stdio: 'inherit' });
  return { sha, dir };
}

module.exports = { buildRef };
