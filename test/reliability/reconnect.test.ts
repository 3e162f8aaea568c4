import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator, type EmulatorFaults } from '../../src/emulator';
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

/** Samples Gradium got vs samples pushed: none missing, at most the frames whose `step` was in flight again. */
function assertReplayedOnce(received: number, pushed: number): void {
  const extraFrames = (received - pushed) / FRAME_SAMPLES;
  assert.ok(received >= pushed, `${pushed - received} samples never reached Gradium`);
  assert.ok(Number.isInteger(extraFrames) && extraFrames <= 2, `${received - pushed} samples sent twice`);
}

function samplesReceived(emu: Emulator): number {
  return emu.sessions.reduce((n, s) => n + s.samplesReceived, 0);
}

describe('reliability: reconnects and server errors (Node-RED runtime + emulator faults)', function () {
  let emu: Emulator;
  let emuLog: string[];
  beforeEach(async () => {
    emuLog = [];
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT, log: (l) => emuLog.push(l) });
  });
  afterEach(async () => {
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

    // Nothing lost, and only the unacknowledged tail replayed. Exactly once holds whenever the `step` of the
    // last frame the dying session processed reached us; when the crash swallows it, that frame is sent again
    // (at least once: a frame whose acknowledgement never came cannot be known to be heard).
    assertReplayedOnce(samplesReceived(emu), THREE.length / 2);
    assert.equal(end!.droppedAudioMs, 0);
    // Words in = words out: what either session said reaches the transcript output, in order, once.
    const wordsIn = emu.sessions.flatMap((s) => s.wordsSent);
    assert.deepEqual(run.finalWords('kitchen'), wordsIn);
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
    assertReplayedOnce(samplesReceived(emu), THREE.length / 2);
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
