import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, s16le, silence, TestClient, tone } from './helpers';

const CLI = join(__dirname, '../../src/emulator/cli.js');
const KEY = 'gsk_cli_secret_123';

describe('emulator: gradium-emulator CLI', () => {
  let child: ChildProcess | undefined;
  let dir: string;
  const clients: TestClient[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradium-emulator-'));
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the script on the printed URL, accepts only its keys, never prints them, and stops on SIGTERM', async () => {
    const script = join(dir, 'script.txt');
    writeFileSync(script, 'open the garage door\n\nclose it again\n');
    const proc = spawn(process.execPath, [CLI, '--port', '0', '--script', script, '--key', KEY, '--verbose', '--flush-delay-ms', '10'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ws:\/\/\S+/.exec(out);
        if (m) resolve(m[0]);
      });
      proc.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/api\/speech\/asr$/);

    const wrong = new TestClient(url, { 'x-api-key': 'gsk_other' });
    clients.push(wrong);
    assert.equal((await wrong.closed).code, 1008);

    const right = new TestClient(url, { 'x-api-key': KEY });
    clients.push(right);
    await right.opened;
    right.setup();
    right.sendAudio(s16le(concat(tone(400, 16000), silence(160, 16000))), 2560);
    right.send({ type: 'flush', flush_id: 1 });
    await right.waitForType('flushed');
    assert.deepEqual(
      right.of('text').map((t) => t.text),
      ['open', 'the', 'garage', 'door'],
    );

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal((await right.closed).code, 1001);
    assert.match(err, /session 2: setup pcm_16000/);
    assert.ok(!out.includes(KEY) && !err.includes(KEY), 'the key was printed');
  });

  it('rejects an unknown flag with exit code 2 and the usage', async () => {
    const proc = spawn(process.execPath, [CLI, '--frobnicate'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    assert.equal(code, 2);
    assert.match(err, /Usage: gradium-emulator/);
  });
});
