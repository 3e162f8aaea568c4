/**
 * The widget's recorder (ui/state/mic-recorder.mjs), the code between the button and the node: which
 * phases a press goes through and which messages reach the node, in order, for a normal recording, a
 * release before the microphone opened, a refused microphone, a lost connection, the max length, the
 * device going away and the widget going away. What the browser provides (the capture, the socket, the
 * timers) is stood in for by recording objects that the test drives; the recorder is the real one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers';
import { MicRecorder, meterLevel } from '../../ui/state/mic-recorder.mjs';
import { IllegalPhaseTransition } from '../../ui/state/recording-phases.mjs';

/** A promise with its resolve and reject. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The browser's microphone as the recorder sees it: every call recorded, open() settled by the test. */
class CaptureStandIn {
  constructor(handlers) {
    this.handlers = handlers;
    this.calls = [];
    this.opening = deferred();
    this.samples = 0;
  }
  prepare() { this.calls.push('prepare'); }
  open(processing) {
    this.calls.push('open');
    this.processing = processing;
    return this.opening.promise;
  }
  begin() { this.calls.push('begin'); }
  /** What the worklet would post while capturing. */
  chunk(samples, peak = 0.5) {
    this.samples += samples;
    this.handlers.onChunk(new ArrayBuffer(samples * 2), peak);
  }
  async finish() {
    this.calls.push('finish');
    return { samples: this.samples };
  }
  abort() { this.calls.push('abort'); }
  close() { this.calls.push('close'); }
}

