/**
 * The examples do what their comments say: all of them are deployed unchanged into a real Node-RED, except
 * for what a user would set (the Gradium config points at the local emulator with a key, the MQTT broker
 * at an in-process broker, GRADIUM_SAMPLE at the bundled sample; the two examples that share mics/+/audio get
 * a per-session emulator script) and debug nodes also logging to the
 * console so the test can read them. Then each is driven the way its comment tells a user to.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import { startEmulator, type Emulator } from '../../src/emulator';
import { exampleFiles, REPO_ROOT, type FlowNode } from './editor-files';
import { startNodeRed, type NodeRedServer } from '../helpers/node-red-server';
import { encodeAll, hasFfmpeg, tempDir } from '../helpers/ffmpeg';
import { debugMessages, pollUntil } from '../helpers/node-red-output';
import { pcm16MonoWavHeader } from '../helpers/wav';

const SAMPLE_WAV = path.join(REPO_ROOT, 'samples', 'hello.wav');
const SCRIPT = fs
  .readFileSync(path.join(REPO_ROOT, 'samples', 'hello.txt'), 'utf8')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter(Boolean);
const WAIT_MS = 60000;

interface Broker {
  port: number;
  close(): Promise<void>;
}

/** An in-process MQTT broker on a free loopback port (aedes is ESM-only, hence the dynamic import). */
async function startBroker(): Promise<Broker> {
  const { Aedes } = (await import('aedes')) as unknown as {
    Aedes: { createBroker(): Promise<{ handle: (socket: net.Socket) => void; close(cb: () => void): void }> };
  };
  const aedes = await Aedes.createBroker();
  const server = net.createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(resolve));
    },
  };
}

