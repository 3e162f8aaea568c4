import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator';
import { TestClient } from './helpers';

/** espeak-ng renders real speech (with quiet consonants and short gaps) when the machine has it. */
function speak(ssml: string): Buffer | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'gradium-espeak-'));
  try {
    const file = join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-m', '-w', file, ssml], { stdio: 'ignore' });
    return readFileSync(file);
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('emulator: synthetic speech', () => {
  let emulator: Emulator;
  let client: TestClient | undefined;

  beforeEach(async () => {
    emulator = await startEmulator({ script: ['one two three', 'four five'] });
  });
  afterEach(async () => {
    client?.close();
    await emulator.close();
  });

  it('hears two spoken sentences separated by a pause as two utterances', async function () {
    const wav = speak('<speak>Turn on the kitchen light please. <break time="1200ms"/> What is the weather like today?</speak>');
    if (!wav) {
      // CI installs espeak-ng (.ci/run): missing there means broken, not skipped.
      if (process.env.CI === 'true') throw new Error('espeak-ng is not installed, and CI must run this test (apt-get install espeak-ng)');
      this.skip();
    }
    const c = (client = new TestClient(emulator.url));
    await c.opened;
    c.setup({ input_format: 'wav' });
    c.sendAudio(wav, 3528); // espeak writes 22050 Hz mono: 80 ms slices after the header
    c.send({ type: 'end_of_stream' });
    await c.closed;
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['one', 'two', 'three', 'four', 'five'],
    );
    const speaking = c.of('step').filter((s) => s.vad[2]!.inactivity_prob < 0.1).length;
    assert.ok(speaking > c.of('step').length / 2, `${speaking} of ${c.of('step').length} steps heard as speech`);
  });
});