/** A recorder wired to stand-ins; `sent` is what reached the node, `views` every published view. */
function rig({ connected = true, unsupported = null, hadGesture = true, maxSeconds = 30 } = {}) {
  const sent = [];
  const views = [];
  const timers = [];
  const socket = {
    connected,
    emit(event, id, msg) {
      assert.equal(event, 'widget-action');
      assert.equal(id, 'mic1');
      sent.push(msg);
    },
  };
  let press = 0;
  const t = {
    sent,
    views,
    timers,
    socket,
    capture: /** @type {CaptureStandIn | null} */ (null),
    /** The micAction events sent so far. */
    events: () => sent.map((m) => m.micAction.event),
  };
  t.recorder = new MicRecorder({
    widgetId: 'mic1',
    socket,
    createCapture: (handlers) => (t.capture = new CaptureStandIn(handlers)),
    unsupported: () => unsupported,
    errorCode: (err) => (err && err.name === 'NotAllowedError' ? 'blocked' : 'failed'),
    newPress: () => ({ tab: 'tab-A', press: ++press }),
    hadGesture: () => hadGesture,
    settings: () => ({ processing: { echoCancellation: true, noiseSuppression: false, autoGainControl: true }, maxSeconds }),
    timers: {
      setTimeout: (fn, ms) => {
        const timer = { fn, ms, cleared: false };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (timer) => {
        if (timer) timer.cleared = true;
      },
    },
    onView: (view) => views.push({ ...view }),
  });
  return t;
}

/** Lets the recorder's awaits run (the stand-ins settle at once). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Presses and lets the microphone open: the recorder is then recording. */
async function recording(t, via = 'pointer') {
  const begun = t.recorder.begin(via);
  t.capture.opening.resolve();
  await begun;
  assert.equal(t.recorder.state, 'recording');
}

describe('mic recorder: a recording from press to stop', () => {
  it('idle → permission → recording → stopping → idle; start, audio…, stop, numbered in order', async () => {
    const t = rig({ maxSeconds: 7 });
    const begun = t.recorder.begin('pointer');
    assert.equal(t.recorder.state, 'permission');
    assert.deepEqual(t.capture.calls, ['prepare', 'open'], 'prepared inside the gesture, then asked');
    assert.deepEqual(t.capture.processing, { echoCancellation: true, noiseSuppression: false, autoGainControl: true });
    assert.deepEqual(t.sent, [], 'nothing is sent before the microphone opened');
    t.capture.opening.resolve();
    await begun;
    assert.equal(t.recorder.state, 'recording');
    assert.deepEqual(t.capture.calls, ['prepare', 'open', 'begin']);
    assert.equal(t.timers.length, 1);
    assert.equal(t.timers[0].ms, 7000, 'the max length in ms');

    t.capture.chunk(1280, 1);
    t.capture.chunk(1280, 0.01);
    t.capture.chunk(300);
    assert.equal(t.views.at(-1).level, meterLevel(0.5));
    await t.recorder.end('release');
    assert.equal(t.recorder.state, 'idle');
    assert.equal(t.timers[0].cleared, true, 'the max-length timer is cleared');
    assert.deepEqual(t.events(), ['start', 'audio', 'audio', 'audio', 'stop']);
    assert.deepEqual(
      t.sent.map((m) => [m.micAction.tab, m.micAction.press, m.micAction.seq]),
      [0, 1, 2, 3, 4].map((seq) => ['tab-A', 1, seq]),
    );
    assert.deepEqual(t.sent.at(-1).micAction, { event: 'stop', tab: 'tab-A', press: 1, seq: 4, reason: 'release', captured: 2860 });
    assert.equal(t.sent[1].payload.byteLength, 2560, 'the chunk itself is the payload');
    assert.deepEqual(
      t.views.map((v) => v.phase).filter((p, i, all) => p !== all[i - 1]),
      ['permission', 'recording', 'stopping', 'idle'],
    );
    assert.equal(t.views.at(-1).level, 0, 'the meter rests after the recording');
  });

  it('numbers the next recording as the next press, from seq 0', async () => {
    const t = rig();
    await recording(t);
    await t.recorder.end('release');
    const begun = t.recorder.begin('key');
    t.capture.opening = deferred();
    t.capture.opening.resolve();
    await begun;
    await t.recorder.end('release');
    assert.deepEqual(
      t.sent.map((m) => [m.micAction.event, m.micAction.press, m.micAction.seq]),
      [['start', 1, 0], ['stop', 1, 1], ['start', 2, 0], ['stop', 2, 1]],
    );
  });

  it('ignores a press while a recording is under way (permission, recording)', async () => {
    const t = rig();
    const begun = t.recorder.begin('pointer');
    await t.recorder.begin('click');
    assert.deepEqual(t.capture.calls, ['prepare', 'open'], 'no second prepare or open');
    t.capture.opening.resolve();
    await begun;
    await t.recorder.begin('remote');
    assert.equal(t.recorder.via, 'pointer');
    assert.deepEqual(t.events(), ['start']);
  });

  it('ends by the max length, the device going away, or a stop, each named in the stop', async () => {
    for (const [how, reason] of [
      [(t) => t.timers[0].fn(), 'max'],
      [(t) => t.capture.handlers.onEnded(), 'device'],
      [(t) => t.recorder.end('remote'), 'remote'],
    ]) {
      const t = rig();
      await recording(t);
      how(t);
      await settle();
      assert.equal(t.recorder.state, 'idle', reason);
      assert.equal(t.sent.at(-1).micAction.event, 'stop');
      assert.equal(t.sent.at(-1).micAction.reason, reason);
    }
  });

  it('a second end while stopping sends one stop', async () => {
    const t = rig();
    await recording(t);
    const first = t.recorder.end('release');
    assert.equal(t.recorder.state, 'stopping');
    await t.recorder.end('click');
    await first;
    assert.deepEqual(t.events(), ['start', 'stop']);
  });
});

describe('mic recorder: let go before the microphone opened', () => {
  it('stays in permission, then drops the capture and returns to idle; nothing reaches the node', async () => {
    const t = rig();
    const begun = t.recorder.begin('pointer');
    await t.recorder.end('release');
    assert.equal(t.recorder.state, 'permission', 'the browser is still asking');
    t.capture.opening.resolve();
    await begun;
    assert.equal(t.recorder.state, 'idle');
    assert.deepEqual(t.capture.calls, ['prepare', 'open', 'abort']);
    assert.deepEqual(t.sent, []);
    assert.equal(t.timers.length, 0);
  });
});

describe('mic recorder: errors', () => {
  it('a refused microphone: error shown, and reported to the flow with its code', async () => {
    const t = rig();
    const begun = t.recorder.begin('click');
    t.capture.opening.reject(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    await begun;
    assert.equal(t.recorder.state, 'error');
    assert.deepEqual(t.views.at(-1), { phase: 'error', error: 'blocked', level: 0 });
    assert.deepEqual(t.sent.map((m) => m.micAction), [{ event: 'error', tab: 'tab-A', press: 1, seq: 0, code: 'blocked' }]);
  });

  it('a page that cannot capture: error at once, the capture never made', async () => {
    const t = rig({ unsupported: 'insecure' });
    await t.recorder.begin('click');
    assert.equal(t.recorder.state, 'error');
    assert.equal(t.recorder.error, 'insecure');
    assert.equal(t.capture, null);
    assert.deepEqual(t.events(), ['error']);
  });

  it('no connection at the press: disconnected, and nothing sent (it would arrive late)', async () => {
    const t = rig({ connected: false });
    await t.recorder.begin('pointer');
    assert.deepEqual(t.views.at(-1), { phase: 'error', error: 'disconnected', level: 0 });
    assert.deepEqual(t.sent, []);
  });

  it('a start from the flow before any gesture on the page: no-gesture', async () => {
    const t = rig({ hadGesture: false });
    await t.recorder.begin('remote');
    assert.equal(t.recorder.error, 'no-gesture');
    assert.equal(t.capture, null);
    const begun = t.recorder.begin('pointer');
    assert.equal(t.recorder.state, 'permission', 'a press of the person is a gesture: it starts');
    t.capture.opening.resolve();
    await begun;
    assert.equal(t.recorder.state, 'recording');
  });

  it('the connection lost while recording: error, capture dropped, later chunks and the stop unsent', async () => {
    const t = rig();
    await recording(t);
    t.capture.chunk(1280);
    t.socket.connected = false;
    t.capture.chunk(1280);
    assert.equal(t.recorder.state, 'error');
    assert.equal(t.recorder.error, 'disconnected');
    assert.ok(t.capture.calls.includes('abort'));
    assert.equal(t.timers[0].cleared, true);
    t.socket.connected = true;
    t.capture.chunk(1280);
    await t.recorder.end('release');
    assert.deepEqual(t.events(), ['start', 'audio']);
  });

  it('the connection lost while stopping: the stop is not sent', async () => {
    const t = rig();
    await recording(t);
    const ending = t.recorder.end('release');
    t.socket.connected = false;
    await ending;
    assert.equal(t.recorder.state, 'error');
    assert.deepEqual(t.events(), ['start']);
  });

  it('a lost connection while idle or in error changes nothing', () => {
    const t = rig();
    t.recorder.lost();
    assert.equal(t.recorder.state, 'idle');
    t.recorder.show('insecure');
    t.recorder.lost();
    assert.equal(t.recorder.error, 'insecure');
  });

  it('a press after an error starts again', async () => {
    const t = rig({ connected: false });
    await t.recorder.begin('click');
    assert.equal(t.recorder.state, 'error');
    t.socket.connected = true;
    const begun = t.recorder.begin('click');
    assert.equal(t.recorder.state, 'permission');
    assert.equal(t.views.at(-1).error, null, 'the error is cleared');
    t.capture.opening.resolve();
    await begun;
    assert.equal(t.recorder.state, 'recording');
  });

  it('a move the phase table does not list throws instead of happening', async () => {
    const t = rig();
    assert.throws(() => t.recorder.move('stopping'), IllegalPhaseTransition);
    assert.equal(t.recorder.state, 'idle');
    await recording(t);
    assert.throws(() => t.recorder.move('idle'), IllegalPhaseTransition);
    assert.equal(t.recorder.state, 'recording');
  });
});

describe('mic recorder: the widget going away', () => {
  it('during a recording: the tail and the stop are sent, then the capture closed', async () => {
    const t = rig();
    await recording(t);
    t.recorder.dispose();
    await settle();
    assert.deepEqual(t.sent.at(-1).micAction.reason, 'hidden');
    assert.deepEqual(t.capture.calls.slice(-2), ['finish', 'close']);
  });

  it('when idle: the capture is closed; before any press there is nothing to close', async () => {
    const fresh = rig();
    fresh.recorder.dispose();
    assert.equal(fresh.capture, null);
    const t = rig();
    await recording(t);
    await t.recorder.end('release');
    t.recorder.dispose();
    assert.equal(t.capture.calls.at(-1), 'close');
  });
});

describe('mic recorder: the meter', () => {
  it('shows a peak in dB over 50 dB: full scale is 1, -25 dB half, -50 dB and silence 0', () => {
    assert.equal(meterLevel(1), 1);
    assert.ok(Math.abs(meterLevel(10 ** (-25 / 20)) - 0.5) < 1e-6);
    assert.ok(meterLevel(10 ** (-50 / 20)) < 1e-6);
    assert.equal(meterLevel(0), 0);
    assert.equal(meterLevel(2), 1, 'clamped');
  });
});
