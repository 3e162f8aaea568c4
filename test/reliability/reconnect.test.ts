import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator, type EmulatorFaults } from '../../src/emulator';
import { ClientFrameTap } from '../helpers/client-frame-tap';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, unloadFlow } from './flow-run';

const KEY = 'gsk_reliability_key_5f3a9c';
const SCRIPT = ['hello world', 'turn on the kitchen lights', 'what time is it', 'good night', 'open the garage door'];
/** Three utterances: 0.8 s speech + 0.9 s silence, 1.2 s + 0.9 s, 0.8 s + 0.9 s (5.5 s, 69 frames of 80 ms). */
const THREE = speechPcm([
  { speechMs: 800, silenceMs: 900 },
  { speechMs: 1200, silenceMs: 900 },
  { speechMs: 800, silenceMs: 900 },
]);
const FRAME_SAMPLES = 1280;
const FRAME_S = 0.08;
const QUICK_BACKOFF = { initialMs: 100, maxMs: 400, maxAttempts: 0 };

/** Inject a fault into the next session only; the ones after it (the reconnects) are healthy. */
function faultOnce(emu: Emulator, faults: EmulatorFaults): void {
  emu.setFaults(faults);
  const heal = (): void => {
    emu.setFaults({});
    emu.off('session', heal);
  };
  emu.on('session', heal);
}

/**
 * Replay, exactly: audio Gradium never acknowledged is sent again after a reconnect, acknowledged audio never.
 * The first session heard the start of the pushed audio; the second heard the rest, from the first frame whose
 * `step` did not reach the node. So no sample is lost, and the frames heard twice are exactly those the first
 * session processed but whose acknowledgement never arrived. How many that is depends on the reset, not on the
 * node: a write of the client after the server's RST fails and the socket is torn down without reading what was
 * already in its receive buffer (on a loaded machine, 3 or 4 of the 28 steps). Only the client end knows which
 * arrived, so the tap counts them there. Returns the acknowledged frames.
 */
function assertReplayExact(emu: Emulator, tap: ClientFrameTap, pushed: Buffer): number {
  const [first, second] = emu.sessions;
  const frameBytes = FRAME_SAMPLES * 2;
  const heard = Buffer.concat(first!.receivedAudio);
  assert.ok(heard.length % frameBytes === 0 && pushed.subarray(0, heard.length).equals(heard), 'the first session heard the start of the audio, whole frames');
  const processed = heard.length / frameBytes;
  const acked = Math.round(tap.sockets[0]!.ackedS / FRAME_S);
  assert.ok(acked <= processed, `${acked} frames acknowledged of ${processed} processed`);
  const from = acked * frameBytes;
  const resumed = Buffer.concat(second!.receivedAudio);
  const heardTwice = (heard.length + resumed.length - pushed.length) / frameBytes;
  assert.equal(resumed.length, pushed.length - from, `${heardTwice} frames heard twice; the first session processed ${processed}, the node saw ${acked} acknowledged`);
  assert.ok(resumed.equals(pushed.subarray(from)), `the second session heard the rest of the audio, in order, from frame ${acked + 1}`);
  return acked;
}

