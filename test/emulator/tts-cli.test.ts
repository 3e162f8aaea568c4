import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startCli, type CliEmulator } from './helpers';
import { TtsTestClient } from './tts-helpers';

describe('emulator CLI: text-to-speech flags', () => {
  let child: ChildProcess | undefined;
  const clients: TtsTestClient[] = [];
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  const start = (args: string[]): Promise<CliEmulator> => startCli(args, (proc) => (child = proc));

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
