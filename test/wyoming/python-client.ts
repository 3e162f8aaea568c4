/**
 * The real Wyoming client (Debian's python3-wyoming, unpacked by scripts/fetch-wyoming-client.sh) driving
 * test/wyoming/scripts/ha_client.py, which replays Home Assistant's call sequences. Where the package is not
 * there, a test skips locally and FAILS under CI=true (CI installs it in .ci/run, so missing means broken).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/node-red-server';

const SCRIPT = path.join(REPO_ROOT, 'test', 'wyoming', 'scripts', 'ha_client.py');

/** The PYTHONPATH holding the `wyoming` package, or null. */
export function wyomingClientPath(): string | null {
  const dir = process.env.WYOMING_CLIENT_DIR ?? path.join(process.env.TMPDIR ?? os.tmpdir(), 'gradium-wyoming-client');
  const site = process.env.WYOMING_PYTHONPATH ?? path.join(dir, 'x', 'usr', 'lib', 'python3', 'dist-packages');
  if (!fs.existsSync(path.join(site, 'wyoming', 'client.py'))) return null;
  const probe = spawnSync('python3', ['-c', 'import wyoming.client, wyoming.info, wyoming.tts'], { env: { ...process.env, PYTHONPATH: site } });
  return probe.status === 0 ? site : null;
}

/** In a mocha `before`: the client's path, or a skip (locally) / a failure (CI) when it is missing. */
export function requireClient(ctx: Mocha.Context): string {
  const site = wyomingClientPath();
  if (site) return site;
  const how = 'run scripts/fetch-wyoming-client.sh (Debian forky python3-wyoming, private apt state)';
  if (process.env.CI === 'true') throw new Error(`the real Wyoming client is missing under CI: ${how}`);
  console.log(`      (skipped: no python3-wyoming; ${how})`);
  ctx.skip();
}

export interface ClientResult {
  [k: string]: unknown;
}

/** Runs one ha_client.py command; resolves with its JSON answer. */
export function runClient(site: string, args: (string | number)[], timeoutMs = 30_000): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [SCRIPT, ...args.map(String)], { env: { ...process.env, PYTHONPATH: site }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ClientResult);
      } catch {
        reject(new Error(`ha_client.py ${args[0]} exited ${code}: ${err.trim() || out.trim() || '(no output)'}`));
      }
    });
  });
}