/** The PCM samples of a canonical WAV file (the data chunk located by walking the chunks). */
function wavPcm(file: string): Buffer {
  const wav = fs.readFileSync(file);
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'data') return wav.subarray(offset + 8, offset + 8 + size);
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** One Hermes audioFrame: a complete 16 kHz mono 16-bit WAV file holding `pcm`. */
function wavFrame(pcm: Buffer): Buffer {
  return Buffer.concat([pcm16MonoWavHeader(pcm.length), pcm]);
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function eventually<T>(what: string, probe: () => T | undefined): Promise<T> {
  return pollUntil(what, probe, WAIT_MS, 100);
}

describe('examples run in a real Node-RED', function () {
  this.timeout(180000);

  let emulator: Emulator | undefined;
  let broker: Broker | undefined;
  let nodeRed: NodeRedServer | undefined;
  let mqttClient: MqttClient | undefined;
  /** example number ("01") → its nodes as deployed */
  const deployed = new Map<string, FlowNode[]>();

  function node(example: string, type: string, name: string): FlowNode {
    const found = deployed.get(example)?.find((n) => n.type === type && n.name === name);
    assert.ok(found, `example ${example} has no ${type} "${name}"`);
    return found;
  }

  async function inject(example: string, name: string): Promise<void> {
    assert.ok(nodeRed);
    const res = await nodeRed.request('POST', `/inject/${node(example, 'inject', name).id}`);
    assert.equal(res.status, 200, `inject ${name}: HTTP ${res.status} ${res.body}`);
  }

  const logged = (example: string, debugName: string): string[] =>
    debugMessages(nodeRed?.output ?? '', `ex${example}-${debugName}`);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-examples-'));

  before(async function () {
    emulator = await startEmulator({ script: SCRIPT });
    broker = await startBroker();
    const flows: unknown[] = [];
    for (const file of exampleFiles()) {
      const number = path.basename(file).slice(0, 2);
      const nodes = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowNode[];
      const tabId = nodes.find((n) => n.z)?.z;
      assert.ok(tabId);
      flows.push({ id: tabId, type: 'tab', label: path.basename(file, '.json') });
      for (const n of nodes) {
        if (n.type === 'gradium-config') {
          Object.assign(n, { region: 'custom', endpoint: emulator.url, credentials: { apiKey: 'example-test-key' } });
        } else if (n.type === 'mqtt-broker') {
          Object.assign(n, { broker: '127.0.0.1', port: String(broker.port) });
        } else if (n.type === 'file') {
          // The file node passes its message on once the write is done: a debug node says so (no sleeping on it).
          const written = { id: `${String(n.id)}-written`, type: 'debug', z: n.z, name: `ex${number}-written`, active: true, tosidebar: false, console: true, complete: '_msgid', targetType: 'msg', wires: [] };
          Object.assign(n, { filename: path.join(scratch, `ex${number}-${path.basename(String(n.filename))}`), wires: [[written.id]] });
          flows.push(written);
        } else if (n.type === 'gradium-stt' && (number === '02' || number === '07')) {
          // Both listen on mics/+/audio: each session reads the script from its start, so which example's
          // session the emulator hears first does not decide which sentence each one gets.
          n.jsonConfig = JSON.stringify({ emulator_script: SCRIPT });
        } else if (n.type === 'debug') {
          Object.assign(n, { name: `ex${number}-${String(n.name)}`, console: true, complete: 'true', targetType: 'full' });
        }
        flows.push(n);
      }
      deployed.set(number, nodes);
    }
    nodeRed = await startNodeRed({ env: { GRADIUM_SAMPLE: SAMPLE_WAV } });
    await nodeRed.deploy(flows);
    await nodeRed.waitForLine(/Started flows/, { includePast: true });
    const mqtt = (await import('mqtt')) as unknown as { connectAsync(url: string): Promise<MqttClient> };
    mqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
  });

  after(async () => {
    await mqttClient?.endAsync();
    await nodeRed?.stop();
    await broker?.close();
    await emulator?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('01: transcribe sends the sample and a final transcript of its first sentence comes out', async () => {
    await inject('01', 'transcribe');
    const final = await eventually('a final transcript', () =>
      logged('01', 'transcript').find((m) => m.includes('final: true')),
    );
    assert.ok(final.includes(SCRIPT[0] ?? '\u0000'), final);
    assert.ok(logged('01', 'connected').length >= 1, 'no connected message');
  });

  it('02: raw PCM published per microphone comes back as text on mics/<room>/text', async () => {
    assert.ok(mqttClient);
    const texts: { topic: string; text: string }[] = [];
    mqttClient.on('message', (topic, payload) => {
      if (topic.startsWith('mics/')) texts.push({ topic, text: payload.toString('utf8') });
    });
    await mqttClient.subscribeAsync('mics/+/text');
    for (const chunk of chunks(wavPcm(SAMPLE_WAV), 3200)) await mqttClient.publishAsync('mics/kitchen/audio', chunk);
    const first = await eventually('a text on mics/kitchen/text', () => texts[0]);
    assert.equal(first.topic, 'mics/kitchen/text');
    assert.equal(first.text, SCRIPT[0]);
  });

  it('03: a Hermes satellite gets hermes/asr/textCaptured for its listening session', async () => {
    assert.ok(mqttClient);
    const captured: Record<string, unknown>[] = [];
    mqttClient.on('message', (topic, payload) => {
      if (topic === 'hermes/asr/textCaptured') captured.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
    });
    await mqttClient.subscribeAsync('hermes/asr/textCaptured');
    // Audio before startListening is not passed on (and not billed).
    await mqttClient.publishAsync('hermes/audioServer/satellite1/audioFrame', wavFrame(Buffer.alloc(1024)));
    await mqttClient.publishAsync('hermes/asr/startListening', JSON.stringify({ siteId: 'satellite1', sessionId: 'session-42' }));
    // The audio server sends 512-sample frames, each a WAV file.
    for (const pcm of chunks(wavPcm(SAMPLE_WAV), 1024)) {
      await mqttClient.publishAsync('hermes/audioServer/satellite1/audioFrame', wavFrame(pcm));
    }
    const message = await eventually('textCaptured', () => captured[0]);
    assert.equal(message.siteId, 'satellite1');
    assert.equal(message.sessionId, 'session-42');
    assert.equal(message.text, SCRIPT.find((line) => line === message.text));
    assert.equal(typeof message.seconds, 'number');
  });

  it('04: msg.settings switches the stream to French before the audio', async () => {
    await inject('04', 'French');
    await inject('04', 'transcribe');
    const connected = await eventually('a connected message', () => logged('04', 'connected')[0]);
    assert.match(connected, /language: 'fr'/);
    await eventually('a final transcript', () => logged('04', 'transcript').find((m) => m.includes('final: true')));
  });

  it('08: the kitchen is transcribed in French, the office in English, other rooms detect the language', async () => {
    assert.ok(mqttClient);
    // The two inject nodes gave the rooms their settings when the flow started.
    const pcm = chunks(wavPcm(SAMPLE_WAV), 3200);
    for (const room of ['kitchen', 'office', 'hall']) {
      for (const chunk of pcm.slice(0, 20)) await mqttClient.publishAsync(`rooms/${room}/audio`, chunk);
    }
    const languageOf = async (room: string): Promise<string> => {
      const connected = await eventually(`a connected message for ${room}`, () =>
        logged('08', 'connected').find((m) => m.includes(`rooms/${room}/audio`)),
      );
      return /language: '(\w+)'/.exec(connected)?.[1] ?? connected;
    };
    assert.equal(await languageOf('kitchen'), 'fr');
    assert.equal(await languageOf('office'), 'en');
    assert.equal(await languageOf('hall'), 'any');
  });

  it('05: start opens the session, flush ends the turn with a final', async () => {
    await inject('05', 'start');
    await eventually('a connected message after start', () => logged('05', 'connected')[0]);
    await inject('05', 'transcribe');
    await eventually('an interim transcript', () => logged('05', 'transcript')[0]);
    await inject('05', 'flush');
    const final = await eventually('a final transcript', () =>
      logged('05', 'transcript').find((m) => m.includes('final: true')),
    );
    assert.match(final, /endOfTurn: '(flush|idle)'/);
    await inject('05', 'stop');
    await eventually('a disconnected message after stop', () =>
      logged('05', 'disconnected').find((m) => m.includes("reason: 'stop'")),
    );
  });

  it('07: a spoken command ("Turn on the kitchen lights.") becomes ON on home/kitchen/light/set', async () => {
    assert.ok(mqttClient);
    const commands: { topic: string; text: string }[] = [];
    mqttClient.on('message', (topic, payload) => {
      if (topic.startsWith('home/')) commands.push({ topic, text: payload.toString('utf8') });
    });
    await mqttClient.subscribeAsync('home/#');
    // Example 07 also heard the sample that test 02 published on mics/kitchen/audio: let that command pass.
    for (let seen = -1; seen !== commands.length; ) {
      seen = commands.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    commands.length = 0;
    for (const chunk of chunks(wavPcm(SAMPLE_WAV), 3200)) await mqttClient.publishAsync('mics/hall/audio', chunk);
    const command = await eventually('a light command', () => commands[0]).catch((err: Error) => {
      throw new Error(`${err.message}; heard: ${logged('07', 'heard').join('\n')}`);
    });
    assert.deepEqual(command, { topic: 'home/kitchen/light/set', text: 'ON' });
    await eventually('the final with its normalized text', () =>
      logged('07', 'heard').find((m) => m.includes("normalized: 'turn on the kitchen lights'")),
    );
    // The other sentences of the sample are not commands.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(commands.length, 1, JSON.stringify(commands));
  });

  it('09: a satellite’s command is answered on its playBytes topic with a real WAV, and the stt node is told to mute', async () => {
    assert.ok(mqttClient && emulator);
    const played: { topic: string; payload: Buffer }[] = [];
    mqttClient.on('message', (topic, payload) => {
      if (topic.startsWith('hermes/audioServer/satellite9/playBytes/')) played.push({ topic, payload });
    });
    await mqttClient.subscribeAsync('hermes/audioServer/+/playBytes/+');
    const before = emulator.ttsSessions.length;
    for (const pcm of chunks(wavPcm(SAMPLE_WAV), 1024)) {
      await mqttClient.publishAsync('hermes/audioServer/satellite9/audioFrame', wavFrame(pcm));
    }
    const answer = await eventually('a playBytes message', () => played[0]);
    assert.match(answer.topic, /^hermes\/audioServer\/satellite9\/playBytes\/[\w.-]+$/);
    const wav = answer.payload;
    assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(4), wav.length - 8, 'RIFF size');
    assert.equal(wav.readUInt32LE(24), 16000, 'sample rate');
    assert.equal(wav.readUInt16LE(34), 16, 'bits per sample');
    assert.equal(wav.readUInt32LE(40), wav.length - 44, 'data size');
    const session = emulator.ttsSessions.slice(before).find((s) => s.samplesSent * 2 === wav.length - 44);
    assert.ok(session, 'the WAV holds exactly what one Gradium request sent');
    assert.ok(
      ['Done. The kitchen light is on.', 'Hello! What can I do for you?'].includes(session.text) || session.text.startsWith('Sorry, I did not understand'),
      session.text,
    );
    // Example 03's satellite is answered too (09 hears every satellite): look at satellite9's.
    const speaking = await eventually('mute and unmute for satellite9', () => {
      const mine = logged('09', 'speaking').filter((x) => x.includes("topic: 'satellite9'"));
      return mine.some((x) => x.includes("action: 'unmute'")) ? mine : undefined;
    });
    assert.match(speaking[0] ?? '', /action: 'mute'/);
    // gradium-stt takes the mute and unmute (the figures in msg.payload are not audio): no error from it.
    assert.doesNotMatch(nodeRed!.output, /\[error\] \[gradium-stt:[^\]]*\][^\n]*(mute|msg\.payload)/);
  });

  it('10: "say it" writes a WAV file; GET /gradium/say?text=… answers audio/wav; no text is a 400 with the reason', async () => {
    assert.ok(nodeRed);
    await inject('10', 'say it');
    const file = path.join(scratch, 'ex10-gradium-say.wav');
    await eventually('the file node done writing', () => logged('10', 'written')[0]);
    const full = fs.readFileSync(file);
    assert.ok(full.length > 44, `${full.length} bytes written`);
    assert.equal(full.readUInt32LE(40), full.length - 44, 'data size of the written file');
    assert.equal(full.readUInt32LE(24), 24000);

    const res = await fetch(`${nodeRed.url}/gradium/say?text=${encodeURIComponent('Hello from the dashboard')}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /audio\/wav/);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.toString('latin1', 0, 4), 'RIFF');
    assert.equal(body.readUInt32LE(40), body.length - 44);

    const empty = await fetch(`${nodeRed.url}/gradium/say`);
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /msg\.payload/);
  });

  it('13: a voice note POSTed to /transcribe (MP3, decoded by ffmpeg) comes back as one JSON transcript; a corrupt one as a 422 with its code', async function () {
    assert.ok(nodeRed);
    if (!hasFfmpeg()) {
      if (process.env.CI === 'true') throw new Error('ffmpeg is not installed, and CI must run the ffmpeg tests');
      this.skip();
    }
    const dir = tempDir('gradium-ex13-');
    try {
      const mp3 = fs.readFileSync(encodeAll(SAMPLE_WAV, dir, { 'note.mp3': ['-t', '2.4'] })[0]!.file);
      const res = await fetch(`${nodeRed.url}/transcribe`, { method: 'POST', body: mp3, headers: { 'content-type': 'audio/mpeg' } });
      assert.equal(res.status, 200, await res.clone().text());
      const answer = (await res.json()) as { transcript: string; reason: string; audioSeconds: number };
      assert.equal(answer.reason, 'stop');
      const words = answer.transcript.split(' ').filter(Boolean);
      assert.ok(words.length >= 2, `transcript: ${answer.transcript}`);
      const known = SCRIPT.join(' ').replace(/[.,]/g, '').toLowerCase();
      for (const w of words) assert.ok(known.includes(w.replace(/[.,]/g, '').toLowerCase()), `${w} is a word of the script`);

      const bad = await fetch(`${nodeRed.url}/transcribe`, {
        method: 'POST',
        body: Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(4000, 0x5a)]),
        headers: { 'content-type': 'audio/webm' },
      });
      assert.equal(bad.status, 422);
      const error = (await bad.json()) as { error: string; message: string };
      assert.equal(error.error, 'BAD_AUDIO');
      assert.match(error.message, /ffmpeg could not decode WebM/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
