/**
 * `npm start` must show a transcript from the emulator when no key is set. This runs the real demo script
 * (real Node-RED, real emulator, the bundled sample) in its exit-after-first-transcript mode.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../helpers/node-red-server';

interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runDemo(env: NodeJS.ProcessEnv, started: (child: ChildProcess) => void): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.js')], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started(child);
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

const normalise = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('npm start demo', function () {
  this.timeout(120000);
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('without GRADIUM_API_KEY, says it uses the emulator and shows a final transcript of the sample', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_EXIT_AFTER_FIRST_TRANSCRIPT: '1',
      DEMO_PORT: '0',
      DEMO_EMULATOR_PORT: '0',
    };
    delete env.GRADIUM_API_KEY;
    const run = await runDemo(env, (c) => (child = c));

    assert.equal(run.code, 0, `demo exited with ${run.signal ?? run.code}:\n${run.output.slice(-4000)}`);
    const notices = run.output.split('\n').filter((l) => l.startsWith('No GRADIUM_API_KEY set'));
    assert.equal(notices.length, 1, 'exactly one plain line says the emulator is used');
    assert.match(notices[0]!, /ws:\/\/127\.0\.0\.1:\d+/);
    assert.match(run.output, /Node-RED editor: http:\/\/127\.0\.0\.1:\d+\//);

    const final = /^Demo: first final transcript: (.*)$/m.exec(run.output);
    assert.ok(final, `no final transcript reported:\n${run.output.slice(-4000)}`);
    const firstUtterance = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'hello.txt'), 'utf8').split('\n')[0]!;
    const firstWords = normalise(firstUtterance).split(' ').slice(0, 2).join(' ');
    assert.ok(
      normalise(final[1]!).includes(firstWords),
      `final transcript "${final[1]}" should contain the sample's first words "${firstWords}"`,
    );
    // The transcript also reached the terminal through the debug node, as a user would see it.
    assert.match(run.output, /\[debug:transcript\] final \[demo\]: /);

    // Played as a microphone would: it says so, and the interim results follow the speech — none of the
    // second sentence's words shows before the first sentence's final (a whole file sent at once would run ahead).
    assert.match(run.output, /Playing samples\/hello\.wav into gradium-stt in real time, 80 ms chunks/);
    const beforeFinal = run.output.slice(0, run.output.search(/\[debug:transcript\] final \[demo\]: /));
    const interims = [...beforeFinal.matchAll(/\[debug:transcript\] interim \[demo\]: (.*)/g)].map((m) => m[1]!);
    assert.ok(interims.length >= 2, `interim results before the first final: ${JSON.stringify(interims)}`);
    const secondSentence = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'hello.txt'), 'utf8').split('\n')[1]!;
    const secondOnly = normalise(secondSentence)
      .split(' ')
      .filter((w) => !normalise(firstUtterance).split(' ').includes(w));
    for (const text of interims) {
      for (const w of secondOnly) assert.ok(!normalise(text).split(' ').includes(w), `"${w}" (second sentence) in "${text}" before the first final`);
    }
  });
});