describe('reliability: reconnects and server errors (Node-RED runtime + emulator faults)', function () {
  let emu: Emulator;
  let emuLog: string[];
  /** What reached the node on each of its connections to the emulator. */
  let tap: ClientFrameTap;
  beforeEach(async () => {
    emuLog = [];
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT, log: (l) => emuLog.push(l), recordAudio: true });
    tap = new ClientFrameTap(emu.url);
  });
  afterEach(async () => {
    tap.stop();
    await unloadFlow();
    await emu.close();
  });

  it('abrupt close mid-utterance: reconnects, the later words still come, every sample reaches Gradium once', async () => {
    // Frame 28 ends at 2.24 s: in the middle of the second utterance (1.7 s to 2.9 s).
    faultOnce(emu, { closeAfterFrames: 28 });
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, testing: { backoff: QUICK_BACKOFF } });
    run.audio('kitchen', chunks(THREE, 80));
    await until('the second session', () => run.connected.length >= 2, 15000);
    run.send({ topic: 'kitchen', action: 'stop' });
    await until('stream ended', () => run.disconnected.some((d) => d.payload.reason === 'stop'), 15000);

    assert.equal(emu.sessions.length, 2);
    assert.equal(emu.sessions[0]!.audioMessages >= 28, true);
    const [cut, end] = run.disconnected.map((d) => d.payload);
    assert.equal(cut!.reason, 'closed');
    assert.equal(cut!.code, 1006);
    assert.equal(cut!.willReconnect, true);
    assert.ok(typeof cut!.retryInMs === 'number' && cut!.retryInMs > 0 && cut!.retryInMs <= QUICK_BACKOFF.initialMs);
    assert.equal(end!.willReconnect, false);
    assert.equal(run.connected[1]!.payload.reconnects, 1);
    assert.equal(run.connected[1]!.payload.session, 2);

    // Nothing lost, and exactly the audio whose acknowledgement never reached the node sent again; the node
    // reports as sent once exactly the acknowledged part of the first session.
    const acked = assertReplayExact(emu, tap, THREE);
    assert.equal(Math.round(cut!.sentSeconds / FRAME_S), acked);
    assert.equal(end!.droppedAudioMs, 0);
    // Words in = words out: what reached the node on either connection reaches the transcript output, in order,
    // once. The first session's words are heard up to the reset (its tail may be swallowed with the steps).
    const [said1, said2] = emu.sessions.map((s) => s.wordsSent);
    const [got1, got2] = tap.sockets.map((s) => s.words);
    assert.deepEqual(got1, said1!.slice(0, got1!.length));
    assert.deepEqual(got2, said2);
    assert.deepEqual(run.finalWords('kitchen'), [...got1!, ...got2!]);
    // The utterance after the cut and the next one are heard by the second session.
    assert.ok(emu.sessions[1]!.wordsSent.join(' ').includes('good night'), emu.sessions[1]!.wordsSent.join(' '));
    assert.deepEqual(run.errors, []);
  });

  it('status says "retry in N s" with the real delay while waiting to reconnect', async () => {
    faultOnce(emu, { closeAfterFrames: 5 });
    const backoff = { initialMs: 4000, maxMs: 4000, maxAttempts: 0 };
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, testing: { backoff } });
    run.audio('hall', chunks(THREE, 80));
    await until('retry status', () => run.statusTexts().some((t) => t.startsWith('retry in')), 10000);
    const text = run.statusTexts().find((t) => t.startsWith('retry in'))!;
    const m = /^retry in (\d+) s$/.exec(text);
    assert.ok(m, `status "${text}"`);
    const seconds = Number(m[1]);
    const retryInMs = run.disconnected[0]!.payload.retryInMs!;
    assert.ok(seconds >= 1 && seconds <= Math.ceil(retryInMs / 1000), `${seconds} s shown for a ${retryInMs} ms delay`);
    await until('reconnected', () => run.connected.length >= 2, 10000);
    run.send({ topic: 'hall', reset: true });
  });

  it('1011 with a generic message mid-stream: retried, no error raised, the audio goes on', async () => {
    faultOnce(emu, { errorAfterFrames: { frames: 30, code: 1011, message: 'Internal server error' } });
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, testing: { backoff: QUICK_BACKOFF } });
    run.audio('den', chunks(THREE, 80));
    await until('second session', () => run.connected.length >= 2, 15000);
    run.send({ topic: 'den', action: 'stop' });
    await until('stream ended', () => run.disconnected.some((d) => d.payload.reason === 'stop'), 15000);
    const first = run.disconnected[0]!.payload;
    assert.equal(first.reason, 'error');
    assert.equal(first.code, 1011);
    assert.match(first.message, /Internal server error/);
    assert.equal(first.willReconnect, true);
    // A close with an error frame loses nothing in flight: every step arrived, so nothing is heard twice.
    assert.equal(assertReplayExact(emu, tap, THREE), 30);
    assert.deepEqual(run.finalWords('den'), emu.sessions.flatMap((s) => s.wordsSent));
    assert.deepEqual(run.errors, [], 'a retried error is not raised as a node error');
  });

  it('1011 naming a setting: not retried, one error, red status, the next audio does not reconnect', async () => {
    emu.setFaults({ errorAfterFrames: { frames: 3, code: 1011, message: 'Unsupported language: xx' } });
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, testing: { backoff: QUICK_BACKOFF } });
    run.audio('attic', chunks(THREE, 80).slice(0, 10));
    await until('the error', () => run.errors.length >= 1, 10000);
    run.audio('attic', chunks(THREE, 80).slice(10));
    run.audio('cellar', chunks(THREE, 80).slice(0, 5));
    await until('red status', () => run.statuses.some((s) => s.status.fill === 'red'), 5000);
    // Longer than several backoff rounds: a retry would have opened a second session by now.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(emu.sessions.length, 1);
    assert.equal(run.errors.length, 1);
    assert.match(run.errors[0]!, /1011.*Unsupported language/);
    assert.equal(run.caught.length, 1, 'a Catch node sees it once');
    const d = run.disconnected[0]!.payload;
    assert.equal(d.willReconnect, false);
    assert.equal(d.retryInMs, null);
    assert.equal(run.statuses.filter((s) => s.status.fill === 'red').pop()!.status.text, 'configuration error');
  });

  it('refused key: no second attempt within the block window, one error whatever the traffic', async () => {
    emu.setFaults({ http401: true });
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, testing: { backoff: QUICK_BACKOFF } });
    for (let i = 0; i < 5; i++) run.audio(`mic${i}`, chunks(THREE, 80).slice(0, 10));
    await until('the error', () => run.errors.length >= 1, 10000);
    const refusals = (): number => emuLog.filter((l) => l.includes('HTTP 401')).length;
    for (let i = 0; i < 5; i++) run.audio(`mic${i}`, chunks(THREE, 80).slice(10));
    run.audio('late', chunks(THREE, 80));
    // Several backoff rounds (100-400 ms): a retry, or a new stream getting through, would show up here.
    await new Promise((r) => setTimeout(r, 1500));
    // The five first attempts may all be in flight before the first refusal comes back; none is repeated
    // and the stream that came after the refusal makes none.
    assert.ok(refusals() >= 1 && refusals() <= 5, `${refusals()} upgrade attempts for 5 streams`);
    assert.equal(emu.sessions.length, 0, 'HTTP 401: no session was ever accepted');
    assert.equal(run.errors.length, 1);
    assert.match(run.errors[0]!, /HTTP 401/);
    assert.ok(run.disconnected.every((d) => !d.payload.willReconnect));
    assert.equal(run.statuses.filter((s) => s.status.fill === 'red').pop()!.status.text, 'invalid key');
  });
});
