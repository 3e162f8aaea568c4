/**
 * Audio over a real MQTT broker (aedes on loopback) into the real Node-RED `mqtt in` node, through
 * gradium-stt to the emulator and back out as words: raw PCM, Hermes audioFrame WAVs and base64 JSON,
 * several devices at once; and the `mqtt in` "a String" trap. The example flows run as shipped, with only
 * their broker and Gradium endpoint pointed at the test's.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator, type EmulatorSession } from '../../src/emulator';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import type { ConnectedPayload, DisconnectedPayload } from '../../src/streams/events';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { helper, KEY, type Out, type TranscriptMsg } from '../nodes/stt-harness';
import { changeNode, commentNode, connectClient, functionNode, mqttNodes, switchNode, type MqttClient } from './core-nodes';
import { base64Json, publishPaced, snipsFrames } from './device-audio';
import { collect, collectErrors, readExample, wireToTest, type FlowNode } from './example-flow';
import { startBroker, type LoopbackBroker } from './loopback-broker';

const SCRIPT = ['hello world', 'turn on the kitchen lights', 'what time is it', 'good night'];
/** Two utterances, each followed by enough silence for a clean VAD turn end. */
const TWO_UTTERANCES = speechPcm([
  { speechMs: 800, silenceMs: 900 },
  { speechMs: 1200, silenceMs: 900 },
]);
/** Broker and Gradium config of the hand-built flows; wireToTest points them at the test's broker and emulator. */
const CONFIG_NODES: FlowNode[] = [
  { id: 'b1', type: 'mqtt-broker', broker: '', port: '', clientid: '', autoConnect: true, protocolVersion: '4', keepalive: '60', cleansession: true },
  { id: 'c1', type: 'gradium-config', name: '', region: 'global', endpoint: '' },
];
const NODE_MODULES = [configNode, sttNode, mqttNodes, changeNode, switchNode, functionNode, commentNode];

interface SttOutputs {
  connected: Out<ConnectedPayload>[];
  disconnected: Out<DisconnectedPayload>[];
  transcripts: TranscriptMsg[];
  errors: string[];
}

/** Collect what gradium-stt sends on each output (to the helper node wired there) and its errors. */
function watchStt(flow: FlowNode[], sttId: string): SttOutputs {
  const stt = flow.find((n) => n.id === sttId)!;
  const helperOn = (port: number): string => {
    const target = stt.wires![port]!.find((id) => flow.find((n) => n.id === id)?.type === 'helper');
    assert.ok(target, `gradium-stt output ${port + 1} reaches no debug node`);
    return target;
  };
  return {
    connected: collect<Out<ConnectedPayload>>(helperOn(0)),
    disconnected: collect<Out<DisconnectedPayload>>(helperOn(1)),
    transcripts: collect<TranscriptMsg>(helperOn(2)),
    errors: collectErrors(sttId),
  };
}

function finalsOf(out: SttOutputs, key: string): string[] {
  return out.transcripts.filter((t) => t.final && t.topic === key).map((t) => t.payload);
}

function sessionFor(emu: Emulator, out: SttOutputs, key: string): EmulatorSession {
  const conn = out.connected.find((c) => c.topic === key);
  assert.ok(conn, `no connected message for ${key}`);
  const s = emu.sessions.find((x) => x.sent.some((m) => m.type === 'ready' && m.request_id === conn.payload.requestId));
  assert.ok(s, `no emulator session for ${key}`);
  return s;
}

/**
 * Each stream's finals are whole scripted utterances, exactly the words its own Gradium session sent, and
 * together they are the script lines the emulator handed out, each once.
 */
