/**
 * One rule for a message without a key (the key property missing or "", as an Inject node sends `topic: ""`),
 * the same in both nodes, through a real Node-RED against the emulator: content (audio, text) goes to the
 * stream or speaker named ""; control (action, settings, reset, mute) acts on every stream or speaker.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { KEY as STT_KEY, SttHarness, helper as sttHelper } from './stt-harness';
import { TtsRun, unloadTts } from './tts-harness';

const TTS_KEY = 'gsk_keyless_tts_key_5d1e07';
const LONG = 'this is a long answer that somebody is going to interrupt before it is over, halfway through';

describe('a message without a key: content to "", control to all (Node-RED runtime + emulator)', function () {
  this.timeout(30000);

  describe('gradium-stt', () => {
    let emu: Emulator;
    beforeEach(async () => {
      emu = await startEmulator({ apiKeys: [STT_KEY], script: ['hello world', 'good night', 'one more'] });
    });
    afterEach(async () => {
      await sttHelper.unload();
      await emu.close();
    });

    const speech = (): Buffer[] => chunks(speechPcm([{ speechMs: 800, silenceMs: 200 }]), 80);

    it('{topic: "", action: "stop"} stops every stream; no stream "" is opened', async () => {
      const h = await SttHarness.start(emu.url, { sendAudio: 'always', turnMode: 'manual', idleTimeout: 0 });
      h.audio('kitchen', speech());
      h.audio('porch', speech());
      await until('both streams connected', () => h.connected.length === 2);
      h.send({ topic: '', action: 'stop' });
      await h.waitDisconnected(2);
      assert.deepEqual(h.disconnected.map((d) => d.topic).sort(), ['kitchen', 'porch']);
      assert.deepEqual(h.disconnected.map((d) => d.payload.reason), ['stop', 'stop']);
      assert.deepEqual(h.finals().map((f) => f.transcript.endOfTurn), ['stop', 'stop'], 'each stream ends with its last final');
      assert.deepEqual(h.errors, []);
      assert.ok(!h.connected.some((c) => c.topic === ''), 'no stream "" was opened');
      // With no stream open, a keyless stop has nothing to act on: no error either.
      h.send({ action: 'stop' });
      assert.deepEqual(h.errors, []);
    });

    it('{action: "flush"} ends the turn of every stream; keyless audio goes to the stream ""', async () => {
      const h = await SttHarness.start(emu.url, { sendAudio: 'always', turnMode: 'manual', idleTimeout: 0 });
      h.audio('kitchen', speech());
      h.audio('', speech());
      await until('both streams connected', () => h.connected.length === 2);
      assert.deepEqual(h.connected.map((c) => c.topic).sort(), ['', 'kitchen'], 'audio with topic "" is the stream ""');
      h.send({ action: 'flush' });
      await h.waitFinals(2);
      assert.deepEqual(h.finals().map((f) => f.topic).sort(), ['', 'kitchen']);
      assert.deepEqual(h.finals().map((f) => f.transcript.endOfTurn), ['flush', 'flush']);
      assert.equal(h.disconnected.length, 0, 'flush keeps the streams open');
      // A named stop still acts on its stream only.
      h.send({ topic: 'kitchen', action: 'stop' });
      await h.waitDisconnected(1);
      assert.deepEqual(h.disconnected.map((d) => d.topic), ['kitchen']);
      h.send({ topic: '', action: 'stop' });
      await h.waitDisconnected(2);
      assert.equal(h.disconnected[1]!.topic, '');
      assert.deepEqual(h.errors, []);
    });
  });

  describe('gradium-tts', () => {
    let emu: Emulator;
    beforeEach(async () => {
      emu = await startEmulator({ apiKeys: [TTS_KEY] });
    });
    afterEach(async () => {
      await unloadTts();
      await emu.close();
    });

    it('{topic: "", action: "stop"} stops every speaker that is speaking', async () => {
      emu.setFaults({ ttsChunkIntervalMs: 25 });
      const run = await TtsRun.start({ url: emu.url, apiKey: TTS_KEY, props: { delivery: 'stream', format: 'pcm' } });
      run.send({ topic: 'desk', payload: LONG });
      run.send({ topic: 'hall', payload: LONG });
      run.send({ topic: 'hall', payload: 'and this one waits' });
      await until('both speakers speaking', () => run.audio('desk').length >= 2 && run.audio('hall').length >= 2);
      run.send({ topic: '', action: 'stop' });
      await until('both unmuted', () => ['desk', 'hall'].every((k) => run.speaking(k).some((m) => m.action === 'unmute')));
      for (const key of ['desk', 'hall']) {
        const unmute = run.speaking(key).find((m) => m.action === 'unmute')!;
        assert.equal(unmute.payload.reason, 'stop', key);
      }
      assert.equal(run.speaking('hall').find((m) => m.action === 'unmute')!.payload.dropped, 1, 'the queued text is dropped');
      await until('done() for all four messages', () => run.completed.length === 4);
      assert.ok(!run.audio().some((m) => m.final), 'no final for a stopped utterance');
      assert.deepEqual(run.speaking('').map((m) => m.action), [], 'no speaker "" was involved');
      assert.deepEqual(run.caught, [], 'stop is not an error');
    });

    it('keyless text is the speaker ""; {topic: "", settings} is for the node, not for the speaker ""', async () => {
      const run = await TtsRun.start({ url: emu.url, apiKey: TTS_KEY, props: {} });
      run.send({ topic: '', settings: { voice_id: 'iEu63s1rhn_kegTr' } });
      run.send({ topic: 'lounge', payload: 'a named speaker' });
      run.send({ topic: '', payload: 'the unnamed speaker' });
      await run.waitEnds(2);
      assert.deepEqual(run.ends().map((m) => m.topic).sort(), ['', 'lounge']);
      for (const s of emu.ttsSessions) assert.equal(s.setup?.voice_id, 'iEu63s1rhn_kegTr', s.text);
      assert.deepEqual(run.caught, []);
    });
  });
});
