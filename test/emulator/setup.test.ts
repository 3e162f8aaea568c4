import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { LANGUAGE_REQUIRED_MESSAGE } from '../../src/emulator';
import { EmulatorFixture, serverClosed, TestClient } from './helpers';

describe('emulator: connection and setup', () => {
  const fx = new EmulatorFixture();

  it('answers a valid setup with ready carrying all six fields', async () => {
    const c = fx.client();
    await c.opened;
    c.setup();
    await c.waitForType('ready');
    const ready = c.of('ready')[0]!;
    assert.match(ready.request_id, /^[0-9a-f-]{36}$/);
    assert.equal(ready.model_name, 'default');
    assert.equal(ready.sample_rate, 24000);
    assert.equal(ready.frame_size, 1920);
    assert.equal(ready.delay_in_frames, 10);
    assert.deepEqual(ready.text_stream_names, []);
    assert.match(fx.emulator.url, /^ws:\/\/127\.0\.0\.1:\d+\/api\/speech\/asr$/);
  });

  it('accepts json_config as a JSON string and echoes the chosen delay', async () => {
    const c = fx.client();
    await c.opened;
    c.setup({}, JSON.stringify({ language: 'fr', delay_in_frames: 12 }));
    await c.waitForType('ready');
    assert.equal(c.of('ready')[0]!.delay_in_frames, 12);
    assert.deepEqual(fx.emulator.sessions[0]!.config, { language: 'fr', delay_in_frames: 12 });
  });

  it('refuses anything but setup as the first message with error 1008 and a 1008 close', async () => {
    const c = fx.client();
    await c.opened;
    c.send({ type: 'audio', audio: Buffer.alloc(640).toString('base64') });
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    const errors = c.of('error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 1008);
    assert.match(errors[0]!.message, /setup/);
    assert.equal(c.of('ready').length, 0);
  });

  it('requires a language with the real error text, unless the fault is switched off', async () => {
    const c = fx.client();
    await c.opened;
    c.setup({}, {});
    const closed = await c.closed;
    assert.equal(closed.code, 1011);
    assert.deepEqual(c.messages, [{ type: 'error', client_req_id: null, message: LANGUAGE_REQUIRED_MESSAGE, code: 1011 }]);

    fx.emulator.setFaults({ requireLanguage: false });
    const relaxed = fx.client();
    await relaxed.opened;
    relaxed.setup({}, {});
    await relaxed.waitForType('ready');
  });

  it('refuses an unknown language with 1011', async () => {
    const c = fx.client();
    await c.opened;
    c.setup({}, { language: 'xx' });
    assert.equal((await c.closed).code, 1011);
    assert.match(c.of('error')[0]!.message, /"xx"/);
  });

  it('refuses a delay_in_frames outside the documented set with 1011 naming the value', async () => {
    const c = fx.client();
    await c.opened;
    c.setup({}, { language: 'en', delay_in_frames: 9 });
    assert.equal((await c.closed).code, 1011);
    const error = c.of('error')[0]!;
    assert.equal(error.code, 1011);
    assert.match(error.message, /delay_in_frames 9\b/);
  });

  it('refuses an unknown input_format with 1008 naming it', async () => {
    const c = fx.client();
    await c.opened;
    c.setup({ input_format: 'pcm_12345' });
    assert.equal((await c.closed).code, 1008);
    assert.match(c.of('error')[0]!.message, /pcm_12345/);
  });

  it('accepts the upgrade for a bad key, then sends error 1008 and closes 1008', async () => {
    await fx.restart({ apiKeys: ['gsk_good'] });
    const c = fx.client({ 'x-api-key': 'gsk_wrong', 'x-api-source': 'node-red' });
    await c.opened;
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.deepEqual(c.messages, [
      { type: 'error', client_req_id: null, message: 'API key is revoked or expired', code: 1008 },
    ]);
    await serverClosed(fx.emulator, 0);
    const session = fx.emulator.sessions[0]!;
    assert.equal(session.apiKeyAccepted, false);
    assert.equal(session.headers['x-api-key'], undefined);
    assert.equal(session.headers['x-api-source'], 'node-red');
    assert.equal(session.closeCode, 1008);
    assert.equal(session.closed, true);

    const good = fx.client({ 'x-api-key': 'gsk_good' });
    await good.opened;
    good.setup();
    await good.waitForType('ready');
    assert.equal(fx.emulator.sessions[1]!.apiKeyAccepted, true);
  });

  it('takes the key from ?token= too, and refuses a connection without any key', async () => {
    const withToken = fx.client({}, `${fx.emulator.url}?token=tok_123`);
    await withToken.opened;
    withToken.setup();
    await withToken.waitForType('ready');

    const keyless = fx.client({});
    await keyless.opened;
    assert.equal((await keyless.closed).code, 1008);
    assert.equal(keyless.of('error')[0]!.message, 'API key is revoked or expired');
  });

  it('refuses the upgrade with HTTP 401 under the http401 fault', async () => {
    fx.emulator.setFaults({ http401: true });
    const c = fx.client();
    await assert.rejects(c.opened, /HTTP 401/);
    assert.equal(fx.emulator.sessions.length, 0);
  });

  it('answers 404 on another path', async () => {
    const c = fx.client(undefined, fx.emulator.url.replace('/asr', '/stt'));
    await assert.rejects(c.opened, /HTTP 404/);
  });

  it('closes with 1008 on non-JSON text, an unknown type, and binary frames', async () => {
    const cases: [string, (c: TestClient) => void, RegExp][] = [
      ['non-JSON', (c) => c.send('hello'), /JSON/],
      ['unknown type', (c) => c.send({ type: 'pause' }), /pause/],
      ['binary', (c) => c.ws.send(Buffer.alloc(640)), /binary frames are not supported/],
    ];
    for (const [name, act, message] of cases) {
      const c = fx.client();
      await c.opened;
      c.setup();
      await c.waitForType('ready');
      act(c);
      assert.equal((await c.closed).code, 1008, name);
      assert.match(c.of('error')[0]!.message, message, name);
    }
  });

  it('reports sessions through events and records what the client sent', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    fx.emulator.on('session', (s) => started.push(s.id));
    fx.emulator.on('session-end', (s) => ended.push(s.id));
    const c = fx.client();
    await c.opened;
    c.setup();
    c.send({ type: 'audio', audio: Buffer.alloc(2560).toString('base64') });
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('flushed');
    c.send({ type: 'end_of_stream' });
    await c.closed;
    await serverClosed(fx.emulator, 0);
    assert.deepEqual(started, [1]);
    assert.deepEqual(ended, [1]);
    const s = fx.emulator.sessions[0]!;
    assert.deepEqual(
      s.received.map((m) => m.type),
      ['setup', 'audio', 'flush', 'end_of_stream'],
    );
    assert.deepEqual(s.received[1], { type: 'audio', audio: '' });
    assert.equal(s.audioMessages, 1);
    assert.equal(s.audioBytes, 2560);
    assert.equal(s.samplesReceived, 1280);
    assert.deepEqual(
      s.sent.map((m) => m.type),
      c.messages.map((m) => m.type),
    );
    assert.equal(s.closeCode, 1000);
  });

  it('closes every open socket on close() and then refuses connections', async () => {
    const a = fx.client();
    const b = fx.client();
    await Promise.all([a.opened, b.opened]);
    a.setup();
    await a.waitForType('ready');
    await fx.emulator.close();
    assert.equal((await a.closed).code, 1001);
    assert.equal((await b.closed).code, 1001);
    assert.ok(fx.emulator.sessions.every((s) => s.closed));
    const late = new WebSocket(fx.emulator.url, { headers: { 'x-api-key': 'k' } });
    await new Promise<void>((resolve) => late.once('error', () => resolve()));
  });
});
