import { strict as assert } from 'node:assert';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator } from '../../src/emulator';
import { GradiumSession, SessionState, type SessionClose } from '../../src/gradium/session';
import type { TextMessage } from '../../src/gradium/protocol';
import { speechPcm, chunks, until } from '../helpers/speech-audio';

const KEY = 'gsk_test_session_key';

function session(url: string, extra: Partial<ConstructorParameters<typeof GradiumSession>[0]> = {}): GradiumSession {
  return new GradiumSession({
    url,
    apiKey: KEY,
    setup: { model: 'default', inputFormat: 'pcm_16000', jsonConfig: { language: 'en', delay_in_frames: 10 } },
    handshakeTimeoutMs: 3000,
    ...extra,
  });
}

function closed(s: GradiumSession): Promise<SessionClose> {
  return new Promise((resolve) => s.on('close', resolve));
}

describe('GradiumSession against the emulator', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: ['hello world', 'second turn here'] });
  });
  afterEach(() => emu.close());

  it('sends setup with the key only in the upgrade header, gets ready, words, steps and an orderly end', async () => {
    const s = session(emu.url);
    const words: TextMessage[] = [];
    let steps = 0;
    s.on('text', (t) => words.push(t));
    s.on('step', () => steps++);
    const ready = new Promise((r) => s.on('ready', r));
    const end = closed(s);
    s.connect();
    assert.equal(s.state, SessionState.CONNECTING);
    await until('socket open', () => s.canSend);
    for (const c of chunks(speechPcm([{ speechMs: 800, silenceMs: 800 }]), 80)) assert.ok(s.sendAudio(c));
    await ready;
    assert.equal(s.state, SessionState.OPEN);
    const id = s.flush();
    await new Promise<void>((resolve) => s.on('flushed', (fid) => fid === id && resolve()));
    s.endOfStream();
    const c = await end;
    assert.equal(c.error, null);
    assert.equal(c.code, 1000);
    assert.deepEqual(words.map((w) => w.text), ['hello', 'world']);
    assert.equal(steps, 20, 'one step per 80 ms of the 1.6 s sent');
    const rec = emu.sessions[0]!;
    assert.equal(rec.setup?.input_format, 'pcm_16000');
    assert.equal(rec.config?.language, 'en');
    assert.equal(rec.headers['x-api-source'], 'node-red');
    assert.equal(rec.headers['x-api-key'], undefined);
    assert.equal(rec.samplesReceived, 1.6 * 16000);
    assert.deepEqual(rec.invalidFrames, []);
  });

  it('reports a refused key as a non-retryable auth error, with the server message and code', async () => {
    const s = session(emu.url, { apiKey: 'gsk_wrong' });
    const end = closed(s);
    s.connect();
    const c = await end;
    assert.ok(c.error);
    assert.equal(c.error.kind, 'server');
    assert.equal(c.error.closeCode, 1008);
    assert.equal(c.error.category, 'auth');
    assert.equal(c.error.retryable, false);
    assert.match(c.error.message, /revoked or expired/);
    assert.doesNotMatch(c.error.message, /gsk_wrong/);
  });

  it('reports an HTTP refusal of the upgrade as an auth error', async () => {
    emu.setFaults({ http401: true });
    const s = session(emu.url);
    const end = closed(s);
    s.connect();
    const c = await end;
    assert.equal(c.error?.kind, 'http');
    assert.equal(c.error?.closeCode, 401);
    assert.equal(c.error?.category, 'auth');
  });

  it('classifies a missing language (1011 naming a setting) as a configuration error', async () => {
    const s = new GradiumSession({
      url: emu.url,
      apiKey: KEY,
      // Deliberately wrong: the type requires a language, this is what an old client would send.
      setup: { model: 'default', inputFormat: 'pcm_16000', jsonConfig: {} as { language: string } },
    });
    const end = closed(s);
    s.connect();
    const c = await end;
    assert.equal(c.error?.closeCode, 1011);
    assert.equal(c.error?.category, 'config');
  });

  it('treats an abrupt close as a retryable error', async () => {
    emu.setFaults({ closeAfterFrames: 3 });
    const s = session(emu.url);
    const end = closed(s);
    s.connect();
    await until('socket open', () => s.canSend);
    for (const c of chunks(speechPcm([{ speechMs: 800, silenceMs: 0 }]), 80)) s.sendAudio(c);
    const c = await end;
    assert.equal(c.error?.kind, 'closed');
    assert.equal(c.error?.retryable, true);
  });

  it('times out when ready never comes', async () => {
    emu.setFaults({ connectDelayMs: 5000 });
    const s = session(emu.url, { handshakeTimeoutMs: 300 });
    const end = closed(s);
    s.connect();
    const c = await end;
    assert.equal(c.error?.kind, 'timeout');
    assert.equal(c.error?.retryable, true);
  });

  it('close() before and after connecting is orderly and emits close once', async () => {
    const s1 = session(emu.url);
    const e1 = closed(s1);
    s1.close();
    assert.equal((await e1).error, null);
    const s2 = session(emu.url);
    let count = 0;
    s2.on('close', () => count++);
    const e2 = closed(s2);
    s2.connect();
    s2.close();
    assert.equal((await e2).error, null);
    assert.equal(count, 1);
  });
});

