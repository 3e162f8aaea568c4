/**
 * The voice gate in a real Node-RED runtime, against the emulator over a real WebSocket: realistic rooms
 * (espeak-ng utterances at several levels between long quiet stretches on noise beds, test/voice-gate/room.ts)
 * go through a gradium-stt node with the editor's defaults, and what the emulator heard is compared with the
 * source frame by frame. Also: short pauses keep the session, the idle timeout still ends it and the next
 * command's pre-roll opens the next one; old flows send everything; mute with the gate on; bad gate settings.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import { prepareVoiceGate } from '../../src/voice-gate';
import { until } from '../helpers/speech-audio';
import { firstWords, framesBetween, matchSource, pcmChunks, receivedFrames, sceneRoom, sourceFrames } from '../voice-gate/received-audio';
import { buildRoom, describeBed, frameOf } from '../voice-gate/room';
import { helper, KEY, SttHarness } from './stt-harness';

const SCRIPT = ['switch on the lights', 'stop the music', 'thank you', 'open the garage', 'play some jazz', 'four'];

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Sends chunks as a microphone's messages, letting sockets and timers run every few (faster than real time). */
async function feed(h: SttHarness, key: string, chunks: Buffer[]): Promise<void> {
  for (let i = 0; i < chunks.length; i++) {
    h.send({ topic: key, payload: chunks[i] });
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
}

/** Sends chunks at `speed` × real time. */
async function feedPaced(h: SttHarness, key: string, chunks: Buffer[], chunkMs: number, speed: number): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < chunks.length; i++) {
    const due = start + (i * chunkMs) / speed;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    h.send({ topic: key, payload: chunks[i] });
  }
}

function seconds(h: SttHarness, field: 'sentSeconds' | 'gatedSeconds' | 'mutedSeconds' | 'audioSeconds'): number {
  return h.disconnected.reduce((n, d) => n + d.payload[field], 0);
}

