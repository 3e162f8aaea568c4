/**
 * What one message can do to one stream, in a real Node-RED runtime with the emulator: settings per stream
 * ("kitchen in French, office in English") and mute / unmute / muteMs.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, unloadFlow } from '../reliability/flow-run';
import { helper, KEY, SttHarness } from './stt-harness';

const SCRIPT = ['hello world', 'turn on the kitchen lights', 'what time is it', 'good night'];
const UTTERANCE = speechPcm([{ speechMs: 800, silenceMs: 900 }]);

/** The language each key's sessions were set up with, as the emulator saw it (in session order). */
function languagesSeen(emu: Emulator, h: SttHarness, key: string): string[] {
  return h.connected
    .filter((c) => c.topic === key)
    .map((c) => emu.sessions.find((s) => s.sent.some((m) => m.type === 'ready' && m.request_id === c.payload.requestId)))
    .map((s) => String(s?.config?.language));
}

describe('gradium-stt: settings per stream (Node-RED runtime + emulator)', function () {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  it('kitchen in French, office in English: msg.settings with a key changes that stream only, for good', async () => {
    const h = await SttHarness.start(emu.url, { language: 'de', idleTimeout: 500 });
    // Set before the microphones start: kept per key until they do.
    h.send({ topic: 'kitchen', settings: { language: 'fr' } });
    h.send({ topic: 'office', settings: { language: 'en' } });
    for (const room of ['kitchen', 'office', 'garage']) h.audio(room, chunks(UTTERANCE, 80));
    for (const room of ['kitchen', 'office', 'garage']) await h.waitFinals(1, room);
    assert.deepEqual(languagesSeen(emu, h, 'kitchen'), ['fr']);
    assert.deepEqual(languagesSeen(emu, h, 'office'), ['en']);
    assert.deepEqual(languagesSeen(emu, h, 'garage'), ['de'], 'a stream without its own settings has the node’s');
    assert.equal(h.finals('kitchen')[0]!.transcript.language, 'fr');

    // Without a key: the node. Streams with their own language keep it.
    await until('every stream ended by idle', () => h.disconnected.length >= 3);
    h.send({ settings: { language: 'es' } });
    for (const room of ['kitchen', 'office', 'garage']) h.audio(room, chunks(UTTERANCE, 80));
    for (const room of ['kitchen', 'office', 'garage']) await h.waitFinals(2, room);
    assert.deepEqual(languagesSeen(emu, h, 'kitchen'), ['fr', 'fr'], 'the kitchen came back after its idle end still in French');
    assert.deepEqual(languagesSeen(emu, h, 'office'), ['en', 'en']);
    assert.deepEqual(languagesSeen(emu, h, 'garage'), ['de', 'es']);
    assert.deepEqual(h.errors, []);
  });

  it('an Inject node’s empty topic names no stream: its settings go to the node', async () => {
    const h = await SttHarness.start(emu.url);
    h.send({ topic: '', settings: { language: 'fr' } });
    h.audio('hall', chunks(UTTERANCE, 80));
    await h.waitFinals(1, 'hall');
    assert.deepEqual(languagesSeen(emu, h, 'hall'), ['fr']);
  });
});