describe('GradiumSession against a misbehaving server', () => {
  let wss: WebSocketServer;
  let url: string;
  beforeEach(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/speech/asr`;
  });
  afterEach(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });

  it('reports malformed frames as warnings and keeps the session', async () => {
    wss.on('connection', (ws) => {
      ws.once('message', () => {
        ws.send('not json');
        ws.send(JSON.stringify({ type: 'text' }));
        ws.send(JSON.stringify({ type: 'mystery' }));
        ws.send(Buffer.from([1, 2, 3]));
        ws.send(JSON.stringify({ type: 'ready', request_id: 'r1', model_name: 'default', sample_rate: 24000, frame_size: 1920, delay_in_frames: 10, text_stream_names: [] }));
      });
    });
    const s = session(url);
    const warnings: string[] = [];
    s.on('warning', (w) => warnings.push(w));
    const ready = new Promise((r) => s.on('ready', r));
    s.connect();
    await ready;
    assert.equal(warnings.length, 4);
    assert.equal(s.state, SessionState.OPEN);
    const end = closed(s);
    s.close();
    assert.equal((await end).error, null);
  });

  it('refuses malformed steps with a warning, reads valid ones in any spelling, and sends audio as a text frame', async () => {
    const good = '{"type":"step","vad":[{"horizon_s":2,"inactivity_prob":0.25}],"step_idx":3,"step_duration_s":0.08,"total_duration_s":0.32}';
    const received: { text: string; isBinary: boolean }[] = [];
    wss.on('connection', (ws) => {
      ws.on('message', (data, isBinary) => {
        received.push({ text: data.toString(), isBinary });
        if (received.length !== 2) return; // the setup, then one audio message
        ws.send(good.replace('"horizon_s":2', '"horizon_s":"2"'));
        ws.send(good.replace('"step_idx":3,', ''));
        ws.send(good.slice(0, -1));
        ws.send(good);
        ws.send(JSON.stringify(JSON.parse(good), null, 1));
        ws.send(JSON.stringify({ type: 'ready', request_id: 'r1', model_name: 'default', sample_rate: 24000, frame_size: 1920, delay_in_frames: 10, text_stream_names: [] }));
      });
    });
    const s = session(url);
    const warnings: string[] = [];
    const steps: unknown[] = [];
    s.on('warning', (w) => warnings.push(w));
    s.on('step', (m) => steps.push(m));
    const ready = new Promise((r) => s.on('ready', r));
    const open = new Promise<void>((r) => wss.once('connection', (ws) => ws.once('message', () => r())));
    s.connect();
    await open;
    assert.ok(s.sendAudio(Buffer.from([1, 0, 2, 0])));
    await ready;
    assert.deepEqual(warnings, [
      'ignored a malformed frame from Gradium (malformed step)',
      'ignored a malformed frame from Gradium (malformed step)',
      `ignored a malformed frame from Gradium (not JSON: ${good.slice(0, 80)})`,
    ]);
    const expected = { type: 'step', vad: [{ horizon_s: 2, inactivity_prob: 0.25 }], step_idx: 3, step_duration_s: 0.08, total_duration_s: 0.32 };
    assert.deepEqual(steps, [expected, expected]);
    assert.deepEqual(received[1], { text: '{"type":"audio","audio":"AQACAA=="}', isBinary: false });
    const end = closed(s);
    s.close();
    assert.equal((await end).error, null);
  });
});
