/**
 * gradium-tts in a real Node-RED runtime against the emulator over a real WebSocket: every format and both
 * deliveries checked byte for byte against what the emulator sent, order per key and keys in parallel,
 * barge-in, the speaking output's timing, settings mid-flow, redeploy, bad input, refused key, unknown
 * voice, lost connections, and the key in no output, log or status.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import configNode = require('../../src/nodes/gradium-config');
import ttsNode = require('../../src/nodes/gradium-tts');
import { TTS_DEFAULTS } from '../../src/nodes/node-config';
import { until } from '../helpers/speech-audio';
import { oggPages, parseWav } from '../emulator/tts-helpers';
import { helper, TtsRun, ttsFlow, unloadTts, type AudioMsg } from './tts-harness';

const KEY = 'gsk_tts_node_key_7f3a91c2';
const TEXT = 'Hello there, how are you? The kitchen light is on.';
const WORDS = TEXT.split(' ');

/** The bytes the emulator sent for its TTS session `i`, as the client saw them (the sum of the audio). */
function bytesPerSample(encoding: string): number {
  return encoding === 'ulaw' || encoding === 'alaw' ? 1 : 2;
}

describe('gradium-tts node (Node-RED runtime + emulator)', function () {
  this.timeout(30000);
  let emu: Emulator;

  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
  });
  afterEach(async () => {
    await unloadTts();
    await emu.close();
  });

  const start = (props: Parameters<typeof TtsRun.start>[0]['props'] = {}, testing?: Parameters<typeof TtsRun.start>[0]['testing']) =>
    TtsRun.start({ url: emu.url, apiKey: KEY, props, testing });

  describe('file delivery', () => {
    it('wav: one complete WAV per utterance, header right, every sample the emulator sent, words, text, figures', async () => {
      const run = await start();
      run.send({ topic: 'kitchen', payload: TEXT, siteId: 'kitchen-sat', sessionId: 'abc' });
      const [out] = await run.waitEnds(1);
      const msg = out!;
      const wav = parseWav(msg.payload);
      const s = emu.ttsSessions[0]!;
      assert.equal(wav.audioFormat, 1);
      assert.equal(wav.channels, 1);
      assert.equal(wav.sampleRate, 16000);
      assert.equal(wav.bitsPerSample, 16);
      assert.equal(wav.blockAlign, 2);
      assert.equal(wav.byteRate, 32000);
      assert.equal(wav.dataOffset, 44);
      assert.equal(wav.dataSize, msg.payload.length - 44, 'data size is the real one');
      assert.equal(wav.riffSize, msg.payload.length - 8, 'RIFF size is the real one');
      assert.equal(wav.dataSize / 2, s.samplesSent, 'every sample the emulator sent, once');
      assert.equal(s.setup?.output_format, 'pcm_16000', 'WAV is made from PCM at the chosen rate');
      assert.deepEqual(msg.format, { encoding: 'wav', sampleRate: 16000, channels: 1 });
      assert.equal(msg.durationMs, Math.round((s.samplesSent / 16000) * 1000));
      assert.equal(msg.text, TEXT);
      assert.deepEqual(msg.words!.map((w) => w.text), WORDS);
      assert.ok(msg.words!.every((w) => w.start < w.end && w.end * 1000 <= msg.durationMs));
      assert.equal(msg.topic, 'kitchen');
      assert.equal(msg.siteId, 'kitchen-sat', 'other input properties carry over');
      assert.equal(msg.sessionId, 'abc');
      assert.equal(msg.seq, undefined);
      assert.equal(msg.final, undefined);
      assert.equal(s.text, TEXT, 'the text reached Gradium whole');
      assert.deepEqual(s.config, { padding_bonus: 0, temp: 0.7 });
      assert.equal(s.setup?.voice_id, TTS_DEFAULTS.voice);
      await until('done() for the input message', () => run.completed.length === 1);
      assert.deepEqual(run.caught, []);
      await until('unmute', () => run.speaking('kitchen').length === 2, 10000);
      const everything = JSON.stringify([run.events.map((e) => ({ ...e.msg, payload: null })), run.statuses, run.warnings, run.logLines()]);
      assert.ok(!everything.includes(KEY), 'the key is in no output, status or log line');
      assert.equal(emu.ttsSessions[0]!.headers['x-api-key'], undefined);
    });

    for (const [format, sampleRate, gradium] of [
      ['wav', 8000, 'pcm_8000'],
      ['wav', 22050, 'pcm_22050'],
      ['wav', 24000, 'pcm_24000'],
      ['wav', 44100, 'pcm_44100'],
      ['wav', 48000, 'pcm_48000'],
      ['pcm', 16000, 'pcm_16000'],
      ['pcm', 48000, 'pcm_48000'],
      ['ulaw', 16000, 'ulaw_8000'],
      ['alaw', 16000, 'alaw_8000'],
    ] as const) {
      it(`${format} at ${sampleRate} Hz: asks Gradium for ${gradium}; the payload holds every sample`, async () => {
        const run = await start({ format, sampleRate });
        run.send({ topic: 't', payload: TEXT });
        const [msg] = await run.waitEnds(1);
        const s = emu.ttsSessions[0]!;
        assert.equal(s.setup?.output_format, gradium);
        const rate = format === 'ulaw' || format === 'alaw' ? 8000 : sampleRate;
        assert.deepEqual(msg!.format, { encoding: format, sampleRate: rate, channels: 1 });
        const audioBytes = format === 'wav' ? parseWav(msg!.payload).dataSize : msg!.payload.length;
        assert.equal(audioBytes / bytesPerSample(format), s.samplesSent);
        if (format === 'wav') assert.equal(parseWav(msg!.payload).sampleRate, sampleRate);
        assert.equal(msg!.durationMs, Math.round((s.samplesSent / rate) * 1000));
      });
    }

    it('opus: one Ogg Opus file (OpusHead first, end of stream last), its duration from the granules', async () => {
      const run = await start({ format: 'opus' });
      run.send({ topic: 't', payload: TEXT });
      const [msg] = await run.waitEnds(1);
      const pages = oggPages(msg!.payload);
      assert.equal(pages[0]!.packets[0]!.toString('latin1', 0, 8), 'OpusHead');
      assert.equal(pages.at(-1)!.flags & 0x04, 0x04);
      assert.equal(pages.at(-1)!.granule, emu.ttsSessions[0]!.samplesSent);
      assert.deepEqual(msg!.format, { encoding: 'opus', sampleRate: 48000, channels: 1 });
      assert.equal(msg!.durationMs, Math.round((pages.at(-1)!.granule / 48000) * 1000));
    });
  });

  describe('stream delivery', () => {
    for (const [format, sampleRate] of [
      ['pcm', 16000],
      ['pcm', 44100],
      ['opus', 48000],
      ['ulaw', 8000],
      ['alaw', 8000],
    ] as const) {
      it(`${format}: a message per chunk as it arrives, seq consecutive, exactly one final (empty), nothing lost`, async () => {
        const run = await start({ format, sampleRate, delivery: 'stream' });
        run.send({ topic: 'desk', payload: TEXT, extra: 42 });
        await run.waitEnds(1);
        const msgs = run.audio('desk');
        const s = emu.ttsSessions[0]!;
        assert.deepEqual(msgs.map((m) => m.seq), msgs.map((_, i) => i));
        assert.equal(msgs.filter((m) => m.final).length, 1);
        const last = msgs.at(-1)!;
        assert.equal(last.final, true);
        assert.equal(last.payload.length, 0, 'the final message is empty');
        assert.deepEqual(last.words!.map((w) => w.text), WORDS);
        assert.equal(last.text, TEXT);
        const chunks = msgs.slice(0, -1);
        assert.ok(chunks.length >= 10, `${chunks.length} chunks`);
        for (const c of chunks) {
          assert.equal(c.final, false);
          assert.ok(c.payload.length > 0);
          assert.equal(c.words, undefined);
          assert.equal(c.extra, 42, 'other input properties carry over');
        }
        const joined = Buffer.concat(chunks.map((c) => c.payload));
        if (format === 'opus') {
          assert.equal(oggPages(joined).at(-1)!.granule, s.samplesSent);
        } else {
          for (const c of chunks) assert.equal(c.payload.length % bytesPerSample(format), 0, 'whole samples');
          assert.equal(joined.length / bytesPerSample(format), s.samplesSent);
        }
        assert.equal(last.durationMs, Math.round((s.samplesSent / (format === 'opus' ? 48000 : sampleRate)) * 1000));
        const sum = chunks.reduce((n, c) => n + c.durationMs, 0);
        assert.ok(Math.abs(sum - last.durationMs) <= chunks.length, `chunk durations ${sum} vs ${last.durationMs}`);
      });
    }

    it('wav with stream delivery is refused as a configuration error', async () => {
      const run = await start({ format: 'wav', delivery: 'stream' });
      run.send({ topic: 't', payload: 'hello' });
      await run.waitCaught(1);
      assert.equal(run.caught[0]!.error.code, 'NOT_CONFIGURED');
      assert.match(run.caught[0]!.error.message, /format "wav" needs delivery "file"/);
      assert.ok(run.errors.some((e) => /misconfigured/.test(e)));
      assert.equal(emu.ttsSessions.length, 0);
    });
  });

  describe('keys, order and barge-in', () => {
    it('a key’s texts are spoken in order; different keys at the same time', async () => {
      emu.setFaults({ ttsChunkIntervalMs: 5 });
      const run = await start({ delivery: 'stream', format: 'pcm' });
      run.send({ topic: 'hall', payload: 'first thing to say', n: 1 });
      run.send({ topic: 'hall', payload: 'then the second', n: 2 });
      run.send({ topic: 'yard', payload: 'meanwhile in the yard', n: 3 });
      await run.waitEnds(3);
      const hall = run.audio('hall');
      const firstFinal = hall.findIndex((m) => m.final);
      assert.ok(hall.slice(0, firstFinal + 1).every((m) => m.n === 1), 'all of the first before any of the second');
      assert.ok(hall.slice(firstFinal + 1).every((m) => m.n === 2));
      // The yard spoke while the hall did: its chunks interleave with the hall's first utterance.
      const timeline = run.events.filter((e) => e.port === 'audio').map((e) => e.msg.topic);
      const yardFirst = timeline.indexOf('yard');
      const hallFirstEnd = run.events.findIndex((e) => e.port === 'audio' && e.msg.topic === 'hall' && e.msg.final);
      assert.ok(yardFirst < hallFirstEnd, 'keys in parallel');
      assert.deepEqual(
        emu.ttsSessions.map((s) => s.text).filter((t) => t !== 'meanwhile in the yard'),
        ['first thing to say', 'then the second'],
      );
      await until('three done() calls', () => run.completed.length === 3);
    });

    it('mute goes out before the first audio; unmute once the audio has played plus the tail', async () => {
      const run = await start({ unmuteDelay: 200 });
      run.send({ topic: 'sat1', payload: 'hi there' });
      await until('unmute', () => run.speaking('sat1').some((m) => m.action === 'unmute'), 10000);
      const kinds = run.events.map((e) => (e.port === 'audio' ? 'audio' : e.msg.action));
      assert.deepEqual(kinds, ['mute', 'audio', 'unmute']);
      const [mute, audio, unmute] = run.events;
      assert.equal(mute!.msg.topic, 'sat1');
      const file = audio!.msg as AudioMsg;
      // Measured from the mute, which the node sends in the same tick as the audio: the audio message (a whole WAV)
      // can reach the test's node later than it left under load, the small mute message does not lag behind it.
      const waited = unmute!.at - mute!.at;
      assert.ok(waited >= file.durationMs + 200 - 20, `unmute ${waited} ms after the audio left (${file.durationMs} ms + 200)`);
      assert.ok(waited < file.durationMs + 200 + 1500, `unmute came late: ${waited} ms`);
      const figures = (unmute!.msg as unknown as { payload: Record<string, unknown> }).payload;
      assert.equal(figures.reason, 'played');
      assert.equal(figures.durationMs, file.durationMs);
      assert.equal(figures.characters, 'hi there'.length);
      assert.equal(figures.utterances, 1);
      assert.equal(typeof figures.firstAudioMs, 'number');
      assert.deepEqual(Object.keys(unmute!.msg).sort(), ['_msgid', 'action', 'payload', 'topic']);
    });

    it('stop: no chunk after it, unmute at once, the queue dropped; the next utterance works', async () => {
      emu.setFaults({ ttsChunkIntervalMs: 25 });
      const run = await start({ delivery: 'stream', format: 'pcm' });
      run.send({ topic: 'desk', payload: 'this is a long answer that the user is going to interrupt halfway' });
      run.send({ topic: 'desk', payload: 'and this one waits' });
      await until('a few chunks', () => run.audio('desk').length >= 3);
      run.send({ topic: 'desk', action: 'stop' });
      const atStop = run.audio('desk').length;
      await until('unmute', () => run.speaking('desk').some((m) => m.action === 'unmute'));
      const unmute = run.speaking('desk').find((m) => m.action === 'unmute')!;
      assert.equal(unmute.payload.reason, 'stop');
      assert.equal(unmute.payload.dropped, 1);
      await until('the emulator saw the cancel', () => emu.ttsSessions[0]!.closed);
      assert.equal(emu.ttsSessions[0]!.cancelled, true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(run.audio('desk').length, atStop, 'nothing more of the stopped utterance');
      assert.ok(!run.audio('desk').some((m) => m.final), 'no final for a stopped utterance');
      assert.equal(emu.ttsSessions.length, 1, 'the dropped text never reached Gradium');
      assert.deepEqual(run.caught, [], 'stop is not an error');
      await until('done() for all three messages', () => run.completed.length === 3);

      emu.setFaults({});
      run.send({ topic: 'desk', payload: 'back again' });
      await run.waitEnds(1, 'desk');
      assert.equal(run.ends('desk')[0]!.text, 'back again');
      assert.deepEqual(run.speaking('desk').map((m) => m.action), ['mute', 'unmute', 'mute']);
    });

    it('stop on a key that is silent does nothing and is no error', async () => {
      const run = await start();
      run.send({ topic: 'nobody', action: 'stop' });
      await until('done', () => run.completed.length === 1);
      assert.deepEqual(run.events, []);
      assert.deepEqual(run.caught, []);
    });
  });

  describe('settings', () => {
    it('msg.settings with a key changes that key only; without a key the node; aliases work', async () => {
      const run = await start();
      run.send({ topic: 'fr', settings: { voice_id: 'iEu63s1rhn_kegTr', speed: 1 } });
      run.send({ topic: 'fr', payload: 'bonjour' });
      run.send({ topic: 'en', payload: 'hello' });
      await run.waitEnds(2);
      const byText = (t: string) => emu.ttsSessions.find((s) => s.text === t)!;
      assert.equal(byText('bonjour').setup?.voice_id, 'iEu63s1rhn_kegTr');
      // speed 1 (faster) travels as Gradium's padding_bonus -1.
      assert.deepEqual(byText('bonjour').config, { padding_bonus: -1, temp: 0.7 });
      assert.equal(byText('hello').setup?.voice_id, TTS_DEFAULTS.voice);

      run.send({ settings: { format: 'ulaw', temperature: 0.2 } });
      run.send({ topic: 'en', payload: 'now in mu law' });
      await run.waitEnds(3);
      assert.equal(byText('now in mu law').setup?.output_format, 'ulaw_8000');
      assert.equal(byText('now in mu law').config?.temp, 0.2);
      assert.deepEqual(run.ends().at(-1)!.format, { encoding: 'ulaw', sampleRate: 8000, channels: 1 });
    });

    it('settings and text in one message: the text is spoken with them', async () => {
      const run = await start();
      run.send({ topic: 'a', payload: 'stream me', settings: { delivery: 'stream', format: 'pcm', sampleRate: 24000 } });
      await run.waitEnds(1);
      const msgs = run.audio('a');
      assert.ok(msgs.length > 2 && msgs.at(-1)!.final === true);
      assert.equal(emu.ttsSessions[0]!.setup?.output_format, 'pcm_24000');
    });

    it('mid-utterance: the utterance being spoken keeps its settings, the next one takes the new ones', async () => {
      emu.setFaults({ ttsChunkIntervalMs: 10 });
      const run = await start({ delivery: 'stream', format: 'pcm' });
      run.send({ topic: 'k', payload: 'the first utterance is rather long, to leave time for a change' });
      await until('speaking', () => run.audio('k').length >= 2);
      run.send({ topic: 'k', settings: { sampleRate: 8000 } });
      run.send({ topic: 'k', payload: 'second' });
      await run.waitEnds(2);
      const [first, second] = run.ends('k');
      assert.equal(first!.format.sampleRate, 16000);
      assert.equal(second!.format.sampleRate, 8000);
      assert.deepEqual(emu.ttsSessions.map((s) => s.setup?.output_format), ['pcm_16000', 'pcm_8000']);
    });

    it('refuses unknown settings, bad values and combinations that cannot work, changing nothing', async () => {
      const run = await start();
      run.send({ settings: { voise: 'x' } });
      run.send({ settings: { speed: 9 } });
      run.send({ settings: { format: 'mp3' } });
      run.send({ settings: { format: 'ulaw', sampleRate: 16000 } });
      run.send({ settings: { format: 'wav', delivery: 'stream' } });
      run.send({ settings: 'fast' });
      // Gradium's own name for speed reads the other way round, so it is not an alias (README).
      run.send({ settings: { padding_bonus: 1 } });
      await run.waitCaught(7);
      assert.deepEqual(run.caught.map((m) => m.error.code), Array(7).fill('SETTING_REFUSED'));
      assert.match(run.caught[6]!.error.message, /msg\.settings\.padding_bonus is not a setting/);
      assert.match(run.caught[0]!.error.message, /msg\.settings\.voise is not a setting.*accepted: voice, model/);
      assert.match(run.caught[1]!.error.message, /speed.*-4–4/);
      assert.match(run.caught[3]!.error.message, /8000 Hz only/);
      run.send({ topic: 'k', payload: 'still the same settings' });
      const [msg] = await run.waitEnds(1);
      assert.deepEqual(msg!.format, { encoding: 'wav', sampleRate: 16000, channels: 1 });
    });
  });

  describe('bad input', () => {
    it('empty text, a non-string payload, an unknown action, a bad key: one clear error each, no socket', async () => {
      const run = await start();
      run.send({ topic: 'k', payload: '' });
      run.send({ topic: 'k', payload: '   \n ' });
      run.send({ topic: 'k', payload: 42 });
      run.send({ topic: 'k', payload: Buffer.from('hello') });
      run.send({ topic: 'k', payload: { text: 'hello' } });
      run.send({ topic: 'k' });
      run.send({ topic: 'k', payload: 'hello', action: 'pause' });
      run.send({ topic: { room: 1 }, payload: 'hello' });
      run.send({ topic: 'k', payload: 'x'.repeat(100_001) });
      await run.waitCaught(9);
      assert.deepEqual(
        run.caught.map((m) => m.error.code),
        ['BAD_TEXT', 'BAD_TEXT', 'BAD_TEXT', 'BAD_TEXT', 'BAD_TEXT', 'BAD_TEXT', 'BAD_INPUT', 'BAD_INPUT', 'BAD_TEXT'],
      );
      assert.match(run.caught[0]!.error.message, /empty/);
      assert.match(run.caught[2]!.error.message, /got number 42; expected the text to speak/);
      assert.match(run.caught[3]!.error.message, /expected the text to speak/);
      assert.match(run.caught[6]!.error.message, /expected "stop"/);
      assert.equal(emu.ttsSessions.length, 0, 'nothing was sent to Gradium');
      // The node still works.
      run.send({ topic: 'k', payload: 'fine' });
      await run.waitEnds(1);
    });

    it('a node without a config node says so on every message', async () => {
      await helper.load([configNode, ttsNode], [
        { id: 'n1', type: 'gradium-tts', ...TTS_DEFAULTS, gradium: 'missing', wires: [[], []] },
        { id: 'ct', type: 'catch', scope: ['n1'], uncaught: false, wires: [['k1']] },
        { id: 'k1', type: 'helper' },
      ] as Parameters<typeof helper.load>[1]);
      const caught: { error: { code: string; message: string } }[] = [];
      (helper.getNode('k1') as unknown as { on(e: string, cb: (m: never) => void): void }).on('input', (m) => caught.push(m));
      (helper.getNode('n1') as unknown as { receive(m: object): void }).receive({ payload: 'hello' });
      await until('caught', () => caught.length === 1);
      assert.equal(caught[0]!.error.code, 'NOT_CONFIGURED');
      assert.match(caught[0]!.error.message, /no gradium-config node/);
    });
  });

  describe('failures', () => {
    it('a refused key: one KEY_REFUSED error, not retried, the key’s queue dropped; the key appears nowhere', async () => {
      const wrong = 'gsk_wrong_key_for_tts_000111';
      const run = await TtsRun.start({ url: emu.url, apiKey: wrong });
      run.send({ topic: 'k', payload: 'one' });
      run.send({ topic: 'k', payload: 'two' });
      await run.waitCaught(1);
      await until('done for both', () => run.completed.length + run.caught.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(run.caught.length, 1);
      assert.equal(run.caught[0]!.error.code, 'KEY_REFUSED');
      assert.match(run.caught[0]!.error.message, /Invalid or expired API key.*1 queued utterance was dropped/);
      assert.equal(emu.ttsSessions.length, 1, 'no retry, and the queued text never opened a socket');
      await until('red status', () => run.statuses.some((s) => s.fill === 'red'));
      assert.equal(run.statuses.at(-1)!.text, 'gradium-tts.status.error.invalidKey');
      const everything = JSON.stringify([run.events, run.caught, run.statuses, run.errors, run.warnings, run.logLines()]);
      assert.ok(!everything.includes(wrong), 'the key is in no output, error, status or log line');
    });

    it('an unknown voice: one VOICE_UNKNOWN error naming the voice, no retry', async () => {
      const run = await start({ voice: 'nobody-9a8b7c6d' });
      run.send({ topic: 'k', payload: 'hello' });
      await run.waitCaught(1);
      assert.equal(run.caught[0]!.error.code, 'VOICE_UNKNOWN');
      assert.match(run.caught[0]!.error.message, /"nobody-9a8b7c6d"/);
      assert.equal(emu.ttsSessions.length, 1);
      assert.deepEqual(run.events, [], 'no audio, no mute');
      await until('status', () => run.statuses.at(-1)?.text === 'gradium-tts.status.error.voice');
    });

    it('a connection dropped before any audio left is retried once; the listener hears the whole utterance', async () => {
      emu.setFaults({ ttsCloseAfterChunks: 2 });
      emu.on('tts-session', () => emu.setFaults({}));
      const run = await start();
      run.send({ topic: 'k', payload: TEXT });
      const [msg] = await run.waitEnds(1);
      assert.equal(emu.ttsSessions.length, 2);
      assert.equal(parseWav(msg!.payload).dataSize / 2, emu.ttsSessions[1]!.samplesSent);
      assert.deepEqual(msg!.words!.map((w) => w.text), WORDS);
      assert.ok(run.warnings.some((w) => /Retrying once/.test(w)));
      assert.deepEqual(run.caught, []);
    });

    it('a connection dropped after chunks left (stream) is reported, not retried: no repeated words', async () => {
      emu.setFaults({ ttsCloseAfterChunks: 4 });
      const run = await start({ delivery: 'stream', format: 'pcm' });
      run.send({ topic: 'k', payload: TEXT });
      await run.waitCaught(1);
      assert.equal(run.caught[0]!.error.code, 'UNREACHABLE');
      assert.match(run.caught[0]!.error.message, /Not retried: part of the speech had already been sent/);
      assert.equal(run.audio('k').length, 4);
      assert.ok(!run.audio('k').some((m) => m.final));
      assert.equal(emu.ttsSessions.length, 1);
      await until('unmute after what left has played', () => run.speaking('k').some((m) => m.action === 'unmute'));
      assert.equal(run.speaking('k').at(-1)!.payload.reason, 'error');
    });

    it('a connection that fails twice is one UNREACHABLE error after one retry', async () => {
      emu.setFaults({ ttsCloseAfterChunks: 0 });
      const run = await start();
      run.send({ topic: 'k', payload: 'hello' });
      await run.waitCaught(1);
      assert.equal(emu.ttsSessions.length, 2);
      assert.match(run.caught[0]!.error.message, /Retried once without success/);
    });

    it('slow first audio is waited for, and the figures show it', async () => {
      emu.setFaults({ ttsFirstAudioDelayMs: 400 });
      const run = await start();
      run.send({ topic: 'k', payload: 'hello' });
      await run.waitEnds(1);
      const mute = run.speaking('k')[0]!;
      assert.ok(mute.payload.firstAudioMs >= 380, `firstAudioMs ${mute.payload.firstAudioMs}`);
    });

    it('Gradium silent past the response timeout: retried once, then a clear error', async () => {
      emu.setFaults({ ttsFirstAudioDelayMs: 5000 });
      const run = await start({}, { timing: { responseTimeoutMs: 300, retryDelayMs: 10 } });
      run.send({ topic: 'k', payload: 'hello' });
      await run.waitCaught(1);
      assert.equal(run.caught[0]!.error.code, 'UNREACHABLE');
      assert.match(run.caught[0]!.error.message, /sent nothing for 300 ms/);
      assert.equal(emu.ttsSessions.length, 2);
    });
  });

  describe('long texts and redeploys', () => {
    it('a long text is several Gradium requests and one utterance (WAV of them all)', async () => {
      const text = Array.from({ length: 10 }, (_, i) => `This is sentence number ${i}.`).join(' ');
      const run = await start({}, { limits: { maxChars: 80 } });
      run.send({ topic: 'k', payload: text });
      const [msg] = await run.waitEnds(1);
      assert.ok(emu.ttsSessions.length >= 4);
      assert.equal(emu.ttsSessions.map((s) => s.text).join(' '), text);
      const samples = emu.ttsSessions.reduce((n, s) => n + s.samplesSent, 0);
      assert.equal(parseWav(msg!.payload).dataSize / 2, samples);
      assert.equal(msg!.words!.length, text.split(' ').length);
      assert.equal(run.speaking('k').filter((m) => m.action === 'mute').length, 1);
    });

    it('redeploy mid-utterance: the socket closes, no more audio, unmute (closed), the new flow speaks', async () => {
      emu.setFaults({ ttsChunkIntervalMs: 25 });
      const run = await start({ delivery: 'stream', format: 'pcm' });
      run.send({ topic: 'k', payload: 'a long sentence that a redeploy will cut short before it ends' });
      await until('speaking', () => run.audio('k').length >= 3);
      const flow = ttsFlow({ url: emu.url, apiKey: KEY, props: { delivery: 'stream', format: 'pcm', name: 'changed' } });
      await helper.setFlows(flow as Parameters<typeof helper.setFlows>[0], 'nodes', { c1: { apiKey: KEY } });
      const atDeploy = run.audio('k').length;
      await until('the emulator saw the close', () => emu.ttsSessions[0]!.closed);
      assert.equal(emu.ttsSessions[0]!.cancelled, true);
      await until('unmute', () => run.speaking('k').some((m) => m.action === 'unmute'));
      assert.equal(run.speaking('k').at(-1)!.payload.reason, 'closed');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(run.audio('k').length, atDeploy, 'no audio after the redeploy');

      emu.setFaults({});
      run.capture();
      run.send({ topic: 'k', payload: 'after the deploy' });
      await until('the new node spoke', () => run.audio('k').some((m) => m.final && m.text === 'after the deploy'));
    });
  });
});
