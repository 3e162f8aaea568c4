import assert from 'node:assert/strict';
import { concat, EmulatorFixture, s16le, serverClosed, silence, tone } from './helpers';

const RATE = 16000;
const FRAME_BYTES = 2560;

describe('emulator: flush and end of stream', () => {
  const fx = new EmulatorFixture({ script: ['hello there world', 'second utterance'] });

  it('forces out the words of an open segment before flushed, echoing numeric and string ids', async () => {
    const c = await fx.connect();
    c.sendAudio(s16le(tone(400, RATE)), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 7 });
    await c.waitForType('flushed');
    const types = c.messages.map((m) => m.type).filter((t) => t !== 'step');
    assert.deepEqual(types, ['ready', 'text', 'end_text', 'text', 'end_text', 'text', 'flushed']);
    assert.deepEqual(c.of('flushed')[0], { type: 'flushed', flush_id: 7 });

    c.sendAudio(s16le(concat(silence(160, RATE), tone(320, RATE))), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 'abc' });
    await c.waitForType('flushed', 2);
    assert.deepEqual(c.of('flushed')[1], { type: 'flushed', flush_id: 'abc' });
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['hello', 'there', 'world', 'second', 'utterance'],
    );

    // The flushed segment is closed: silence afterwards brings no repeated words.
    c.sendAudio(s16le(silence(1600, RATE)), FRAME_BYTES);
    c.send({ type: 'end_of_stream' });
    await c.closed;
    assert.equal(c.of('text').length, 5);
  });

  it('processes a partial frame at flush time', async () => {
    const c = await fx.connect();
    c.send({ type: 'audio', audio: s16le(tone(50, RATE)).toString('base64') });
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('flushed');
    assert.equal(c.of('step').length, 1);
    assert.equal(c.of('text').length, 3);
  });

  it('answers a flush with no pending words with just flushed', async () => {
    const c = await fx.connect();
    c.send({ type: 'flush', flush_id: 0 });
    await c.waitForType('flushed');
    assert.deepEqual(
      c.messages.map((m) => m.type),
      ['ready', 'flushed'],
    );
  });

  it('drains words on end_of_stream, answers end_of_stream and closes 1000', async () => {
    const c = await fx.connect();
    c.sendAudio(s16le(tone(480, RATE)), FRAME_BYTES);
    c.send({ type: 'end_of_stream' });
    const closed = await c.closed;
    assert.equal(closed.code, 1000);
    const types = c.messages.map((m) => m.type).filter((t) => t !== 'step');
    assert.deepEqual(types, ['ready', 'text', 'end_text', 'text', 'end_text', 'text', 'end_of_stream']);
    await serverClosed(fx.emulator, 0);
    assert.equal(fx.emulator.sessions[0]!.closeCode, 1000);
  });

  it('keeps the socket open after end_of_stream when close_ws_on_eos is false and takes a new setup', async () => {
    const c = await fx.connect({ close_ws_on_eos: false });
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'end_of_stream' });
    await c.waitForType('end_of_stream');
    c.setup({ close_ws_on_eos: true });
    c.sendAudio(s16le(tone(240, RATE)), FRAME_BYTES);
    c.send({ type: 'end_of_stream' });
    assert.equal((await c.closed).code, 1000);
    assert.equal(c.of('ready').length, 2);
    assert.notEqual(c.of('ready')[0]!.request_id, c.of('ready')[1]!.request_id);
    // The second request starts a fresh clock.
    const steps = c.of('step');
    assert.deepEqual(
      steps.map((s) => s.step_idx),
      [0, 1, 2, 0, 1, 2],
    );
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['hello', 'there', 'world', 'second', 'utterance'],
    );
    assert.equal(fx.emulator.sessions.length, 1);
    assert.equal(fx.emulator.sessions[0]!.samplesReceived, 2 * 3840);
  });

  it('serves many concurrent sessions, each getting whole utterances', async function () {
    this.timeout(60000);
    const count = 100;
    const all = await Promise.all(Array.from({ length: count }, () => fx.connect()));
    const audio = s16le(concat(tone(400, RATE), silence(400, RATE)));
    for (const c of all) {
      c.sendAudio(audio, FRAME_BYTES);
      c.send({ type: 'end_of_stream' });
    }
    await Promise.all(all.map((c) => c.closed));
    const heard = all.map((c) => c.of('text').map((t) => t.text).join(' '));
    assert.equal(heard.filter((h) => h === 'hello there world').length, count / 2);
    assert.equal(heard.filter((h) => h === 'second utterance').length, count / 2);
    assert.ok(all.every((c) => c.of('step').length === 10));
  });
});