describe('gradium-stt voice gate (Node-RED runtime + emulator, realistic rooms)', function () {
  this.timeout(60000);
  let emu: Emulator;
  before(async () => {
    await prepareVoiceGate();
  });
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT, recordAudio: true });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  for (const bed of ['noisy', 'quiet'] as const) {
    it(`a ${bed} room with the defaults: every utterance reaches Gradium from its first frame, well under half is sent`, async () => {
      assert.equal(STT_DEFAULTS.sendAudio, 'speech', 'a new node gates');
      // 30 utterances (ten sentences at -24, -34 and -40 dBFS) in turns, speech 20 % of the time, knocks and typing.
      const room = buildRoom({ rate: 16000, bed, seed: 42, events: true });
      const h = await SttHarness.start(emu.url, { encoding: 'pcm' });
      await feed(h, 'mics/room/audio', pcmChunks(room, 40));
      h.send({ topic: 'mics/room/audio', action: 'stop' });
      await until('the stream ended', () => h.disconnected.some((d) => d.payload.reason === 'stop'), 20000);

      const { passed, share } = matchSource(sourceFrames(room), receivedFrames(emu.sessions));
      const words = firstWords(room, passed);
      const roomS = room.samples.length / room.rate;
      const sentS = seconds(h, 'sentSeconds');
      const gatedS = seconds(h, 'gatedSeconds');
      console.log(
        `      ${describeBed(bed)}: ${roomS.toFixed(0)} s, speech ${pct(room.speechShare)}, sent ${pct(share)} ` +
          `(${sentS.toFixed(1)} s billed, ${gatedS.toFixed(1)} s kept back by the gate), ${h.finals().length} finals, ` +
          `pre-roll before every onset >= ${words.minLeadFrames * 80} ms`,
      );
      assert.deepEqual(words.clipped, [], 'every utterance whole, from its first frame');
      assert.ok(words.minLeadFrames >= 4, `at least 320 ms of pre-roll before every onset, got ${words.minLeadFrames * 80} ms`);
      assert.ok(share < 0.5, `sent ${pct(share)} of a room that speaks ${pct(room.speechShare)} of the time`);
      assert.ok(share > room.speechShare, 'the speech itself was sent');
      // Billing: what the disconnected messages say was sent is what the emulator received.
      const receivedS = emu.sessions.reduce((n, s) => n + s.audioBytes, 0) / 32000;
      assert.ok(Math.abs(sentS - receivedS) < 0.002, `sentSeconds ${sentS} = received ${receivedS}`);
      // Nothing lost silently: sent + kept back is the room, but for the pre-roll the gate still held at the end.
      // (at most 7 frames of pre-roll and the last partial frame, 640 ms).
      assert.ok(roomS - sentS - gatedS >= -0.002 && roomS - sentS - gatedS <= 0.64, `${roomS} s = ${sentS} + ${gatedS} + held`);
      assert.ok(h.finals().length > 0);
      assert.deepEqual(h.errors, []);
      for (const s of emu.sessions) assert.deepEqual(s.invalidFrames, []);
    });
  }

  it('short pauses keep the session, the idle timeout ends it, the next command’s pre-roll opens the next one', async () => {
    // At twice real time, so a wall-clock idle timeout of 1.5 s is 3 s of audio. The commands: two a second
    // apart, then a silence past the idle timeout, then a third.
    const room = sceneRoom({
      bed: 'quiet',
      seed: 3,
      parts: [
        { quietMs: 1200 },
        { say: 'switch-on-lights', levelDb: -26 },
        { quietMs: 1000 },
        { say: 'stop-music', levelDb: -34 },
        { quietMs: 6000 },
        { say: 'thank-you', levelDb: -30 },
        { quietMs: 1600 },
      ],
    });
    const h = await SttHarness.start(emu.url, { encoding: 'pcm', idleTimeout: 1500 });
    const chunks = pcmChunks(room, 80);
    const [a, b, c] = room.utterances;
    const silenceEnds = c!.start;
    // Up to the middle of the long silence: both commands went through one session.
    const cut = frameOf(room, b!.end) + Math.round(2200 / 80);
    await feedPaced(h, 'hall', chunks.slice(0, cut), 80, 2);
    assert.equal(emu.sessions.length, 1, 'one session for both commands');
    assert.equal(h.connected.length, 1, 'no reconnect between them');
    await feedPaced(h, 'hall', chunks.slice(cut), 80, 2);
    await until('the second session ended', () => h.disconnected.length === 2, 15000);

    assert.deepEqual(
      h.disconnected.map((d) => d.payload.reason),
      ['idle', 'idle'],
    );
    assert.equal(emu.sessions.length, 2);
    const { passed } = matchSource(sourceFrames(room), receivedFrames(emu.sessions));
    assert.deepEqual(firstWords(room, passed).clipped, []);
    // The silence between the commands held by the gate: most of it never went out.
    const silence = framesBetween(room, b!.end, silenceEnds);
    const sentOfSilence = silence.filter((f) => passed[f]).length;
    // The hang-over (10 frames) runs from the detector's last speech frame, which trails the speech by up to
    // two frames; the pre-roll is at most 7 frames.
    assert.ok(sentOfSilence <= 10 + 2 + 8, `only the hang-over and the next pre-roll of the long silence, not ${sentOfSilence} frames`);
    // The third command opened session 2, its pre-roll (before the onset) first.
    const second = matchSource(sourceFrames(room), emu.sessions[1]!.receivedAudio).passed;
    const onset = frameOf(room, c!.start);
    const firstOfSession2 = second.indexOf(true);
    assert.ok(firstOfSession2 >= 0 && firstOfSession2 <= onset - 4, `session 2 starts ${onset - firstOfSession2} frames before the onset`);
    for (let f = onset; f <= frameOf(room, c!.end - 1); f++) assert.ok(second[f], `frame ${f} of the third command is in session 2`);
    assert.ok(a && matchSource(sourceFrames(room), emu.sessions[0]!.receivedAudio).passed[frameOf(room, a.start)]);
    // Each command was transcribed, in its own session.
    const finals = h.finals('hall');
    assert.ok(finals.length >= 3, JSON.stringify(finals.map((f) => f.payload)));
    assert.deepEqual(finals.map((f) => f.payload).join(' ').split(' '), emu.sessions.flatMap((s) => s.wordsSent));
    assert.ok(finals.every((f) => f.transcript.endOfTurn === 'vad' || f.transcript.endOfTurn === 'gate' || f.transcript.endOfTurn === 'idle'));
    assert.ok(seconds(h, 'gatedSeconds') > 4, `gatedSeconds ${seconds(h, 'gatedSeconds')}`);
    assert.deepEqual(h.errors, []);
  });

  it('turns end when the gate closes (endOfTurn "gate") when Gradium’s VAD does not end them (manual turns)', async () => {
    const room = sceneRoom({
      bed: 'quiet',
      seed: 9,
      parts: [{ quietMs: 800 }, { say: 'open-garage', levelDb: -26 }, { quietMs: 2000 }, { say: 'play-jazz', levelDb: -30 }, { quietMs: 2000 }],
    });
    const h = await SttHarness.start(emu.url, { encoding: 'pcm', turnMode: 'manual', idleTimeout: 0 });
    await feed(h, 'den', pcmChunks(room, 80));
    await h.waitFinals(2, 'den');
    assert.deepEqual(
      h.finals('den').map((f) => f.transcript.endOfTurn),
      ['gate', 'gate'],
    );
    assert.equal(emu.sessions.length, 1);
    assert.deepEqual(
      h.finals('den').map((f) => f.payload),
      [SCRIPT[0], SCRIPT[1]],
    );
  });

  it('a node saved before the gate (no sendAudio property) sends everything, as before', async () => {
    const room = sceneRoom({
      bed: 'noisy',
      seed: 5,
      parts: [{ quietMs: 2000 }, { say: 'four', levelDb: -30 }, { quietMs: 3000 }, { say: 'thank-you', levelDb: -40 }, { quietMs: 2000 }],
    });
    // As Node-RED reads a flow saved before the gate: the four properties are not there (undefined).
    const old = { encoding: 'pcm', sendAudio: undefined, gateAggressiveness: undefined, gatePreRoll: undefined, gateHangover: undefined };
    const h = await SttHarness.start(emu.url, old as unknown as Record<string, never>);
    await feed(h, 'old', pcmChunks(room, 40));
    h.send({ topic: 'old', action: 'stop' });
    await until('stopped', () => h.disconnected.length === 1);
    const received = Buffer.concat(receivedFrames(emu.sessions));
    assert.ok(received.equals(Buffer.concat(pcmChunks(room, 80))), 'every byte, in order');
    assert.equal(h.disconnected[0]!.payload.gatedSeconds, 0);
    assert.ok(!h.statuses.some((s) => /sent/.test(s.text ?? '')), 'no share sent in the status: nothing was kept back');
  });

  it('mute mid-utterance with the gate on: the turn before is final, muted audio never sent, after unmute transcribed; muteMs', async () => {
    const room = sceneRoom({
      bed: 'quiet',
      seed: 11,
      parts: [
        { quietMs: 1000 },
        { say: 'switch-on-lights', levelDb: -26 },
        { quietMs: 1500 },
        { say: 'stop-music', levelDb: -26 },
        { quietMs: 1500 },
        { say: 'thank-you', levelDb: -26 },
        { quietMs: 1500 },
      ],
    });
    const h = await SttHarness.start(emu.url, { encoding: 'pcm', turnMode: 'manual', idleTimeout: 0 });
    const chunks = pcmChunks(room, 80);
    const [first, second, third] = room.utterances;
    // Mute in the middle of the first command, unmute in the quiet after the second (a reply playing meanwhile).
    const muteAt = frameOf(room, (first!.start + first!.end) >> 1);
    const unmuteAt = frameOf(room, second!.end) + 6;
    await feed(h, 'sat', chunks.slice(0, muteAt));
    await until('the first command is on the wire', () => (emu.sessions[0]?.receivedAudio.length ?? 0) > 0);
    h.send({ topic: 'sat', action: 'mute' });
    const [muted] = await h.waitFinals(1, 'sat');
    assert.equal(muted!.transcript.endOfTurn, 'mute');
    assert.equal(muted!.payload, SCRIPT[0], 'the turn before the mute is final');
    await feed(h, 'sat', chunks.slice(muteAt, unmuteAt));
    h.send({ topic: 'sat', action: 'unmute' });
    await feed(h, 'sat', chunks.slice(unmuteAt));
    await h.waitFinals(2, 'sat');

    const { passed } = matchSource(sourceFrames(room), receivedFrames(emu.sessions));
    for (let f = muteAt; f < unmuteAt; f++) assert.ok(!passed[f], `muted frame ${f} never reached Gradium`);
    // The gate's pre-roll restarts at the unmute: nothing held from before it is sent after it.
    for (let f = frameOf(room, third!.start); f <= frameOf(room, third!.end - 1); f++) assert.ok(passed[f], `frame ${f} after unmute sent`);
    assert.equal(h.finals('sat')[1]!.payload, SCRIPT[1], 'the command after unmute is transcribed');

    // muteMs: a mute that lifts itself; audio meanwhile stays unsent, the next command goes through.
    const before = receivedFrames(emu.sessions).length;
    const statusesBeforeMute = h.statuses.length;
    h.send({ topic: 'sat', action: 'mute', muteMs: 300 });
    await feed(h, 'sat', chunks.slice(frameOf(room, first!.start) - 6, frameOf(room, first!.end) + 12));
    assert.equal(receivedFrames(emu.sessions).length, before, 'nothing sent while muted');
    // The status is throttled: wait until it has shown the mute and then shown it lifted.
    await until(
      'muteMs ran out',
      () =>
        h.statuses.slice(statusesBeforeMute).some((s) => s.text?.includes('muted')) &&
        !h.statuses.at(-1)?.text?.includes('muted'),
      5000,
    );
    await feed(h, 'sat', chunks.slice(frameOf(room, second!.start) - 8, frameOf(room, second!.end) + 14));
    await h.waitFinals(3, 'sat');
    assert.ok(receivedFrames(emu.sessions).length > before, 'after muteMs the command was sent');
    assert.equal(h.finals('sat')[2]!.payload, SCRIPT[2]);
    h.send({ topic: 'sat', action: 'stop' });
    await until('stopped', () => h.disconnected.length >= 1);
    assert.ok(seconds(h, 'mutedSeconds') > 3, `mutedSeconds ${seconds(h, 'mutedSeconds')}`);
    assert.deepEqual(h.errors, []);
  });

  it('refuses bad gate settings by message and by saved property, naming what is accepted, and changes nothing', async () => {
    const h = await SttHarness.start(emu.url, { encoding: 'pcm' });
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ sendAudio: 'sometimes' }, /msg\.settings\.sendAudio: got "sometimes"; expected one of "speech", "always"/],
      [{ send_audio: true }, /msg\.settings\.send_audio: got boolean true; expected one of "speech", "always"/],
      [{ gatePreRoll: -1 }, /msg\.settings\.gatePreRoll: got number -1; expected a whole number from 0–3000 ms/],
      [{ gatePreRoll: 60000 }, /gatePreRoll: got number 60000; expected a whole number from 0–3000 ms/],
      [{ gate_pre_roll: 'lots' }, /gate_pre_roll: got "lots"/],
      [{ gateHangover: 0 }, /gateHangover: got number 0; expected a whole number from 100–10000 ms/],
      [{ gateHangover: 1e9 }, /gateHangover: got number 1000000000/],
      [{ gateHangover: 500.5 }, /gateHangover: got number 500\.5/],
      [{ gateAggressiveness: 4 }, /gateAggressiveness: got number 4; expected one of 0, 1, 2, 3/],
      [{ gateAggressiveness: 1, gatePreRoll: -5 }, /gatePreRoll: got number -5/],
    ];
    for (const [settings] of bad) h.send({ topic: 'k', settings });
    await until('an error per message', () => h.errors.length >= bad.length);
    bad.forEach(([, expected], i) => assert.match(h.errors[i]!, expected));
    // Nothing changed: the gate still holds a quiet stream back (the refused 1 of the last message did not apply either).
    const room = sceneRoom({ bed: 'quiet', seed: 2, parts: [{ quietMs: 3000 }] });
    await feed(h, 'k', pcmChunks(room, 80));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(emu.sessions.length, 0, 'silence opens no session');

    await helper.unload();
    for (const props of [{ sendAudio: 'maybe' }, { gatePreRoll: -100 }, { gateHangover: 99999 }]) {
      const n = await SttHarness.start(emu.url, props as unknown as Record<string, never>);
      n.send({ topic: 'k', payload: Buffer.alloc(2560) });
      await until('the configuration error', () => n.errors.length > 0);
      assert.match(n.errors[0]!, /gradium-stt is misconfigured: (sendAudio|gatePreRoll|gateHangover): got/);
      await helper.unload();
    }
    assert.equal(emu.sessions.length, 0);
  });

  it('switching sendAudio mid-stream: "always" sends the quiet too, "speech" holds it back again', async () => {
    const room = sceneRoom({
      bed: 'quiet',
      seed: 21,
      parts: [{ quietMs: 2400 }, { say: 'four', levelDb: -30 }, { quietMs: 4000 }, { say: 'play-jazz', levelDb: -30 }, { quietMs: 4000 }],
    });
    const h = await SttHarness.start(emu.url, { encoding: 'pcm', idleTimeout: 0 });
    const chunks = pcmChunks(room, 80);
    const [, second] = room.utterances;
    const switchAt = frameOf(room, second!.start) - 20;
    const backAt = frameOf(room, second!.end) + 10;
    await feed(h, 'k', chunks.slice(0, switchAt));
    h.send({ topic: 'k', settings: { sendAudio: 'always' } });
    await feed(h, 'k', chunks.slice(switchAt, backAt));
    h.send({ topic: 'k', settings: { send_audio: 'speech' } });
    await feed(h, 'k', chunks.slice(backAt));
    h.send({ topic: 'k', action: 'stop' });
    await until('stopped', () => h.disconnected.length >= 1);
    const { passed } = matchSource(sourceFrames(room), receivedFrames(emu.sessions));
    for (let f = switchAt; f < backAt; f++) assert.ok(passed[f], `frame ${f} sent while "always"`);
    const tail = framesBetween(room, backAt * 1280, room.samples.length);
    assert.ok(tail.every((f) => !passed[f]), 'the quiet after switching back is held');
    assert.deepEqual(firstWords(room, passed).clipped, []);
    assert.deepEqual(h.errors, []);
  });
});
