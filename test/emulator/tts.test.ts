import assert from 'node:assert/strict';
import { startEmulator, type Emulator, TTS_BAD_KEY_MESSAGE, UNKNOWN_VOICE_MESSAGE } from '../../src/emulator';
import { ttsServerClosed } from './helpers';
import { oggPages, parseWav, TtsTestClient } from './tts-helpers';

const TEXT = 'Hello there, how are you? The kitchen light is on.';
const WORDS = TEXT.split(' ');

describe('emulator: text-to-speech (/api/speech/tts)', () => {
  let emu: Emulator;
  const clients: TtsTestClient[] = [];
  const client = (headers?: Record<string, string>): TtsTestClient => {
    const c = new TtsTestClient(emu.ttsUrl, headers);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    emu = await startEmulator({
      apiKeys: ['test-key'],
      voices: [{ uid: 'my-clone-0001', name: 'Grandpa', language: 'en', gender: 'M', description: 'cloned', is_catalog: false }],
    });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await emu.close();
  });

  it('serves the TTS route beside the ASR one', () => {
    assert.match(emu.ttsUrl, /^ws:\/\/127\.0\.0\.1:\d+\/api\/speech\/tts$/);
    assert.equal(emu.ttsUrl.replace('/tts', '/asr'), emu.url);
  });

  it('answers setup with ready, then audio and one word per text message word, then end_of_stream and close 1000', async () => {
    const c = client();
    const closed = await c.speak([TEXT]);
    assert.equal(closed.code, 1000);
    const types = c.messages.map((m) => m.type);
    assert.equal(types[0], 'ready');
    assert.equal(types.at(-1), 'end_of_stream');
    const ready = c.of('ready')[0]!;
    assert.equal(ready.sample_rate, 16000);
    assert.equal(ready.frame_size, 1280);
    assert.equal(typeof ready.request_id, 'string');
    assert.deepEqual(c.of('text').map((w) => w.text), WORDS);
    // Every audio message is 80 ms but the last; times follow each other.
    const audio = c.of('audio');
    const sizes = audio.map((a) => Buffer.from(a.audio, 'base64').length);
    for (const size of sizes.slice(0, -1)) assert.equal(size, 2560);
    for (let i = 1; i < audio.length; i++) assert.equal(audio[i]!.start_s, audio[i - 1]!.stop_s);
    // A word is announced once the audio holding it has gone out, and lies within it.
    for (const w of c.of('text')) {
      const at = c.messages.indexOf(w);
      const sentBefore = c.messages.slice(0, at).filter((m) => m.type === 'audio').at(-1) as { stop_s: number };
      assert.ok(sentBefore.stop_s + 1e-9 >= w.stop_s, `${w.text} announced before its audio`);
      assert.ok(w.start_s < w.stop_s);
    }
    const s = emu.ttsSessions[0]!;
    await ttsServerClosed(emu, 0);
    assert.equal(s.text, TEXT);
    assert.equal(s.samplesSent, c.audio().length / 2);
    assert.equal(s.completed, true);
    assert.equal(s.cancelled, false);
    assert.deepEqual(s.wordsSent, WORDS);
  });

  it('joins text messages with one space, lags two words behind, and <flush> forces the words out', async () => {
    const c = client();
    await c.opened;
    c.setup();
    c.send({ type: 'text', text: 'turn on' });
    c.send({ type: 'text', text: 'the light <flush>' });
    await c.waitFor('the flushed words', () => c.of('text').length === 4);
    c.send({ type: 'text', text: 'in the' });
    c.send({ type: 'text', text: 'kitchen please' });
    await new Promise((r) => setTimeout(r, 100));
    // The last two words are held back until more text or end_of_stream; what was voiced goes out in whole
    // 80 ms messages, so "in the" may still wait for a message to fill.
    const early = c.of('text').map((w) => w.text);
    assert.deepEqual(early.slice(0, 4), ['turn', 'on', 'the', 'light']);
    assert.ok(!early.includes('kitchen') && !early.includes('please'), early.join(' '));
    c.send({ type: 'end_of_stream' });
    await c.closed;
    assert.deepEqual(c.of('text').map((w) => w.text), ['turn', 'on', 'the', 'light', 'in', 'the', 'kitchen', 'please']);
    assert.equal(emu.ttsSessions[0]!.text, 'turn on the light <flush> in the kitchen please');
  });

  it('<break time="…"/> is a pause of that length, not a word', async () => {
    const plain = client();
    await plain.speak(['one two']);
    const paused = client();
    await paused.speak(['one <break time="1.5s" /> two']);
    assert.deepEqual(paused.of('text').map((w) => w.text), ['one', 'two']);
    const gap = (c: TtsTestClient): number => c.of('text')[1]!.start_s - c.of('text')[0]!.stop_s;
    assert.ok(Math.abs(gap(paused) - gap(plain) - 1.5) < 0.01, `gap ${gap(paused)} vs ${gap(plain)}`);
  });

  it('padding_bonus stretches the speech (positive is slower)', async () => {
    const normal = client();
    await normal.speak([TEXT]);
    const slow = client();
    await slow.speak([TEXT], { json_config: { padding_bonus: 2 } });
    const ratio = emu.ttsSessions[1]!.samplesSent / emu.ttsSessions[0]!.samplesSent;
    assert.ok(ratio > 1.25 && ratio < 1.35, `ratio ${ratio}`);
  });

  for (const [format, rate, bytesPerSample] of [
    ['pcm', 48000, 2],
    ['pcm_8000', 8000, 2],
    ['pcm_22050', 22050, 2],
    ['pcm_24000', 24000, 2],
    ['pcm_44100', 44100, 2],
    ['ulaw_8000', 8000, 1],
    ['alaw_8000', 8000, 1],
  ] as const) {
    it(`${format}: ${rate} Hz, ${bytesPerSample} byte(s) a sample, 80 ms messages`, async () => {
      const c = client();
      await c.speak([TEXT], { output_format: format });
      assert.equal(c.of('ready')[0]!.sample_rate, rate);
      const s = emu.ttsSessions[0]!;
      assert.equal(s.sampleRate, rate);
      assert.equal(c.audio().length, s.samplesSent * bytesPerSample);
      const first = Buffer.from(c.of('audio')[0]!.audio, 'base64');
      assert.equal(first.length, Math.round(rate * 0.08) * bytesPerSample);
      // The same text lasts the same whatever the rate.
      assert.ok(Math.abs(s.samplesSent / rate - 4.565) < 0.01, `${s.samplesSent / rate} s`);
    });
  }

  it('wav: a 48 kHz header with streaming sizes, then PCM', async () => {
    const c = client();
    await c.speak([TEXT], { output_format: 'wav' });
    const bytes = c.audio();
    const wav = parseWav(bytes);
    assert.equal(wav.sampleRate, 48000);
    assert.equal(wav.bitsPerSample, 16);
    assert.equal(wav.dataSize, 0xffffffff);
    assert.equal((bytes.length - wav.dataOffset) / 2, emu.ttsSessions[0]!.samplesSent);
  });

  it('opus: an Ogg Opus stream (OpusHead, OpusTags, audio pages with valid CRCs), samples counted by granule', async () => {
    const c = client();
    await c.speak([TEXT], { output_format: 'opus' });
    const pages = oggPages(c.audio());
    assert.equal(pages[0]!.packets[0]!.toString('latin1', 0, 8), 'OpusHead');
    assert.equal(pages[0]!.flags & 0x02, 0x02, 'beginning of stream');
    assert.equal(pages[1]!.packets[0]!.toString('latin1', 0, 8), 'OpusTags');
    assert.equal(pages.at(-1)!.flags & 0x04, 0x04, 'end of stream');
    assert.ok(pages.every((p) => p.crcOk), 'every CRC checks');
    assert.deepEqual(pages.map((p) => p.sequence), pages.map((_, i) => i));
    const packets = pages.slice(2).flatMap((p) => p.packets);
    assert.ok(packets.every((p) => p[0] === 0xf8), 'every packet is a 20 ms CELT frame');
    assert.equal(pages.at(-1)!.granule, packets.length * 960);
    assert.equal(emu.ttsSessions[0]!.samplesSent, pages.at(-1)!.granule);
  });

  it('lists the catalogue with include_catalog=true and the account’s own voices always; refuses a bad key', async () => {
    const base = emu.url.replace('ws://', 'http://').replace('/api/speech/asr', '');
    const all = (await (await fetch(`${base}/api/voices/?include_catalog=true`, { headers: { 'x-api-key': 'test-key' } })).json()) as {
      uid: string;
      is_catalog: boolean;
    }[];
    assert.ok(all.some((v) => v.uid === 'YTpq7expH9539ERJ' && v.is_catalog));
    assert.ok(all.some((v) => v.uid === 'my-clone-0001' && !v.is_catalog));
    const own = (await (await fetch(`${base}/api/voices/`, { headers: { 'x-api-key': 'test-key' } })).json()) as { uid: string }[];
    assert.deepEqual(own.map((v) => v.uid), ['my-clone-0001']);
    const refused = await fetch(`${base}/api/voices/?include_catalog=true`, { headers: { 'x-api-key': 'wrong' } });
    assert.equal(refused.status, 401);
  });

  it('accepts a custom voice; refuses an unknown one with 1011 "Embeddings not found for …"', async () => {
    const clone = client();
    assert.equal((await clone.speak(['hi'], { voice_id: 'my-clone-0001' })).code, 1000);
    const unknown = client();
    const closed = await unknown.speak(['hi'], { voice_id: 'nobody-12345678' });
    assert.equal(closed.code, 1011);
    assert.deepEqual(unknown.of('error'), [
      { type: 'error', message: UNKNOWN_VOICE_MESSAGE('nobody-12345678'), code: 1011, client_req_id: null },
    ]);
    assert.equal(unknown.of('audio').length, 0);
  });

  it('a refused key gets error 1008 (with Gradium’s support footer) and close 1008; a missing key a bare close 1008', async () => {
    const wrong = client({ 'x-api-key': 'nope' });
    assert.equal((await wrong.closed).code, 1008);
    assert.deepEqual(wrong.of('error'), [{ type: 'error', message: TTS_BAD_KEY_MESSAGE, code: 1008, client_req_id: null }]);
    assert.match(TTS_BAD_KEY_MESSAGE, /\n/);
    const none = client({});
    const closed = await none.closed;
    assert.equal(closed.code, 1008);
    assert.equal(closed.reason, 'No authentication provided.');
    assert.equal(none.messages.length, 0);
  });

  it('refuses text before setup, an unknown output_format and out-of-range json_config', async () => {
    const early = client();
    await early.opened;
    early.send({ type: 'text', text: 'hi' });
    assert.equal((await early.closed).code, 1008);
    const format = client();
    assert.equal((await format.speak(['hi'], { output_format: 'mp3' })).code, 1008);
    const temp = client();
    assert.equal((await temp.speak(['hi'], { json_config: { temp: 3 } })).code, 1011);
    assert.match(temp.of('error')[0]!.message, /temp/);
  });

  it('a client that closes mid-speech is recorded as a cancel, and nothing more is sent', async () => {
    emu.setFaults({ ttsChunkIntervalMs: 20 });
    const c = client();
    await c.opened;
    c.setup();
    c.send({ type: 'text', text: TEXT });
    c.send({ type: 'end_of_stream' });
    await c.waitFor('two audio messages', () => c.of('audio').length >= 2);
    c.ws.close(1000);
    await c.closed;
    await ttsServerClosed(emu, 0);
    const s = emu.ttsSessions[0]!;
    assert.equal(s.cancelled, true);
    assert.equal(s.completed, false);
    assert.ok(s.audioMessages < 20, `${s.audioMessages} audio messages after a cancel`);
  });

  it('faults: slow first audio, abrupt close after N chunks, an error after N chunks', async () => {
    emu.setFaults({ ttsFirstAudioDelayMs: 300 });
    const slow = client();
    const t0 = Date.now();
    await slow.opened;
    slow.setup();
    slow.send({ type: 'text', text: 'hello world' });
    slow.send({ type: 'end_of_stream' });
    await slow.waitFor('first audio', () => slow.of('audio').length > 0);
    assert.ok(Date.now() - t0 >= 280, `first audio after ${Date.now() - t0} ms`);
    await slow.closed;

    emu.setFaults({ ttsCloseAfterChunks: 3 });
    const cut = client();
    assert.equal((await cut.speak([TEXT])).code, 1006);
    assert.equal(cut.of('audio').length, 3);
    assert.equal(cut.of('end_of_stream').length, 0);

    emu.setFaults({ ttsErrorAfterChunks: { chunks: 2, code: 1011, message: 'Internal server error' } });
    const failing = client();
    assert.equal((await failing.speak([TEXT])).code, 1011);
    assert.equal(failing.of('audio').length, 2);
    assert.deepEqual(failing.messages.at(-1), { type: 'error', message: 'Internal server error', code: 1011, client_req_id: null });
  });
});
