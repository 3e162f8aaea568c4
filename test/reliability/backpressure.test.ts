import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, unloadFlow } from './flow-run';
import { heldMB, settledMemory } from './memory';

const KEY = 'gsk_bp_test_key_77e1';
/** 10 s of speech-like audio, pushed again and again in 80 ms chunks (s16le, 16 kHz). */
const TEN_SECONDS = speechPcm([{ speechMs: 1200, silenceMs: 800 }, { speechMs: 2000, silenceMs: 1000 }, { speechMs: 3000, silenceMs: 2000 }]);
const CHUNK_BYTES = 2560;

/** Push `seconds` of audio, yielding to the event loop between batches so sockets and timers run. */
async function pushAudio(run: FlowRun, key: string, seconds: number): Promise<void> {
  const chunksPerPass = TEN_SECONDS.length / CHUNK_BYTES;
  const total = Math.round((seconds * 1000) / 80);
  for (let i = 0; i < total; i++) {
    const o = (i % chunksPerPass) * CHUNK_BYTES;
    // A fresh buffer each time, as an MQTT or file source would deliver.
    run.send({ topic: key, payload: Buffer.from(TEN_SECONDS.subarray(o, o + CHUNK_BYTES)) });
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
}

describe('reliability: a server that stops reading (bounded memory)', function () {
  this.timeout(60000);
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], faults: { stopReading: true } });
  });
  afterEach(async () => {
    await unloadFlow();
    await emu.close();
  });

  it('holds at most bufferSeconds of audio, drops the oldest with one warning, and reports droppedAudioMs', async () => {
    const run = await FlowRun.start({
      url: emu.url,
      apiKey: KEY,
      props: { bufferSeconds: 5, idleTimeout: 0 },
      testing: { maxBufferedBytes: 64 * 1024 },
    });
    await pushAudio(run, 'mic', 60);
    await until('connected', () => run.connected.length === 1);
    assert.equal(run.warnings.filter((w) => /buffer full/.test(w)).length, 1, run.warnings.join('\n'));
    run.send({ topic: 'mic', reset: true });
    await until('disconnected', () => run.disconnected.length === 1);
    const d = run.disconnected[0]!.payload;
    assert.equal(d.reason, 'reset');
    // Socket bytes are bounded by maxBufferedBytes (64 KiB ≈ 19 frames of 80 ms base64 audio) plus what the
    // kernel holds; the queue by 5 s. Far more than 60 - 5 - that must have been dropped, and counted.
    assert.ok(d.droppedAudioMs > 0, `droppedAudioMs ${d.droppedAudioMs}`);
    assert.ok(d.droppedAudioMs <= 55000, `droppedAudioMs ${d.droppedAudioMs}`);
    assert.ok(d.droppedAudioMs % 80 === 0, 'whole frames are dropped');
    assert.equal(run.warnings.filter((w) => /buffer full/.test(w)).length, 1, 'still one warning');
    assert.deepEqual(run.errors, []);
  });

  it('keeps heap and buffers flat while 10 minutes of audio meet a stalled server', async () => {
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, props: { bufferSeconds: 10, idleTimeout: 0 } });
    run.stopRecordingCalls();
    // Warm up to the plateau: the socket and the kernel take what they can before the queue starts dropping.
    await pushAudio(run, 'mic', 120);
    await until('connected', () => run.connected.length === 1);
    const before = settledMemory();
    await pushAudio(run, 'mic', 600);
    const after = settledMemory();
    const grownMB = heldMB(after) - heldMB(before);
    // 600 s of this audio is 19 MB of PCM (25 MB as base64 text): holding it would show.
    assert.ok(grownMB < 8, `held memory grew by ${grownMB.toFixed(1)} MB (${JSON.stringify({ before, after })})`);
    run.send({ topic: 'mic', reset: true });
    await until('disconnected', () => run.disconnected.length === 1);
    const dropped = run.disconnected[0]!.payload.droppedAudioMs;
    assert.ok(dropped > 600000 - 60000, `droppedAudioMs ${dropped}`);
  });

  it('a stop while the server is not reading: the final of what was heard comes, then a retry for the rest', async () => {
    const run = await FlowRun.start({
      url: emu.url,
      apiKey: KEY,
      // Everything sent (no voice gate): the status then has no share sent beside "idle".
      props: { bufferSeconds: 5, idleTimeout: 0, flushTimeout: 500, sendAudio: 'always' },
      testing: { maxBufferedBytes: 64 * 1024 },
    });
    await pushAudio(run, 'mic', 30);
    await until('connected', () => run.connected.length === 1);
    run.send({ topic: 'mic', action: 'stop' });
    await until('disconnected after stop', () => run.disconnected.length >= 1, 20000);
    assert.ok(run.warnings.some((w) => /did not answer flush/.test(w)), run.warnings.join('\n'));
    const d = run.disconnected[0]!.payload;
    // The session never acknowledged its audio: the stream keeps it (bounded) for a new session.
    assert.equal(d.reason, 'closed');
    assert.equal(d.willReconnect, true);
    // A reset while waiting to reconnect cancels the reconnect.
    run.send({ topic: 'mic', reset: true });
    const sessions = emu.sessions.length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(emu.sessions.length, sessions);
    await until('idle status', () => run.statusTexts().pop() === 'gradium-stt.status.idle', 5000);
  });

  it('watchdog: fails a session that acknowledges nothing, reconnects, and replays the audio it never took', async () => {
    const run = await FlowRun.start({
      url: emu.url,
      apiKey: KEY,
      props: { bufferSeconds: 30, idleTimeout: 0, turnMode: 'manual' },
      testing: { stallTimeoutMs: 400, backoff: { initialMs: 50, maxMs: 100, maxAttempts: 0 } },
    });
    // The second session is a healthy one.
    emu.on('session', () => emu.setFaults({}));
    const audio = speechPcm([{ speechMs: 1200, silenceMs: 800 }]);
    const frames: Buffer[] = [];
    for (let o = 0; o < audio.length; o += CHUNK_BYTES) frames.push(audio.subarray(o, o + CHUNK_BYTES));
    // Live audio keeps coming while the first server stalls: that is what the watchdog sees.
    for (const f of frames) {
      run.send({ topic: 'mic', payload: Buffer.from(f) });
      await new Promise((r) => setTimeout(r, 40));
    }
    await until('the stall ended the first session', () => run.disconnected.length >= 1, 10000);
    const d = run.disconnected[0]!.payload;
    assert.equal(d.willReconnect, true);
    assert.match(d.message, /acknowledged no audio/);
    await until('a second session', () => run.connected.length >= 2, 10000);
    run.send({ topic: 'mic', action: 'stop' });
    await until('the final', () => run.transcripts.some((t) => t.final), 10000);
    assert.equal(emu.sessions[0]!.samplesReceived, 0, 'the stalled server read nothing');
    const received = emu.sessions.reduce((n, s) => n + s.samplesReceived, 0);
    assert.equal(received, audio.length / 2, 'every sample reached the healthy session');
    assert.deepEqual(run.errors, []);
  });
});