describe('gradium-stt: mute and unmute (Node-RED runtime + emulator)', function () {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  it('mute mid-utterance: final of what came before, muted audio never reaches Gradium, audio after unmute does', async () => {
    const h = await SttHarness.start(emu.url, { turnMode: 'manual' });
    const before = chunks(speechPcm([{ speechMs: 800, silenceMs: 0 }]), 80);
    const muted = chunks(speechPcm([{ speechMs: 1200, silenceMs: 400 }]), 80);
    const after = chunks(speechPcm([{ speechMs: 1000, silenceMs: 0 }]), 80);
    h.audio('kitchen', before);
    await until('the first audio reached Gradium', () => emu.sessions[0]?.audioMessages === before.length);
    h.send({ topic: 'kitchen', action: 'mute' });
    const [first] = await h.waitFinals(1, 'kitchen');
    assert.equal(first!.payload, 'hello world');
    assert.equal(first!.transcript.endOfTurn, 'mute');
    h.audio('kitchen', muted);
    h.send({ topic: 'kitchen', action: 'unmute' });
    h.audio('kitchen', after);
    h.send({ topic: 'kitchen', action: 'stop' });
    await until('stopped', () => h.disconnected.length === 1);
    const s = emu.sessions[0]!;
    assert.equal(emu.sessions.length, 1, 'one session throughout');
    const samples = (parts: Buffer[]): number => Buffer.concat(parts).length / 2;
    assert.equal(s.samplesReceived, samples(before) + samples(after), 'the muted audio never reached Gradium');
    const finals = h.finals('kitchen');
    assert.deepEqual(finals.map((f) => [f.payload, f.transcript.endOfTurn]), [
      ['hello world', 'mute'],
      ['turn on the kitchen lights', 'stop'],
    ]);
    const d = h.disconnected[0]!.payload;
    assert.equal(d.mutedSeconds, 1.6);
    assert.equal(d.sentSeconds, 1.8);
    assert.equal(d.audioSeconds, 1.8);
    assert.equal(d.gatedSeconds, 0);
  });

  it('muteMs unmutes by itself; a muted key shows in the status', async () => {
    const h = await SttHarness.start(emu.url, { turnMode: 'manual' });
    h.send({ topic: 'sat', action: 'mute', muteMs: 600 });
    h.audio('sat', chunks(UTTERANCE, 80));
    await until('the muted status', () => h.statuses.some((st) => /muted/.test(st.text ?? '')));
    assert.equal(emu.sessions.length, 0, 'a muted key opens no session');
    await until('muteMs ran out', () => h.statuses.length > 0 && !/muted/.test(h.statuses.at(-1)!.text ?? ''), 5000);
    h.audio('sat', chunks(UTTERANCE, 80));
    h.send({ topic: 'sat', action: 'stop' });
    await until('stopped', () => h.disconnected.length === 1);
    assert.equal(emu.sessions[0]!.samplesReceived, UTTERANCE.length / 2);
    assert.equal(h.disconnected[0]!.payload.mutedSeconds, 1.7);
  });

  it('the status shows who is muted and the share of the audio sent', async () => {
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, props: { turnMode: 'manual', idleTimeout: 1500 } });
    try {
      run.audio('kitchen', chunks(speechPcm([{ speechMs: 800, silenceMs: 0 }]), 80));
      await until('listening', () => run.statusTexts().some((t) => t.startsWith('listening (1)')));
      run.send({ topic: 'kitchen', action: 'mute' });
      run.audio('kitchen', chunks(speechPcm([{ speechMs: 1200, silenceMs: 0 }]), 80));
      await until('listening and muted', () => run.statusTexts().some((t) => t.startsWith('listening (1) · 1 muted · 40 % sent')));
      // The muted audio keeps no session open: after the idle timeout only the mute is left to show.
      await until('muted, no stream', () => run.statuses.some((st) => st.status.fill === 'blue' && st.status.text === 'muted (1) · 40 % sent'));
    } finally {
      await unloadFlow();
    }
  });

  it('mute without a key mutes every stream, including ones that start later', async () => {
    const h = await SttHarness.start(emu.url);
    h.audio('a', chunks(UTTERANCE, 80).slice(0, 3));
    await until('a connected', () => h.connected.length === 1);
    h.send({ action: 'mute' });
    h.audio('a', chunks(UTTERANCE, 80).slice(3));
    h.audio('b', chunks(UTTERANCE, 80));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(emu.sessions.length, 1);
    assert.equal(emu.sessions[0]!.audioMessages, 3);
    h.send({ action: 'unmute' });
    h.audio('b', chunks(UTTERANCE, 80));
    await h.waitFinals(1, 'b');
  });

  it('refuses bad mute input with a clear error and changes nothing', async () => {
    const h = await SttHarness.start(emu.url);
    h.send({ topic: 'a', action: 'mute', muteMs: -5 });
    h.send({ topic: 'a', action: 'mute', muteMs: 'soon' });
    h.send({ topic: 'a', action: 'stop', muteMs: 500 });
    h.send({ topic: 'a', action: 'mute', muteMs: 1e12 });
    await until('four errors', () => h.errors.length >= 4);
    assert.match(h.errors[0]!, /msg\.muteMs: got number -5; expected milliseconds from 1 to 86400000/);
    assert.match(h.errors[1]!, /msg\.muteMs: got "soon"; expected milliseconds/);
    assert.match(h.errors[2]!, /msg\.muteMs: got number 500 with msg\.action "stop"; muteMs goes with msg\.action "mute"/);
    assert.match(h.errors[3]!, /msg\.muteMs: got number 1000000000000; expected/);
    h.audio('a', chunks(UTTERANCE, 80));
    await h.waitFinals(1, 'a');
  });
});
