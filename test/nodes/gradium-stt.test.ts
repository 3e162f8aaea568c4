import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { helper, KEY, SttHarness } from './stt-harness';

const SCRIPT = ['hello world', 'turn on the kitchen lights', 'what time is it', 'good night'];
const TWO_UTTERANCES = speechPcm([
  { speechMs: 800, silenceMs: 900 },
  { speechMs: 1200, silenceMs: 900 },
]);

describe('gradium-stt node (Node-RED runtime + emulator)', function () {
  let emu: Emulator;

  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  it('streams one microphone: connected, interim and one final per utterance (VAD), disconnected on stop', async () => {
    const h = await SttHarness.start(emu.url);
    h.audio('kitchen', chunks(TWO_UTTERANCES, 32), { correlation: 'abc' });
    const finals = await h.waitFinals(2);
    assert.deepEqual(finals.map((f) => f.payload), ['hello world', 'turn on the kitchen lights']);
    for (const f of finals) {
      assert.equal(f.topic, 'kitchen');
      assert.equal(f.transcript.endOfTurn, 'vad');
      assert.equal(f.transcript.final, true);
      assert.equal(f.correlation, 'abc', 'other properties of the input message are kept');
      assert.equal(f.transcript.words.length, f.payload.split(' ').length);
      assert.ok(typeof f.transcript.latencyMs === 'number' && f.transcript.latencyMs >= 0);
    }
    const interims = h.transcripts.filter((t) => !t.final).map((t) => t.payload);
    assert.ok(interims.includes('hello'), 'interim results are cumulative, word by word');
    assert.ok(interims.includes('turn on the kitchen'));
    // Words are placed on the audio: the second utterance starts after the first one's 1.7 s.
    assert.ok(finals[1]!.transcript.words[0]!.start >= 1.6, `second turn starts at ${finals[1]!.transcript.words[0]!.start}`);

    assert.equal(h.connected.length, 1);
    const c = h.connected[0]!;
    assert.equal(c.topic, 'kitchen');
    assert.equal(c.payload.inputFormat, 'pcm_16000');
    assert.equal(c.payload.language, 'en');
    assert.equal(c.payload.session, 1);
    assert.ok(c.payload.requestId);

    h.send({ topic: 'kitchen', action: 'stop' });
    await h.waitDisconnected(1);
    const d = h.disconnected[0]!.payload;
    assert.equal(d.reason, 'stop');
    assert.equal(d.willReconnect, false);
    assert.ok(Math.abs(d.audioSeconds - 3.8) < 0.1, `audioSeconds ${d.audioSeconds}`);
    assert.equal(d.droppedAudioMs, 0);
    assert.equal(d.latency.count, 2);
    assert.ok(d.latency.p50Ms !== null && d.latency.p99Ms !== null);
    const s = emu.sessions[0]!;
    assert.equal(s.samplesReceived, TWO_UTTERANCES.length / 2, 'every sample reached Gradium once');
    assert.deepEqual(s.invalidFrames, []);
    assert.ok(s.received.some((m) => m.type === 'end_of_stream'), 'stop sends end_of_stream');
    assert.deepEqual(h.errors, []);
  });

  it('finals and interims carry transcript.normalized: lower case, no punctuation, for Switch nodes', async () => {
    emu.setScript(['Turn ON the kitchen light.', "It is 3.5 degrees, isn't it?"]);
    const h = await SttHarness.start(emu.url);
    h.audio('kitchen', chunks(TWO_UTTERANCES, 80));
    const finals = await h.waitFinals(2);
    assert.deepEqual(
      finals.map((f) => [f.payload, f.transcript.normalized]),
      [
        ['Turn ON the kitchen light.', 'turn on the kitchen light'],
        ["It is 3.5 degrees, isn't it?", "it is 3.5 degrees isn't it"],
      ],
    );
    const interim = h.transcripts.find((t) => !t.final && t.payload === 'Turn ON');
    assert.equal(interim?.transcript.normalized, 'turn on');
  });

  it('keeps three interleaved microphones apart, one Gradium session each', async () => {
    const h = await SttHarness.start(emu.url);
    const keys = ['hall', 'kitchen', 'garage'];
    const perKey = keys.map(() => chunks(TWO_UTTERANCES, 32));
    for (let i = 0; i < perKey[0]!.length; i++) keys.forEach((k, j) => h.send({ topic: k, payload: perKey[j]![i] }));
    for (const k of keys) await h.waitFinals(2, k);
    assert.equal(emu.sessions.length, 3);
    for (const k of keys) {
      const conn = h.connected.find((c) => c.topic === k)!;
      const session = emu.sessions.find((s) => s.sent.some((m) => m.type === 'ready' && m.request_id === conn.payload.requestId))!;
      const heard = h.finals(k).flatMap((f) => f.payload.split(' '));
      assert.deepEqual(heard, session.wordsSent, `stream ${k} holds exactly its own session's words`);
      for (const f of h.finals(k)) assert.ok(SCRIPT.includes(f.payload), `"${f.payload}" is one whole utterance`);
    }
  });

  it('flush ends the turn at once and keeps streaming; a word that trails flushed still lands in that final', async () => {
    emu.setFaults({ lateTextAfterFlushMs: 40 });
    const h = await SttHarness.start(emu.url, { turnMode: 'manual' });
    h.audio('desk', chunks(speechPcm([{ speechMs: 1200, silenceMs: 0 }]), 80));
    await until('audio sent', () => (emu.sessions[0]?.audioMessages ?? 0) >= 15);
    h.send({ topic: 'desk', action: 'flush' });
    const [f] = await h.waitFinals(1);
    assert.equal(f!.payload, 'hello world');
    assert.equal(f!.transcript.endOfTurn, 'flush');
    assert.equal(emu.sessions.length, 1);
    assert.equal(h.disconnected.length, 0, 'flush keeps the session open');
    h.audio('desk', chunks(speechPcm([{ speechMs: 1000, silenceMs: 0 }]), 80));
    h.send({ topic: 'desk', action: 'stop' });
    const finals = await h.waitFinals(2);
    assert.equal(finals[1]!.payload, 'turn on the kitchen lights');
    assert.equal(finals[1]!.transcript.endOfTurn, 'stop');
  });

  it('ends an idle stream with its final, reason idle', async () => {
    const h = await SttHarness.start(emu.url, { turnMode: 'manual', idleTimeout: 400 });
    h.audio('porch', chunks(speechPcm([{ speechMs: 800, silenceMs: 200 }]), 80));
    await h.waitDisconnected(1);
    assert.equal(h.disconnected[0]!.payload.reason, 'idle');
    const finals = h.finals('porch');
    assert.equal(finals.length, 1);
    assert.equal(finals[0]!.payload, 'hello world');
    assert.equal(finals[0]!.transcript.endOfTurn, 'idle');
  });

  it('audio that comes while an idle stream is ending opens the next session instead of vanishing', async () => {
    // A slow last flush: the window in which such audio used to be dropped, uncounted.
    emu.setFaults({ flushDelayMs: 300 });
    const h = await SttHarness.start(emu.url, { turnMode: 'manual', idleTimeout: 400 });
    h.audio('porch', chunks(speechPcm([{ speechMs: 800, silenceMs: 200 }]), 80));
    await until('the idle end flushes', () => emu.sessions[0]?.received.some((m) => m.type === 'flush') ?? false);
    const second = speechPcm([{ speechMs: 1200, silenceMs: 200 }]);
    h.audio('porch', chunks(second, 80));
    h.send({ topic: 'porch', action: 'stop' });
    await until('both sessions ended', () => h.disconnected.length >= 2);
    assert.equal(emu.sessions.length, 2);
    assert.equal(emu.sessions[1]!.samplesReceived, second.length / 2, 'all of the later audio reached the next session');
    assert.deepEqual(h.disconnected.map((d) => d.payload.reason).sort(), ['idle', 'stop']);
    assert.ok(h.disconnected.every((d) => d.payload.droppedAudioMs === 0));
    const finals = h.finals('porch');
    assert.deepEqual(finals.map((f) => [f.payload, f.transcript.endOfTurn]), [
      ['hello world', 'idle'],
      ['turn on the kitchen lights', 'stop'],
    ]);
  });

  it('reset drops the stream: no final, socket closed, reason reset', async () => {
    const h = await SttHarness.start(emu.url, { turnMode: 'manual', interim: false });
    h.audio('attic', chunks(speechPcm([{ speechMs: 1200, silenceMs: 0 }]), 80));
    await until('session open', () => h.connected.length === 1);
    h.send({ topic: 'attic', reset: true });
    await h.waitDisconnected(1);
    assert.equal(h.disconnected[0]!.payload.reason, 'reset');
    await until('emulator saw the close', () => emu.sessions[0]!.closed);
    assert.equal(h.transcripts.length, 0);
    assert.ok(!emu.sessions[0]!.received.some((m) => m.type === 'end_of_stream'));
  });

  it('applies settings mid-stream: final of the old session, new setup with the new language, no word lost', async () => {
    const h = await SttHarness.start(emu.url, { turnMode: 'manual' });
    const first = chunks(speechPcm([{ speechMs: 800, silenceMs: 400 }]), 80);
    const second = chunks(speechPcm([{ speechMs: 1200, silenceMs: 400 }]), 80);
    h.audio('lounge', first);
    // Mid-stream: the first words are on their way in the English session when the change comes.
    await until('first audio in the first session', () => emu.sessions[0]?.audioMessages === first.length);
    h.send({ topic: 'lounge', settings: { language: 'fr', delay_in_frames: 8 } });
    h.audio('lounge', second);
    h.send({ topic: 'lounge', action: 'stop' });
    await until('both sessions ended', () => h.disconnected.length >= 2, 15000);
    assert.equal(emu.sessions.length, 2);
    assert.equal(emu.sessions[0]!.config?.language, 'en');
    assert.equal(emu.sessions[1]!.config?.language, 'fr');
    assert.equal(emu.sessions[1]!.config?.delay_in_frames, 8);
    const reasons = h.disconnected.map((d) => d.payload.reason).sort();
    assert.deepEqual(reasons, ['settings', 'stop']);
    const finals = h.finals('lounge');
    assert.deepEqual(finals.map((f) => f.transcript.endOfTurn), ['settings', 'stop']);
    const wordsOut = finals.flatMap((f) => f.payload.split(' '));
    const wordsIn = emu.sessions.flatMap((s) => s.wordsSent);
    assert.deepEqual(wordsOut, wordsIn, 'words in = words out');
    assert.deepEqual(wordsOut, 'hello world turn on the kitchen lights'.split(' '));
    const samples = emu.sessions.reduce((n, s) => n + s.samplesReceived, 0);
    assert.equal(samples, (first.length + second.length) * 1280, 'every sample sent once across the two sessions');
    assert.equal(finals[1]!.transcript.language, 'fr');
  });

  it('refuses invalid settings with a clear error and keeps the old ones working', async () => {
    const h = await SttHarness.start(emu.url);
    h.send({ settings: { language: 'xx' } });
    h.send({ settings: { delayInFrames: 9 } });
    h.send({ settings: { langauge: 'fr' } });
    await until('three errors', () => h.errors.length >= 3);
    assert.match(h.errors[0]!, /settings\.language: got "xx"; expected one of "en", "fr", "de", "es", "pt", "any"/);
    assert.match(h.errors[1]!, /settings\.delayInFrames: got number 9; expected one of 7, 8, 10/);
    assert.match(h.errors[2]!, /msg\.settings\.langauge is not a setting/);
    h.audio('den', chunks(TWO_UTTERANCES, 80));
    await h.waitFinals(2);
    assert.equal(emu.sessions[0]!.config?.language, 'en');
  });

  it('refuses payloads that are not audio, naming what came, without disturbing other streams', async () => {
    const h = await SttHarness.start(emu.url);
    h.audio('ok', chunks(TWO_UTTERANCES, 80).slice(0, 5));
    h.send({ topic: 'ok', payload: { foo: 1 } });
    h.send({ topic: 'bad', payload: 'this is not base64 audio!' });
    h.send({ topic: 'ok', action: 'dance' });
    h.send({ topic: { nested: true }, payload: Buffer.alloc(640) });
    h.send({ topic: 'nobody', action: 'flush' });
    await until('five errors', () => h.errors.length >= 5);
    assert.match(h.errors[0]!, /object/);
    assert.match(h.errors[0]!, /Buffer/);
    assert.match(h.errors[1]!, /a String|binary audio decoded as text/i);
    assert.match(h.errors[2]!, /msg\.action: got "dance"; expected "start", "flush", "stop", "mute" or "unmute"/);
    assert.match(h.errors[3]!, /msg\.topic \(the stream key\): got an object/);
    assert.match(h.errors[4]!, /no stream "nobody" is open/);
    h.audio('ok', chunks(TWO_UTTERANCES, 80).slice(5));
    const finals = await h.waitFinals(2, 'ok');
    assert.equal(finals[0]!.payload, 'hello world');
  });

  it('a refused key gives one clear error and a red status, not a retry storm', async () => {
    const h = await SttHarness.start(emu.url, {}, 'gsk_not_the_right_key_000');
    h.audio('mic', chunks(TWO_UTTERANCES, 80).slice(0, 3));
    await until('the error', () => h.errors.length >= 1);
    h.audio('mic', chunks(TWO_UTTERANCES, 80));
    h.audio('other', chunks(TWO_UTTERANCES, 80));
    await until('red status', () => h.statuses.some((s) => s.fill === 'red'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(emu.sessions.length, 1, 'no second attempt while blocked');
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0]!, /1008.*revoked or expired/);
    assert.doesNotMatch(h.errors.join(' '), /gsk_not_the_right_key/);
    const red = h.statuses.filter((s) => s.fill === 'red').pop()!;
    assert.match(red.text ?? '', /invalidKey/);
    assert.equal(h.disconnected[0]!.payload.willReconnect, false);
    const drops = h.warnings.filter((w) => /audio dropped while new sessions are held back/.test(w));
    assert.equal(drops.length, 1, 'refused audio is reported once, not per chunk');
  });

  it('refuses a stream past the cap with a clear error, and takes new ones once a stream ends', async () => {
    // Every chunk on the wire: three frames must open a stream (the voice gate holds a stream's first two).
    const h = await SttHarness.start(emu.url, { maxStreams: 2, sendAudio: 'always' });
    h.audio('one', chunks(TWO_UTTERANCES, 80).slice(0, 3));
    h.audio('two', chunks(TWO_UTTERANCES, 80).slice(0, 3));
    h.send({ topic: 'three', payload: chunks(TWO_UTTERANCES, 80)[0] });
    await until('the refusal', () => h.errors.length >= 1);
    assert.match(h.errors[0]!, /stream "three" refused: 2 streams are open and the limit is 2/);
    h.audio('one', chunks(TWO_UTTERANCES, 80).slice(3));
    await h.waitFinals(2, 'one');
    h.send({ topic: 'two', action: 'stop' });
    await until('two ended', () => h.disconnected.some((d) => d.topic === 'two'));
    h.audio('three', chunks(TWO_UTTERANCES, 80));
    await h.waitFinals(1, 'three');
    assert.equal(h.errors.length, 1);
  });

  it('action start opens a session before any audio', async () => {
    const h = await SttHarness.start(emu.url);
    h.send({ topic: 'sat1', action: 'start', payload: 1700000000000 });
    await until('connected', () => h.connected.length === 1);
    assert.equal(h.connected[0]!.payload.inputFormat, 'pcm_16000');
    h.audio('sat1', chunks(TWO_UTTERANCES, 80));
    await h.waitFinals(2);
  });

  it('closes every session on redeploy', async () => {
    const h = await SttHarness.start(emu.url, { turnMode: 'manual' });
    h.audio('a', chunks(speechPcm([{ speechMs: 800, silenceMs: 0 }]), 80));
    h.audio('b', chunks(speechPcm([{ speechMs: 800, silenceMs: 0 }]), 80));
    await until('two sessions', () => h.connected.length === 2);
    await helper.unload();
    // Messages sent while the flow stops may not reach the (also stopping) helper nodes; the emulator shows
    // that each session was ended properly: flushed, end_of_stream, closed 1000.
    await until('the emulator saw both closes', () => emu.sessions.every((s) => s.closed));
    for (const s of emu.sessions) {
      assert.ok(s.received.some((m) => m.type === 'flush'));
      assert.ok(s.received.some((m) => m.type === 'end_of_stream'));
      assert.equal(s.closeCode, 1000);
    }
  });
});
