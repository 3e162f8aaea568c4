import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { resolveEndpoint, REGION_URLS } from '../../src/gradium/endpoints';
import { helper, KEY } from './stt-harness';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');

describe('gradium-config endpoints', () => {
  it('maps regions to Gradium hosts and accepts wss:// custom endpoints', () => {
    assert.equal(resolveEndpoint('global', ''), 'wss://api.gradium.ai/api/speech/asr');
    assert.equal(resolveEndpoint('eu', ''), REGION_URLS.eu);
    assert.equal(resolveEndpoint('us', ''), REGION_URLS.us);
    assert.equal(resolveEndpoint('custom', 'wss://proxy.example.org/api/speech/asr'), 'wss://proxy.example.org/api/speech/asr');
  });

  it('allows ws:// only for loopback hosts, so the key never travels in clear text', () => {
    for (const ok of ['ws://127.0.0.1:8765/api/speech/asr', 'ws://localhost:1/x', 'ws://[::1]:2/x']) {
      assert.equal(resolveEndpoint('custom', ok).startsWith('ws://'), true);
    }
    assert.throws(() => resolveEndpoint('custom', 'ws://example.com/api/speech/asr'), /non-loopback.*wss:\/\//);
    assert.throws(() => resolveEndpoint('custom', 'http://example.com/'), /must start with wss:\/\//);
    assert.throws(() => resolveEndpoint('custom', ''), /no endpoint URL/);
    assert.throws(() => resolveEndpoint('mars', ''), /Unknown region "mars"/);
  });
});

describe('gradium-config node: Check key admin route', () => {
  let emu: Emulator;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  async function load(apiKey: string): Promise<void> {
    const flow = [{ id: 'c1', type: 'gradium-config', name: '', region: 'custom', endpoint: emu.url }];
    await helper.load([configNode, sttNode], flow as Parameters<typeof helper.load>[1], { c1: { apiKey } });
  }

  it('answers valid for the deployed key without echoing it', async () => {
    await load(KEY);
    const res = await helper.request().post('/gradium/check-key').send({ id: 'c1', apiKey: '__PWRD__' }).expect(200);
    assert.equal(res.body.result, 'valid');
    assert.doesNotMatch(JSON.stringify(res.body), new RegExp(KEY));
  });

  it('answers invalid for a key typed in the dialog that Gradium refuses', async () => {
    await load(KEY);
    const res = await helper.request().post('/gradium/check-key').send({ id: 'c1', apiKey: 'gsk_typed_but_wrong' }).expect(200);
    assert.equal(res.body.result, 'invalid');
    assert.doesNotMatch(JSON.stringify(res.body), /gsk_typed_but_wrong/);
  });

  it('answers unreachable when nothing listens, and no-key when there is none', async () => {
    await load(KEY);
    const down = await helper
      .request()
      .post('/gradium/check-key')
      .send({ region: 'custom', endpoint: 'ws://127.0.0.1:9/api/speech/asr', apiKey: KEY })
      .expect(200);
    assert.equal(down.body.result, 'unreachable');
    const saved = process.env.GRADIUM_API_KEY;
    delete process.env.GRADIUM_API_KEY;
    try {
      const none = await helper.request().post('/gradium/check-key').send({ region: 'custom', endpoint: emu.url }).expect(200);
      assert.equal(none.body.result, 'no-key');
    } finally {
      if (saved !== undefined) process.env.GRADIUM_API_KEY = saved;
    }
  });

  it('refuses a ws:// endpoint to a non-loopback host in plain words', async () => {
    await load(KEY);
    const res = await helper
      .request()
      .post('/gradium/check-key')
      .send({ region: 'custom', endpoint: 'ws://example.com/api/speech/asr', apiKey: KEY })
      .expect(200);
    assert.equal(res.body.result, 'unreachable');
    assert.match(res.body.message, /unencrypted/);
  });
});

describe('gradium-config node: voice list admin route (for the gradium-tts dialog)', () => {
  let emu: Emulator;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  beforeEach(async () => {
    emu = await startEmulator({
      apiKeys: [KEY],
      voices: [{ uid: 'my-clone-00000001', name: 'Grandma', language: 'de', gender: 'F', description: 'cloned', is_catalog: false }],
    });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  async function load(apiKey: string, endpoint = emu.url): Promise<void> {
    const flow = [{ id: 'c1', type: 'gradium-config', name: '', region: 'custom', endpoint }];
    await helper.load([configNode, sttNode], flow as Parameters<typeof helper.load>[1], { c1: { apiKey } });
  }

  it('lists the catalogue and the account’s voices with the deployed key, at the TTS host, never echoing the key', async () => {
    await load(KEY);
    const res = await helper.request().post('/gradium/voices').send({ id: 'c1' }).expect(200);
    assert.equal(res.body.result, 'ok');
    const voices = res.body.voices as { id: string; name: string; custom: boolean }[];
    assert.ok(voices.some((v) => v.id === 'YTpq7expH9539ERJ' && v.name === 'Emma' && !v.custom));
    assert.ok(voices.some((v) => v.id === 'my-clone-00000001' && v.custom));
    assert.doesNotMatch(JSON.stringify(res.body), new RegExp(KEY));
  });

  it('works from a base URL too, and with a key typed in the dialog', async () => {
    await load('gsk_saved_but_wrong', emu.url.replace('/api/speech/asr', ''));
    const wrong = await helper.request().post('/gradium/voices').send({ id: 'c1' }).expect(200);
    assert.equal(wrong.body.result, 'invalid');
    const typed = await helper.request().post('/gradium/voices').send({ id: 'c1', apiKey: KEY }).expect(200);
    assert.equal(typed.body.result, 'ok');
    assert.doesNotMatch(JSON.stringify([wrong.body, typed.body]), /gsk_saved_but_wrong|gsk_harness/);
  });

  it('answers in words when the endpoint cannot serve text-to-speech or nothing listens', async () => {
    await load(KEY);
    const path = await helper
      .request()
      .post('/gradium/voices')
      .send({ region: 'custom', endpoint: 'ws://127.0.0.1:9/some-proxy', apiKey: KEY })
      .expect(200);
    assert.equal(path.body.result, 'unreachable');
    assert.match(path.body.message, /Cannot tell the text-to-speech URL/);
    const down = await helper
      .request()
      .post('/gradium/voices')
      .send({ region: 'custom', endpoint: 'ws://127.0.0.1:9/api/speech/asr', apiKey: KEY })
      .expect(200);
    assert.equal(down.body.result, 'unreachable');
  });
});