function assertWordsPerStream(emu: Emulator, out: SttOutputs, keys: string[], utterancesEach: number): void {
  const all: string[] = [];
  for (const key of keys) {
    const finals = finalsOf(out, key);
    assert.equal(finals.length, utterancesEach, `${key}: finals ${JSON.stringify(finals)}`);
    for (const f of finals) assert.ok(SCRIPT.includes(f), `${key}: "${f}" is not one whole utterance`);
    assert.deepEqual(finals.join(' ').split(' '), sessionFor(emu, out, key).wordsSent, `${key} got another stream's words`);
    all.push(...finals);
  }
  assert.deepEqual([...all].sort(), SCRIPT.slice(0, keys.length * utterancesEach).sort());
}

/** Every published sample reached Gradium exactly once, in frames valid for the declared input format. */
function assertEverySampleOnce(emu: Emulator, publishedSamples: number): void {
  const received = emu.sessions.reduce((n, s) => n + s.samplesReceived, 0);
  assert.equal(received, publishedSamples, 'samples received by the emulator = samples published');
  for (const s of emu.sessions) assert.deepEqual(s.invalidFrames, [], `session ${s.id} got invalid frames`);
}

async function waitIdleEnd(out: SttOutputs, keys: string[]): Promise<void> {
  await until(`idle ends of ${keys.join(', ')}`, () => keys.every((k) => out.disconnected.some((d) => d.topic === k)), 20000);
  for (const d of out.disconnected) assert.equal(d.payload.reason, 'idle');
}

