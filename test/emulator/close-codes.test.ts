/**
 * The emulator closes cleanly with any close code a fault names: the error frame carries the configured code,
 * the close frame carries it when a WebSocket may send it and 1011 otherwise (src/common/close-codes.ts), the
 * emulator keeps serving, and the Gradium clients read the error (they never echo an unsendable code back).
 * Through the constructor's faults and through the CLI's --error-after-frames / --tts-error-after-chunks.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { isSendableCloseCode, sendableCloseCode } from '../../src/common/close-codes';
import { startEmulator, type Emulator } from '../../src/emulator';
import { GradiumSession, type SessionClose } from '../../src/gradium/session';
import { TtsSession, type TtsSessionClose } from '../../src/gradium/tts-session';
import { s16le, serverClosed, silence, startCli, TestClient, ttsServerClosed, type CliEmulator } from './helpers';
import { TtsTestClient } from './tts-helpers';

const TEXT = 'Hello there, how are you? The kitchen light is on.';
/** Reserved or out of range (1005, 1006, 999, 5000, 1004, 1015) and sendable ones (1000, 1008, 4000). */
const CODES = [1006, 1005, 999, 5000, 1004, 1015, 1000, 1008, 4000];

function expectedClose(code: number): number {
  return code === 1000 || code === 1008 || code === 4000 ? code : 1011;
}

/** One ASR session that gets the error after 2 audio messages; resolves with what the client saw. */
async function asrRun(url: string): Promise<{ client: TestClient; close: { code: number } }> {
  const client = new TestClient(url);
  await client.opened;
  client.setup();
  client.sendAudio(s16le(silence(400, 16000)), 2560);
  const close = await client.closed;
  return { client, close };
}

async function ttsRun(url: string): Promise<{ client: TtsTestClient; close: { code: number } }> {
  const client = new TtsTestClient(url);
  const close = await client.speak([TEXT]);
  return { client, close };
}

describe('emulator: any configured close code closes cleanly', () => {
  it('the rule: 1000-1003, 1007-1014 and 3000-4999 are sent as they are; anything else becomes 1011', () => {
    const sendable = [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999];
    const not = [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5, -1];
    assert.deepEqual(sendable.filter(isSendableCloseCode), sendable);
    assert.deepEqual(not.filter(isSendableCloseCode), []);
    assert.deepEqual(not.map(sendableCloseCode), not.map(() => 1011));
  });

  describe('constructor faults', () => {
    let emu: Emulator;
    beforeEach(async () => {
      emu = await startEmulator({ apiKeys: ['test-key'] });
    });
    afterEach(async () => {
      await emu.close();
    });

    for (const code of CODES) {
      it(`error code ${code}: error frame ${code}, close ${expectedClose(code)}, ASR and TTS, and the emulator goes on`, async () => {
        emu.setFaults({
          errorAfterFrames: { frames: 2, code, message: 'Internal server error' },
          ttsErrorAfterChunks: { chunks: 2, code, message: 'Internal server error' },
        });
        const asr = await asrRun(emu.url);
        assert.equal(asr.close.code, expectedClose(code));
        assert.deepEqual(asr.client.messages.at(-1), { type: 'error', client_req_id: null, message: 'Internal server error', code });
        const tts = await ttsRun(emu.ttsUrl);
        assert.equal(tts.close.code, expectedClose(code));
        assert.equal(tts.client.of('audio').length, 2);
        assert.deepEqual(tts.client.messages.at(-1), { type: 'error', message: 'Internal server error', code, client_req_id: null });

        // The emulator recorded the code it sent and still serves a healthy request.
        await serverClosed(emu, 0);
        await ttsServerClosed(emu, 0);
        assert.equal(emu.sessions[0]!.closeCode, expectedClose(code));
        assert.equal(emu.ttsSessions[0]!.closeCode, expectedClose(code));
        emu.setFaults({});
        const healthy = await ttsRun(emu.ttsUrl);
        assert.equal(healthy.close.code, 1000);
        assert.equal(healthy.client.of('end_of_stream').length, 1);
      });
    }

    it('the Gradium clients report an error frame naming 1006 as a server error and close (ASR and TTS)', async () => {
      emu.setFaults({
        errorAfterFrames: { frames: 2, code: 1006, message: 'Internal server error' },
        ttsErrorAfterChunks: { chunks: 2, code: 1006, message: 'Internal server error' },
      });
      const asr = new GradiumSession({
        url: emu.url,
        apiKey: 'test-key',
        setup: { model: 'default', inputFormat: 'pcm', jsonConfig: { language: 'en' } },
      });
      const asrClosed = new Promise<SessionClose>((resolve) => asr.on('close', resolve));
      asr.on('ready', () => {
        for (let i = 0; i < 4; i++) asr.sendAudio(Buffer.alloc(3840));
      });
      asr.connect();
      const a = await asrClosed;
      assert.equal(a.error?.kind, 'server');
      assert.equal(a.error?.closeCode, 1006);
      assert.equal(a.error?.code, 'SERVER_ERROR');

      const tts = new TtsSession({
        url: emu.ttsUrl,
        apiKey: 'test-key',
        setup: { voice: 'YTpq7expH9539ERJ', model: 'default', outputFormat: 'pcm_16000' },
        text: [TEXT],
      });
      const ttsClosed = new Promise<TtsSessionClose>((resolve) => tts.on('close', resolve));
      tts.connect();
      const t = await ttsClosed;
      assert.equal(t.completed, false);
      assert.equal(t.error?.kind, 'server');
      assert.equal(t.error?.closeCode, 1006);
    });
  });

  describe('CLI flags', () => {
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    });

    const start = (args: string[]): Promise<CliEmulator> => startCli(['--key', 'test-key', ...args], (proc) => children.push(proc));

    it('--error-after-frames and --tts-error-after-chunks with 1006, 1005, 999 and 5000: clean closes, the process lives on', async () => {
      const codes = [1006, 1005, 999, 5000];
      const started = await Promise.all(
        codes.map((code) => start(['--error-after-frames', `2:${code}:boom`, '--tts-error-after-chunks', `2:${code}:boom`])),
      );
      for (const [i, code] of codes.entries()) {
        const { asr, tts, proc, stderr } = started[i]!;
        const a = await asrRun(asr);
        assert.equal(a.close.code, 1011, `ASR ${code}`);
        assert.deepEqual(a.client.messages.at(-1), { type: 'error', client_req_id: null, message: 'boom', code });
        const t = await ttsRun(tts);
        assert.equal(t.close.code, 1011, `TTS ${code}`);
        assert.deepEqual(t.client.messages.at(-1), { type: 'error', message: 'boom', code, client_req_id: null });
        // Still serving after both (an uncaught throw would have ended the process).
        const again = await ttsRun(tts);
        assert.equal(again.close.code, 1011);
        assert.equal(proc.exitCode, null, stderr());
        assert.doesNotMatch(stderr(), /valid error code/);
      }
    });
  });
});
