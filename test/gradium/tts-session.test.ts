import { strict as assert } from 'node:assert';
import { WebSocketServer } from 'ws';
import { startEmulator, type Emulator } from '../../src/emulator';
import { ManualClock } from '../helpers/manual-clock';
import { resolveEndpoint, resolveTtsEndpoint, TTS_REGION_URLS, httpBaseOf } from '../../src/gradium/endpoints';
import { UnknownVoiceError } from '../../src/gradium/tts-errors';
import { parseTtsServerMessage } from '../../src/gradium/tts-message-parser';
import { TtsSession, TtsSessionState, type TtsSessionClose, type TtsWord } from '../../src/gradium/tts-session';
import { listVoices, parseVoices } from '../../src/gradium/voices';
import { until } from '../helpers/speech-audio';

const KEY = 'tts-session-test-key';

interface Run {
  session: TtsSession;
  audio: Buffer[];
  words: TtsWord[];
  warnings: string[];
  ended: boolean;
  close: Promise<TtsSessionClose>;
}

function run(url: string, text: string[], extra: Partial<ConstructorParameters<typeof TtsSession>[0]> = {}): Run {
  const session = new TtsSession({
    url,
    apiKey: KEY,
    setup: { voice: 'YTpq7expH9539ERJ', model: 'default', outputFormat: 'pcm_16000', jsonConfig: { temp: 0.5 } },
    text,
    ...extra,
  });
  const r: Run = { session, audio: [], words: [], warnings: [], ended: false, close: undefined as unknown as Promise<TtsSessionClose> };
  session.on('audio', (b) => r.audio.push(b));
  session.on('word', (w) => r.words.push(w));
  session.on('warning', (w) => r.warnings.push(w));
  session.on('end', () => (r.ended = true));
  r.close = new Promise((resolve) => session.on('close', resolve));
  session.connect();
  return r;
}