describe('audio over MQTT (aedes broker + Node-RED mqtt in + gradium-stt + emulator)', function () {
  this.timeout(30000);
  let emu: Emulator;
  let broker: LoopbackBroker;
  let device: MqttClient;

  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: SCRIPT });
    broker = await startBroker();
    device = await connectClient(broker.url, 'test-device');
  });
  afterEach(async () => {
    await device.endAsync(true);
    await helper.unload();
    await broker.close();
    await emu.close();
  });

  async function loadExample(file: string): Promise<{ flow: FlowNode[]; out: SttOutputs }> {
    const flow = wireToTest(readExample(file), broker.port, emu.url);
    const config = flow.find((n) => n.type === 'gradium-config')!;
    await helper.load(NODE_MODULES, flow, { [config.id]: { apiKey: KEY } });
    const stt = flow.find((n) => n.type === 'gradium-stt')!;
    return { flow, out: watchStt(flow, stt.id) };
  }

  it('raw 16 kHz PCM in 32 ms chunks from two rooms on mics/+/audio (example 02): words per room, published back per room', async () => {
    const { out } = await loadExample('02 - MQTT microphones by topic.json');
    const texts: { topic: string; text: string }[] = [];
    device.on('message', (topic, payload) => texts.push({ topic, text: payload.toString('utf8') }));
    await device.subscribeAsync('mics/+/text', { qos: 0 });
    await broker.subscribed('mics/+/audio');

    const rooms = ['mics/kitchen/audio', 'mics/hall/audio'];
    const perRoom = chunks(TWO_UTTERANCES, 32);
    assert.equal(perRoom[0]!.length, 1024, '32 ms at 16 kHz s16le');
    await publishPaced(device, rooms.map((topic) => ({ topic, payloads: perRoom, chunkMs: 32 })));

    await waitIdleEnd(out, rooms);
    assertWordsPerStream(emu, out, rooms, 2);
    assertEverySampleOnce(emu, rooms.length * (TWO_UTTERANCES.length / 2));
    for (const c of out.connected) assert.equal(c.payload.inputFormat, 'pcm_16000');
    // The example publishes finals to mics/<room>/text.
    await until('texts published back', () => texts.length >= 4);
    for (const room of rooms) {
      const back = texts.filter((t) => t.topic === room.replace('/audio', '/text')).map((t) => t.text);
      assert.deepEqual(back, finalsOf(out, room));
    }
    assert.deepEqual(out.errors, []);
  });

  it('Hermes audioFrame WAVs (Snips time chunk, 16 ms each) from two sites at once, keyed by siteId', async () => {
    // The wiring example 03 uses, without its listening gate, so every frame counts.
    const flow = wireToTest(
      [
        ...CONFIG_NODES,
        { id: 'm1', type: 'mqtt in', z: 't1', topic: 'hermes/audioServer/+/audioFrame', qos: '0', datatype: 'buffer', broker: 'b1', wires: [['k1']] },
        {
          id: 'k1',
          type: 'change',
          z: 't1',
          rules: [{ t: 'set', p: 'topic', pt: 'msg', to: '$split(topic, "/")[2]', tot: 'jsonata' }],
          wires: [['n1']],
        },
        { id: 'n1', type: 'gradium-stt', z: 't1', ...STT_DEFAULTS, gradium: 'c1', wires: [['o1'], ['o2'], ['o3']] },
        { id: 'o1', type: 'debug', z: 't1' },
        { id: 'o2', type: 'debug', z: 't1' },
        { id: 'o3', type: 'debug', z: 't1' },
      ],
      broker.port,
      emu.url,
    );
    await helper.load(NODE_MODULES, flow, { c1: { apiKey: KEY } });
    const out = watchStt(flow, 'n1');
    await broker.subscribed('hermes/audioServer/+/audioFrame');

    const sites = ['satellite-kitchen', 'satellite-bedroom'];
    const frames = snipsFrames(TWO_UTTERANCES);
    assert.equal(frames[0]!.length, 512 + 60, '512 bytes of PCM behind a 60-byte header');
    assert.equal(frames[0]!.toString('latin1', 36, 40), 'time');
    await publishPaced(
      device,
      sites.map((site) => ({ topic: `hermes/audioServer/${site}/audioFrame`, payloads: frames, chunkMs: 16 })),
    );

    await waitIdleEnd(out, sites);
    assertWordsPerStream(emu, out, sites, 2);
    assertEverySampleOnce(emu, sites.length * (TWO_UTTERANCES.length / 2));
    assert.deepEqual(out.errors, []);
  });

  it('Hermes satellite (example 03): startListening, audio from two sites, textCaptured JSON per site, stopListening', async () => {
    const { out } = await loadExample('03 - Hermes satellite.json');
    const captured: Record<string, unknown>[] = [];
    device.on('message', (topic, payload) => {
      if (topic === 'hermes/asr/textCaptured') captured.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
    });
    await device.subscribeAsync('hermes/asr/textCaptured', { qos: 0 });
    for (const t of ['hermes/audioServer/+/audioFrame', 'hermes/asr/startListening', 'hermes/asr/stopListening']) {
      await broker.subscribed(t);
    }

    const sites = { livingroom: 'session-a1', office: 'session-b2' };
    for (const [siteId, sessionId] of Object.entries(sites)) {
      await device.publishAsync('hermes/asr/startListening', JSON.stringify({ siteId, sessionId, stopOnSilence: true }));
    }
    // startListening opens each site's stream before its audio comes.
    await until('both streams connected', () => out.connected.length === 2);
    assert.deepEqual(out.connected.map((c) => c.topic).sort(), Object.keys(sites).sort());

    const utterance = speechPcm([{ speechMs: 1000, silenceMs: 900 }]);
    const frames = snipsFrames(utterance);
    await publishPaced(
      device,
      Object.keys(sites).map((site) => ({ topic: `hermes/audioServer/${site}/audioFrame`, payloads: frames, chunkMs: 16 })),
    );
    await until('textCaptured for both sites', () => captured.length >= 2);

    for (const [siteId, sessionId] of Object.entries(sites)) {
      const msgs = captured.filter((c) => c.siteId === siteId);
      assert.equal(msgs.length, 1, `one textCaptured for ${siteId}`);
      const c = msgs[0]!;
      assert.deepEqual(Object.keys(c).sort(), ['likelihood', 'seconds', 'sessionId', 'siteId', 'text']);
      assert.equal(c.sessionId, sessionId);
      assert.equal(c.text, sessionFor(emu, out, siteId).wordsSent.join(' '), `${siteId} text is its own session's words`);
      assert.ok(SCRIPT.includes(String(c.text)));
      assert.equal(typeof c.likelihood, 'number');
      assert.ok(typeof c.seconds === 'number' && c.seconds >= 0);
    }
    assert.notEqual(captured[0]!.text, captured[1]!.text);

    for (const [siteId, sessionId] of Object.entries(sites)) {
      await device.publishAsync('hermes/asr/stopListening', JSON.stringify({ siteId, sessionId }));
    }
    await until('both streams stopped', () => out.disconnected.length === 2);
    for (const d of out.disconnected) assert.equal(d.payload.reason, 'stop');
    for (const s of emu.sessions) {
      assert.deepEqual(s.invalidFrames, []);
      // The example stops passing a site's audio once its text is captured: at most what was published.
      assert.ok(s.samplesReceived >= 16000 && s.samplesReceived <= utterance.length / 2, `samples ${s.samplesReceived}`);
    }
    assert.equal(captured.length, 2, 'no second textCaptured after stopListening');
    assert.deepEqual(out.errors, []);
  });

  it('base64 audio in JSON (example 06): mqtt in parses JSON, change moves payload.audio to payload', async () => {
    const { out } = await loadExample('06 - Base64 JSON over MQTT.json');
    await broker.subscribed('voice/+/chunk');

    const devices = ['voice/esp32-desk/chunk', 'voice/phone/chunk'];
    const payloads = base64Json(chunks(TWO_UTTERANCES, 64));
    assert.match(payloads[0]!, /^\{"audio":"[A-Za-z0-9+/]+={0,2}","seq":0\}$/);
    await publishPaced(device, devices.map((topic) => ({ topic, payloads, chunkMs: 64 })));

    await waitIdleEnd(out, devices);
    assertWordsPerStream(emu, out, devices, 2);
    assertEverySampleOnce(emu, devices.length * (TWO_UTTERANCES.length / 2));
    assert.deepEqual(out.errors, []);
  });

  it('refuses audio from mqtt in set to "a String" (and legacy nodes without the setting) with a clear error', async () => {
    const flow = wireToTest(
      [
        ...CONFIG_NODES,
        { id: 'm1', type: 'mqtt in', z: 't1', topic: 'string/+/audio', qos: '0', datatype: 'utf8', broker: 'b1', wires: [['n1']] },
        // Saved by a Node-RED that predates the output setting: the node falls back to a utf8 string.
        { id: 'm2', type: 'mqtt in', z: 't1', topic: 'legacy/+/audio', qos: '0', broker: 'b1', wires: [['n1']] },
        { id: 'n1', type: 'gradium-stt', z: 't1', ...STT_DEFAULTS, gradium: 'c1', wires: [['o1'], ['o2'], ['o3']] },
        { id: 'o1', type: 'debug', z: 't1' },
        { id: 'o2', type: 'debug', z: 't1' },
        { id: 'o3', type: 'debug', z: 't1' },
      ],
      broker.port,
      emu.url,
    );
    await helper.load(NODE_MODULES, flow, { c1: { apiKey: KEY } });
    const out = watchStt(flow, 'n1');
    await broker.subscribed('string/+/audio');
    await broker.subscribed('legacy/+/audio');

    const pcm = chunks(TWO_UTTERANCES, 32).slice(0, 3);
    await publishPaced(device, [
      { topic: 'string/den/audio', payloads: pcm, chunkMs: 32 },
      { topic: 'legacy/porch/audio', payloads: pcm, chunkMs: 32 },
    ]);
    await until('an error per message', () => out.errors.length >= 6);
    for (const e of out.errors) {
      assert.match(e, /msg\.payload is a string of \d+ characters that is not base64/);
      assert.match(e, /binary audio decoded as text/);
      assert.match(e, /"a String"/);
      assert.match(e, /set that node to output "a Buffer"/);
    }
    assert.equal(emu.sessions.length, 0, 'mangled audio never reaches Gradium');
    assert.equal(out.connected.length + out.transcripts.length, 0);
  });
});
