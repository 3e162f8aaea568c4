import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunks, speechPcm, until, type Segment } from '../helpers/speech-audio';
import { FlowRun, unloadFlow } from './flow-run';

const KEY = 'gsk_rotation_key_0c4d21';
const CAP_S = 4;
const SCRIPT = ['alpha bravo', 'charlie delta echo', 'foxtrot golf', 'hotel india juliet kilo', 'lima mike', 'november oscar papa'];
/** 14 utterances of mixed length, 22.6 s: several 4 s sessions, some cut in the middle of a word run. */
const SEGMENTS: Segment[] = Array.from({ length: 14 }, (_, i) => ({ speechMs: 600 + (i % 4) * 300, silenceMs: 700 }));
const AUDIO = speechPcm(SEGMENTS);

function samplesReceived(emu: Emulator): number {
  return emu.sessions.reduce((n, s) => n + s.samplesReceived, 0);
}

async function streamAndStop(run: FlowRun, key: string, pace: 'burst' | 'paced'): Promise<void> {
  const parts = chunks(AUDIO, 80);
  for (let i = 0; i < parts.length; i++) {
    run.send({ topic: key, payload: parts[i] });
    // Paced: 80 ms of audio every 10 ms (8x real time), so turn ends are seen before the cap forces a rotation.
    if (pace === 'paced') await new Promise((r) => setTimeout(r, 10));
  }
  run.send({ topic: key, action: 'stop' });
  await until('stream stopped', () => run.disconnected.some((d) => d.payload.reason === 'stop'), 30000);
  // The last rotated session may still be closing (its disconnected can come after the stop's).
  await until('every session reported', () => run.disconnected.length === run.connected.length, 10000);
}

describe('reliability: rotation before the session cap (cap of 4 s in the emulator and the node)', function () {
  this.timeout(60000);
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT, faults: { sessionCapSeconds: CAP_S } });
  });
  afterEach(async () => {
    await unloadFlow();
    await emu.close();
  });

  for (const pace of ['burst', 'paced'] as const) {
    it(`rotates seamlessly (${pace}): no word or sample lost or doubled, old finals out, reason rotation`, async () => {
      // Burst: all audio arrives before the first session is open; the buffer must hold it all (24 s).
      const props = pace === 'burst' ? { bufferSeconds: 30 } : {};
      const run = await FlowRun.start({ url: emu.url, apiKey: KEY, props, testing: { sessionCapSeconds: CAP_S } });
      await streamAndStop(run, 'lobby', pace);

      const expectedSessions = Math.ceil(AUDIO.length / 2 / 16000 / CAP_S);
      assert.ok(emu.sessions.length >= expectedSessions, `${emu.sessions.length} sessions for ${AUDIO.length / 32000} s`);
      for (const s of emu.sessions) {
        assert.ok(s.samplesReceived / 16000 <= CAP_S, `session ${s.id} got ${s.samplesReceived / 16000} s, over the cap`);
        assert.ok(!s.sent.some((m) => m.type === 'error'), `session ${s.id} hit an error`);
        assert.ok(s.received.some((m) => m.type === 'end_of_stream'), `session ${s.id} ended with end_of_stream`);
        assert.equal(s.closeCode, 1000);
      }
      assert.equal(samplesReceived(emu), AUDIO.length / 2, 'samples in = samples sent, across all sessions');
      const wordsIn = emu.sessions.flatMap((s) => s.wordsSent);
      if (process.env.DBG) console.log(emu.sessions.map((s) => [s.id, s.samplesReceived / 16000, s.wordsSent.join(' ')]), run.finals().map((f) => [f.transcript.session, f.transcript.endOfTurn, f.payload]), run.warnings);
      assert.deepEqual(run.finalWords('lobby'), wordsIn, 'words out = words in, in order');
      assert.ok(wordsIn.length >= 28, `${wordsIn.length} words`);

      const reasons = run.disconnected.map((d) => d.payload.reason).sort();
      assert.deepEqual(reasons, [...new Array(emu.sessions.length - 1).fill('rotation'), 'stop']);
      assert.ok(run.disconnected.every((d) => !d.payload.willReconnect && d.payload.droppedAudioMs === 0));
      // Each session's words came out as finals tagged with that session.
      for (const s of emu.sessions) {
        const out = run.finals('lobby').filter((f) => f.transcript.session === s.id).flatMap((f) => f.payload.split(' '));
        assert.deepEqual(out, s.wordsSent, `session ${s.id}`);
      }
      assert.deepEqual(run.connected.map((c) => c.payload.session), emu.sessions.map((s) => s.id));
      assert.ok(run.connected.every((c) => c.payload.reconnects === 0), 'a rotation is not a reconnect');
      // Word times run on the stream's clock, across sessions.
      const starts = run.finals('lobby').flatMap((f) => f.transcript.words.map((w) => w.start));
      assert.deepEqual([...starts].sort((a, b) => a - b), starts);
      assert.deepEqual(run.errors, []);
    });
  }
});
