import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TtsTestClient } from './tts-helpers';

const CLI = join(__dirname, '../../src/emulator/cli.js');

describe('emulator CLI: text-to-speech flags', () => {
  let child: ChildProcess | undefined;
  const clients: TtsTestClient[] = [];
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  function start(args: string[]): Promise<{ asr: string; tts: string }> {
    const proc = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const asr = /listening on (ws:\/\/\S+)/.exec(out)?.[1];
        const tts = /Text-to-speech on (ws:\/\/\S+)/.exec(out)?.[1];
        if (asr && tts) resolve({ asr, tts });
      });
      proc.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
  }

  it('prints the TTS URL, lists a --voice, and applies the TTS faults', async () => {
    const { asr, tts } = await start(['--voice', 'clone-cli-0001:Aunt May:en', '--tts-first-audio-delay-ms', '250', '--tts-close-after-chunks', '3']);
    assert.equal(tts, asr.replace('/api/speech/asr', '/api/speech/tts'));
    const base = asr.replace('ws://', 'http://').replace('/api/speech/asr', '');
    const voices = (await (await fetch(`${base}/api/voices/`, { headers: { 'x-api-key': 'any' } })).json()) as { uid: string; name: string }[];
    assert.deepEqual(voices.map((v) => [v.uid, v.name]), [['clone-cli-0001', 'Aunt May']]);
    const c = new TtsTestClient(tts);
    clients.push(c);
    const t0 = Date.now();
    const closed = await c.speak(['one two three four five six seven eight nine ten'], { voice_id: 'clone-cli-0001' });
    assert.ok(Date.now() - t0 >= 240, 'first audio delayed');
    assert.equal(closed.code, 1006);
    assert.equal(c.of('audio').length, 3);
  });

  it('refuses a malformed --voice with a message', async () => {
    await assert.rejects(start(['--voice', 'only-an-id']), /--voice needs ID:NAME/);
  });
});