describe('TtsSession against the emulator', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('sends setup, the text messages and end_of_stream; receives every sample and word; completes', async () => {
    const r = run(emu.ttsUrl, ['Hello there,', 'how are you?']);
    const close = await r.close;
    assert.deepEqual(close, { code: 1000, reason: '', error: null, completed: true, cancelled: false });
    assert.equal(r.session.state, TtsSessionState.CLOSED);
    const s = emu.ttsSessions[0]!;
    assert.deepEqual(s.received, [
      { type: 'setup', model_name: 'default', voice_id: 'YTpq7expH9539ERJ', output_format: 'pcm_16000', json_config: { temp: 0.5 } },
      { type: 'text', text: 'Hello there,' },
      { type: 'text', text: 'how are you?' },
      { type: 'end_of_stream' },
    ]);
    assert.equal(s.text, 'Hello there, how are you?');
    assert.equal(Buffer.concat(r.audio).length, s.samplesSent * 2);
    assert.deepEqual(r.words.map((w) => w.text), ['Hello', 'there,', 'how', 'are', 'you?']);
    assert.equal(r.session.readyMessage?.sample_rate, 16000);
    assert.equal(s.headers['x-api-source'], 'node-red');
    assert.equal(s.headers['x-api-key'], undefined, 'the emulator never keeps the key');
  });

  it('cancel() closes the socket at once: the server sees a cancel, the client no more audio', async () => {
    emu.setFaults({ ttsChunkIntervalMs: 30 });
    const r = run(emu.ttsUrl, ['one two three four five six seven eight nine ten eleven twelve']);
    await until('two chunks', () => r.audio.length >= 2);
    r.session.cancel();
    const heard = r.audio.length;
    const close = await r.close;
    assert.equal(close.cancelled, true);
    assert.equal(close.error, null);
    assert.equal(close.completed, false);
    await until('server saw the close', () => emu.ttsSessions[0]!.closed);
    assert.equal(emu.ttsSessions[0]!.cancelled, true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(r.audio.length, heard, 'no audio after cancel');
  });

  it('a refused key is an auth error; a missing key (bare close 1008) too', async () => {
    const wrong = run(emu.ttsUrl, ['hi'], { apiKey: 'wrong' });
    const closed = await wrong.close;
    assert.equal(closed.error?.category, 'auth');
    assert.equal(closed.error?.retryable, false);
    assert.match(closed.error!.message, /Invalid or expired API key/);
    assert.doesNotMatch(closed.error!.message, /support@/, 'only the first line of Gradium’s message');
    const none = run(emu.ttsUrl, ['hi'], { apiKey: '' });
    const noneClosed = await none.close;
    assert.equal(noneClosed.error?.category, 'auth');
    assert.equal(noneClosed.code, 1008);
  });

  it('an unknown voice is an UnknownVoiceError naming the voice, not retryable', async () => {
    const r = run(emu.ttsUrl, ['hi'], {
      setup: { voice: 'nobody-12345678', model: 'default', outputFormat: 'pcm_16000' },
    });
    const closed = await r.close;
    assert.ok(closed.error instanceof UnknownVoiceError);
    assert.equal(closed.error.voice, 'nobody-12345678');
    assert.equal(closed.error.retryable, false);
    assert.match(closed.error.message, /"nobody-12345678".*Embeddings not found/);
  });

  it('an abrupt close is a retryable error; an error frame after audio too (1011 without a config hint)', async () => {
    emu.setFaults({ ttsCloseAfterChunks: 2 });
    const cut = await run(emu.ttsUrl, ['hello there how are you today']).close;
    assert.equal(cut.error?.retryable, true);
    assert.equal(cut.code, 1006);
    emu.setFaults({ ttsErrorAfterChunks: { chunks: 1, code: 1011, message: 'Internal server error' } });
    const failed = await run(emu.ttsUrl, ['hello there how are you today']).close;
    assert.equal(failed.error?.retryable, true);
    assert.equal(failed.error?.closeCode, 1011);
    assert.equal(failed.error?.code, 'SERVER_ERROR');
  });

  it('a server silent past the response timeout fails the request (timeout, retryable)', async () => {
    const clock = new ManualClock();
    emu.setFaults({ ttsFirstAudioDelayMs: 5000 });
    const r = run(emu.ttsUrl, ['hello'], { clock, responseTimeoutMs: 1000 });
    await until('ready', () => r.session.readyMessage !== null);
    clock.advance(999);
    assert.equal(r.session.state, TtsSessionState.SYNTHESIZING);
    clock.advance(1);
    clock.advance(2000); // the close handshake timer, if the server lingers
    const closed = await r.close;
    assert.equal(closed.error?.kind, 'timeout');
    assert.equal(closed.error?.retryable, true);
  });

  it('cancel before connect and twice is harmless; the state table refuses a second connect', async () => {
    const session = new TtsSession({
      url: emu.ttsUrl,
      apiKey: KEY,
      setup: { voice: 'YTpq7expH9539ERJ', model: 'default', outputFormat: 'pcm_16000' },
      text: ['hi'],
    });
    const closes: TtsSessionClose[] = [];
    session.on('close', (c) => closes.push(c));
    session.cancel();
    session.cancel();
    assert.equal(closes.length, 1);
    assert.equal(closes[0]!.cancelled, true);
    assert.throws(() => session.connect(), /closed → connecting is not allowed/);
  });

  it('a session ignores need_more_text and newer message types (one warning each) and goes on', async () => {
    // A server that answers with message types the emulator never sends, then a normal end.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws) => {
      ws.once('message', () => {
        ws.send(JSON.stringify({ type: 'ready', request_id: 'r1', model_name: 'default', sample_rate: 16000, frame_size: 1280 }));
        ws.send(JSON.stringify({ type: 'need_more_text' }));
        ws.send(JSON.stringify({ type: 'need_more_text' }));
        ws.send(JSON.stringify({ type: 'brand_new_kind', x: 1 }));
        ws.send(JSON.stringify({ type: 'audio', audio: Buffer.alloc(2560).toString('base64'), start_s: 0, stop_s: 0.08 }));
        ws.send('{not json');
        ws.send(JSON.stringify({ type: 'end_of_stream' }));
        ws.close(1000);
      });
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    const port = (wss.address() as { port: number }).port;
    try {
      const r = run(`ws://127.0.0.1:${port}/api/speech/tts`, ['hello']);
      const close = await r.close;
      assert.equal(close.completed, true);
      assert.equal(close.error, null);
      assert.equal(Buffer.concat(r.audio).length, 2560);
      assert.equal(r.warnings.filter((w) => /need_more_text/.test(w)).length, 1, r.warnings.join('\n'));
      assert.equal(r.warnings.filter((w) => /brand_new_kind/.test(w)).length, 1);
      assert.equal(r.warnings.filter((w) => /malformed/.test(w)).length, 1);
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it('ignores need_more_text and unknown types (warned once), and survives malformed frames', () => {
    assert.deepEqual(parseTtsServerMessage('{"type":"need_more_text"}'), { ok: true, message: { type: 'need_more_text' } });
    const unknown = parseTtsServerMessage('{"type":"brand_new"}');
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.unknownType, 'brand_new');
    assert.equal(parseTtsServerMessage('{"type":"audio"}').ok, false);
    assert.equal(parseTtsServerMessage('not json').ok, false);
  });
});

describe('TTS endpoints and the voice list', () => {
  it('derives the TTS URL from the region, or from a custom ASR, TTS or base URL', () => {
    assert.equal(resolveTtsEndpoint('global', ''), 'wss://api.gradium.ai/api/speech/tts');
    assert.equal(resolveTtsEndpoint('eu', ''), TTS_REGION_URLS.eu);
    assert.equal(resolveTtsEndpoint('custom', 'wss://gw.example.org/api/speech/asr'), 'wss://gw.example.org/api/speech/tts');
    assert.equal(resolveTtsEndpoint('custom', 'wss://gw.example.org/api/speech/tts'), 'wss://gw.example.org/api/speech/tts');
    assert.equal(resolveTtsEndpoint('custom', 'wss://gw.example.org'), 'wss://gw.example.org/api/speech/tts');
    assert.equal(resolveTtsEndpoint('custom', 'wss://gw.example.org/gradium/api/'), 'wss://gw.example.org/gradium/api/speech/tts');
    assert.equal(resolveTtsEndpoint('custom', 'ws://127.0.0.1:8765/api/speech/asr'), 'ws://127.0.0.1:8765/api/speech/tts');
    assert.throws(() => resolveTtsEndpoint('custom', 'wss://gw.example.org/asr-proxy'), /Cannot tell the text-to-speech URL.*wss:\/\/gw\.example\.org/);
    assert.throws(() => resolveTtsEndpoint('custom', 'ws://gw.example.org/api/speech/asr'), /non-loopback/);
  });

  it('a base URL serves the ASR side too; other custom paths stay as given', () => {
    assert.equal(resolveEndpoint('custom', 'wss://gw.example.org'), 'wss://gw.example.org/api/speech/asr');
    assert.equal(resolveEndpoint('custom', 'wss://gw.example.org/api/speech/tts'), 'wss://gw.example.org/api/speech/asr');
    assert.equal(resolveEndpoint('custom', 'wss://gw.example.org/asr-proxy'), 'wss://gw.example.org/asr-proxy');
    assert.equal(httpBaseOf('wss://gw.example.org/gradium/api/speech/tts'), 'https://gw.example.org/gradium/api/');
    assert.equal(httpBaseOf('ws://127.0.0.1:9/api/speech/asr'), 'http://127.0.0.1:9/api/');
  });

  it('reads the voice list through the key; refused and unreachable in plain words', async () => {
    const emu = await startEmulator({
      apiKeys: [KEY],
      voices: [{ uid: 'clone-0000000001', name: 'Aunt May', language: 'en', gender: 'F', description: '', is_catalog: false }],
    });
    try {
      const ok = await listVoices(emu.ttsUrl, KEY);
      assert.equal(ok.result, 'ok');
      const voices = ok.result === 'ok' ? ok.voices : [];
      assert.ok(voices.some((v) => v.id === 'YTpq7expH9539ERJ' && v.name === 'Emma' && v.language === 'en' && !v.custom));
      assert.equal(voices.at(-1)!.id, 'clone-0000000001', 'custom voices come last');
      assert.equal(voices.at(-1)!.custom, true);
      const refused = await listVoices(emu.ttsUrl, 'wrong');
      assert.equal(refused.result, 'invalid');
      assert.doesNotMatch(JSON.stringify(refused), /wrong/);
    } finally {
      await emu.close();
    }
    const gone = await listVoices(emu.ttsUrl, KEY, 2000);
    assert.equal(gone.result, 'unreachable');
  });

  it('accepts the list shapes seen and skips entries without an id', () => {
    assert.deepEqual(parseVoices({ voices: [{ uid: 'a1', name: 'A' }, { name: 'no id' }] })?.map((v) => v.id), ['a1']);
    assert.equal(parseVoices('nonsense'), undefined);
  });
});
