import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type EmulatorFaults, SESSION_CAP_MESSAGE } from '../../src/emulator';
import { concat, EmulatorFixture, s16le, serverClosed, silence, tone } from './helpers';

const RATE = 16000;
const FRAME_BYTES = 2560;

describe('emulator: injected faults', () => {
  const fx = new EmulatorFixture({ script: ['hello there world'] });

  it('closeAfterFrames cuts the socket (1006) after that many audio messages', async () => {
    fx.emulator.setFaults({ closeAfterFrames: 3 });
    const c = await fx.connect();
    c.sendAudio(s16le(silence(400, RATE)), FRAME_BYTES);
    assert.equal((await c.closed).code, 1006);
    assert.equal(c.of('step').length, 3);
    assert.equal(c.of('error').length, 0);
    await serverClosed(fx.emulator, 0);
    assert.equal(fx.emulator.sessions[0]!.closeCode, 1006);
  });

  it('errorAfterFrames sends the error frame then closes with its code', async () => {
    fx.emulator.setFaults({ errorAfterFrames: { frames: 2, code: 1011, message: 'Internal server error' } });
    const c = await fx.connect();
    c.sendAudio(s16le(silence(400, RATE)), FRAME_BYTES);
    assert.equal((await c.closed).code, 1011);
    assert.deepEqual(c.messages.at(-1), { type: 'error', client_req_id: null, message: 'Internal server error', code: 1011 });
    assert.equal(c.of('step').length, 2);
  });

  it('flushDelayMs holds flushed, and audio sent after the flush is processed after it', async () => {
    fx.emulator.setFaults({ flushDelayMs: 200 });
    const c = await fx.connect();
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 3 });
    c.sendAudio(s16le(silence(240, RATE)), FRAME_BYTES);
    await c.waitForType('step', 6);
    const flushedAt = c.messages.findIndex((m) => m.type === 'flushed');
    const laterSteps = c.messages.filter((m, i) => m.type === 'step' && m.step_idx >= 3 && i < flushedAt);
    assert.ok(flushedAt > 0);
    assert.equal(laterSteps.length, 0);
    assert.equal(c.of('text').length, 3);
    assert.ok(c.messages.findIndex((m) => m.type === 'text') < flushedAt);
  });

  it('endOfStreamDelayMs holds the answer to end_of_stream and the close, and nothing is lost', async () => {
    fx.emulator.setFaults({ endOfStreamDelayMs: 300 });
    const c = await fx.connect();
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('flushed');
    const sentAt = performance.now();
    c.send({ type: 'end_of_stream' });
    assert.equal((await c.closed).code, 1000);
    // A lower bound only: a timer never fires early, however loaded the machine.
    assert.ok(performance.now() - sentAt >= 250, `closed after ${Math.round(performance.now() - sentAt)} ms`);
    const types = c.messages.map((m) => m.type).filter((t) => t !== 'step');
    assert.deepEqual(types, ['ready', 'text', 'end_text', 'text', 'end_text', 'text', 'flushed', 'end_of_stream']);
  });

  it('lateTextAfterFlushMs sends the last word after flushed', async () => {
    fx.emulator.setFaults({ lateTextAfterFlushMs: 50 });
    const c = await fx.connect();
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('text', 3);
    const types = c.messages.map((m) => m.type).filter((t) => t !== 'step');
    assert.deepEqual(types, ['ready', 'text', 'end_text', 'text', 'end_text', 'flushed', 'text']);
    assert.equal(c.of('text')[2]!.text, 'world');
  });

  it('lateTextAfterFlushMs never loses the held word when the stream ends first', async () => {
    fx.emulator.setFaults({ lateTextAfterFlushMs: 5000 });
    const c = await fx.connect();
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 1 });
    c.send({ type: 'end_of_stream' });
    await c.closed;
    const types = c.messages.map((m) => m.type).filter((t) => t !== 'step');
    assert.deepEqual(types, ['ready', 'text', 'end_text', 'text', 'end_text', 'flushed', 'text', 'end_of_stream']);
  });

  it('dropFlushed sends the words but never flushed', async () => {
    fx.emulator.setFaults({ dropFlushed: true });
    const c = await fx.connect();
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 1 });
    c.send({ type: 'end_of_stream' });
    await c.closed;
    assert.equal(c.of('flushed').length, 0);
    assert.equal(c.of('text').length, 3);
    assert.equal(c.messages.at(-1)!.type, 'end_of_stream');
  });

  it('sessionCapSeconds ends the session with error 1011 once the audio passes the cap', async () => {
    fx.emulator.setFaults({ sessionCapSeconds: 1 });
    const c = await fx.connect();
    c.sendAudio(s16le(silence(2000, RATE)), FRAME_BYTES);
    assert.equal((await c.closed).code, 1011);
    assert.equal(c.of('step').length, 12); // 0.96 s; the frame ending at 1.04 s is past the cap
    assert.deepEqual(c.messages.at(-1), { type: 'error', client_req_id: null, message: SESSION_CAP_MESSAGE, code: 1011 });
  });

  it('stopReading leaves the client buffering its writes', async function () {
    this.timeout(60000);
    fx.emulator.setFaults({ stopReading: true });
    const c = await fx.connect();
    await c.waitForType('ready');
    const chunk = JSON.stringify({ type: 'audio', audio: Buffer.alloc(FRAME_BYTES).toString('base64') });
    let sent = 0;
    while (c.ws.bufferedAmount < 1 << 20 && sent < 200000) {
      for (let i = 0; i < 100; i++) c.ws.send(chunk);
      sent += 100;
      await nextTurn();
    }
    assert.ok(c.ws.bufferedAmount >= 1 << 20, `bufferedAmount ${c.ws.bufferedAmount} after ${sent} messages`);
    assert.ok(fx.emulator.sessions[0]!.audioMessages < sent);
  });

  it('connectDelayMs delays ready but loses nothing sent meanwhile', async () => {
    fx.emulator.setFaults({ connectDelayMs: 200 });
    const c = await fx.connect();
    c.sendAudio(s16le(concat(tone(240, RATE), silence(80, RATE))), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 9 });
    await c.waitForType('flushed');
    assert.equal(c.messages[0]!.type, 'ready');
    assert.equal(c.of('step').length, 4);
    assert.equal(c.of('text').length, 3);
  });

  it('survives clients that vanish while ready, flushed or a late word is pending', async () => {
    const cases: EmulatorFaults[] = [{ connectDelayMs: 300 }, { flushDelayMs: 300 }, { lateTextAfterFlushMs: 300 }];
    for (const [i, faults] of cases.entries()) {
      fx.emulator.setFaults(faults);
      const c = await fx.connect();
      c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
      c.send({ type: 'flush', flush_id: i });
      if (!faults.connectDelayMs) await c.waitFor('words', () => c.of('text').length >= 2);
      c.ws.terminate();
      await serverClosed(fx.emulator, i);
      assert.equal(fx.emulator.sessions[i]!.closeCode, 1006);
    }
    // A fresh session still works normally.
    fx.emulator.setFaults({});
    const c = await fx.connect();
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'end_of_stream' });
    assert.equal((await c.closed).code, 1000);
  });

  it('setFaults applies to sessions that start after the call', async () => {
    const before = await fx.connect();
    await before.waitForType('ready');
    fx.emulator.setFaults({ closeAfterFrames: 1 });
    const after = await fx.connect();
    before.sendAudio(s16le(silence(240, RATE)), FRAME_BYTES);
    after.sendAudio(s16le(silence(240, RATE)), FRAME_BYTES);
    assert.equal((await after.closed).code, 1006);
    await before.waitForType('step', 3);
    before.send({ type: 'end_of_stream' });
    assert.equal((await before.closed).code, 1000);
  });
});
