'use strict';
/**
 * The Wyoming scenario's measuring process (bench/wyoming-bench.js forks it): the Wyoming server of src/wyoming
 * with a StreamManager and a TTS binding on the gradium-stt/gradium-tts defaults, talking to the emulator (its own
 * process), and N raw Wyoming clients in this process sending Home Assistant's sequences. Every time is taken
 * here, on one clock:
 * - describe → info: a prober connects, sends describe and reads info, every 50 ms, while N STT requests run
 *   (the client's round trip with connecting, and the server's share: describe bytes in → info written);
 * - audio-stop → transcript, split into the node's own part (manager.stop → the stream's last final: flush,
 *   flushed, grace) and what the Wyoming layer adds (the bytes holding audio-stop reach the server → manager.stop
 *   called, plus the last final emitted → `transcript` written to the socket);
 * - TTS: Gradium's first audio frame arriving at the TTS socket → the first audio-chunk written to the client.
 * The clients' own work shares this process's event loop: it can delay the server, and is in the figures that way.
 */
const net = require('node:net');
const { summary, sleep } = require('./stats');
const { probeTtsSockets } = require('./tts-socket-probe');

// Before the library loads: the same `ws` instance its TTS sessions use. A socket learns its request's text from
// the first `text` frame it sends; its first audio frame's arrival is timed.
const firstAudioAt = new Map();
probeTtsSockets({
  onFrame: (text, kind) => {
    if (kind === 'audio' && !firstAudioAt.has(text)) firstAudioAt.set(text, performance.now());
  },
});

const { prepareAudio } = require('../dist/audio');
const { StreamManager } = require('../dist/streams/stream-manager');
const { propsFromConfig, formatOf } = require('../dist/nodes/stt-input');
const { streamSettingsOf } = require('../dist/streams/stream-defaults');
const { propsFromConfig: ttsProps, speechSettingsOf } = require('../dist/nodes/tts-input');
const { WyomingServer, SttBinding, TtsBinding, parseAllowList, encodeEvent, EventReader } = require('../dist/wyoming');
const { WyomingConnection } = require('../dist/wyoming/connection');

// Server-side points, by client port: when the bytes holding audio-stop reached the server, when `transcript`
// and the first `audio-chunk` were written back.
let receivedAt = 0;
const audioStopAt = new Map();
const transcriptWrittenAt = new Map();
const firstChunkWrittenAt = new Map();
const describeAt = new Map();
/** describe bytes in → info written, per probe of the current scenario. */
let describeServerMs = [];
const receive = WyomingConnection.prototype.receive;
WyomingConnection.prototype.receive = function benchReceive(bytes) {
  receivedAt = performance.now();
  return receive.call(this, bytes);
};
const dispatch = WyomingConnection.prototype.dispatch;
WyomingConnection.prototype.dispatch = function benchDispatch(e) {
  if (e.type === 'audio-stop') audioStopAt.set(this.client.port, receivedAt);
  if (e.type === 'describe') describeAt.set(this.client.port, receivedAt);
  return dispatch.call(this, e);
};
const send = WyomingConnection.prototype.send;
WyomingConnection.prototype.send = function benchSend(type, data, payload) {
  const r = send.call(this, type, data, payload);
  if (type === 'transcript') transcriptWrittenAt.set(this.client.port, performance.now());
  if (type === 'info' && describeAt.has(this.client.port)) {
    describeServerMs.push(performance.now() - describeAt.get(this.client.port));
    describeAt.delete(this.client.port);
  }
  if (type === 'audio-chunk' && !firstChunkWrittenAt.has(this.client.port)) firstChunkWrittenAt.set(this.client.port, performance.now());
  return r;
};

const RATE = 16000;
const CHUNK_MS = 20;

/** 1.2 s of tone (the emulator hears speech) and 200 ms of silence: one turn that ends at audio-stop. */
function speechPcm() {
  const tone = Math.round(1.2 * RATE);
  const buf = Buffer.alloc((tone + Math.round(0.2 * RATE)) * 2);
  for (let k = 0; k < tone; k++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * k) / RATE) * 0.25 * 32767), k * 2);
  return buf;
}

class Client {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Client(s)));
      s.once('error', reject);
    });
  }
  constructor(socket) {
    this.socket = socket;
    this.socket.setNoDelay(true);
    this.reader = new EventReader();
    this.waiters = [];
    socket.on('data', (b) => {
      const t = performance.now();
      for (const e of this.reader.push(b)) {
        e.at = t;
        const i = this.waiters.findIndex((w) => w.test(e));
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(e);
      }
    });
    socket.on('error', () => undefined);
  }
  next(test) {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
  send(type, data, payload) {
    this.socket.write(encodeEvent(type, data, payload));
  }
  end() {
    this.socket.destroy();
  }
}

async function main(params) {
  await prepareAudio();
  const url = params.url;
  const sttValues = propsFromConfig({ sendAudio: 'always' });
  const manager = new StreamManager({
    settings: streamSettingsOf(sttValues),
    format: formatOf(sttValues),
    maxStreams: 1000,
    connection: () => ({ url, apiKey: 'bench-key' }),
  });
  // The node's own part starts where the Wyoming layer hands audio-stop to the stream layer.
  const stopCalledAt = new Map();
  const stop = manager.stop.bind(manager);
  manager.stop = (key, ctx) => {
    stopCalledAt.set(key, performance.now());
    stop(key, ctx);
  };
  const finalAt = new Map();
  manager.on('transcript', (key, t) => {
    if (t.final && t.endOfTurn === 'stop') finalAt.set(key, performance.now());
  });
  const ttsSettings = speechSettingsOf(ttsProps({}));
  const ttsUrl = url.replace(/\/api\/speech\/asr$/, '/api/speech/tts');
  const server = new WyomingServer({ name: 'bench', host: '127.0.0.1', port: 0, allow: parseAllowList('private'), maxConnections: 1000, version: 'bench' });
  await server.listen();
  const stt = new SttBinding({
    manager,
    languages: ['de', 'en', 'es', 'fr', 'pt'],
    nodeLanguage: () => 'en',
    model: () => 'default',
    endOfCommand: 'home-assistant',
    context: (client) => ({ wyoming: { client: client.id, program: 'asr' } }),
  });
  const tts = new TtsBinding({
    settings: () => ttsSettings,
    connection: () => ({ url: ttsUrl, apiKey: 'bench-key' }),
    catalogue: () => ({ voices: [{ id: ttsSettings.voice, displayName: 'bench', languages: ['en'] }], complete: false }),
  });
  server.attachAsr(stt, 'bench');
  server.attachTts(tts, 'bench');
  const port = server.port;
  const pcm = speechPcm();
  const chunkBytes = (RATE * 2 * CHUNK_MS) / 1000;
  const results = [];

  for (const n of params.concurrency) {
    // ---- speech to text, with the describe prober running
    const added = [];
    const own = [];
    const total = [];
    let missing = 0;
    const describeMs = [];
    describeServerMs = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t0 = performance.now();
        const c = await Client.connect(port);
        c.send('describe');
        const info = await c.next((e) => e.type === 'info');
        describeMs.push(info.at - t0);
        c.end();
        await sleep(50);
      }
    })();
    const one = async (i, round) => {
      // Requests start spread over one request's length, as commands from many rooms do, not in the same tick.
      if (n > 1) await sleep((i / n) * 1400);
      const c = await Client.connect(port);
      const key = `wyoming:127.0.0.1:${c.socket.localPort}`;
      c.send('transcribe', { language: 'en' });
      c.send('audio-start', { rate: RATE, width: 2, channels: 1 });
      const started = performance.now();
      for (let o = 0, k = 0; o < pcm.length; o += chunkBytes, k++) {
        // Real time, as Home Assistant streams a microphone.
        const due = started + k * CHUNK_MS - performance.now();
        if (due > 0) await sleep(due);
        c.send('audio-chunk', { rate: RATE, width: 2, channels: 1 }, pcm.subarray(o, o + chunkBytes));
      }
      const transcript = c.next((e) => e.type === 'transcript');
      const sentAt = performance.now();
      c.send('audio-stop');
      const t = await transcript;
      const clientPort = c.socket.localPort;
      const s = stopCalledAt.get(key);
      const f = finalAt.get(key);
      const a = audioStopAt.get(clientPort);
      const w = transcriptWrittenAt.get(clientPort);
      if (s !== undefined && f !== undefined && a !== undefined && w !== undefined && f >= s) {
        added.push(s - a + (w - f));
        own.push(f - s);
      } else missing++;
      audioStopAt.delete(clientPort);
      transcriptWrittenAt.delete(clientPort);
      total.push(t.at - sentAt);
      stopCalledAt.delete(key);
      finalAt.delete(key);
      c.end();
      void i;
      void round;
    };
    for (let round = 0; round < params.sttRounds; round++) await Promise.all(Array.from({ length: n }, (_, i) => one(i, round)));
    probing = false;
    await prober;

    // ---- text to speech
    const ttsAdded = [];
    let ttsMissing = 0;
    const speak = async (i, round) => {
      if (n > 1) await sleep((i / n) * 1000);
      const text = `Request ${round}-${i} of ${n}: the kitchen light is on and the front door is locked.`;
      const c = await Client.connect(port);
      const first = c.next((e) => e.type === 'audio-chunk');
      const done = c.next((e) => e.type === 'audio-stop' || e.type === 'error');
      c.send('synthesize', { text });
      await first;
      await done;
      const arrived = firstAudioAt.get(text);
      const written = firstChunkWrittenAt.get(c.socket.localPort);
      if (arrived !== undefined && written !== undefined) ttsAdded.push(written - arrived);
      else ttsMissing++;
      firstAudioAt.delete(text);
      firstChunkWrittenAt.delete(c.socket.localPort);
      c.end();
    };
    for (let round = 0; round < params.ttsRounds; round++) await Promise.all(Array.from({ length: n }, (_, i) => speak(i, round)));

    results.push({
      n,
      describe: summary(describeMs),
      describeServer: summary(describeServerMs),
      sttAdded: summary(added),
      sttOwn: summary(own),
      sttTotal: summary(total),
      sttMissing: missing,
      ttsAdded: summary(ttsAdded),
      ttsMissing,
    });
  }
  await server.close();
  await manager.closeAll(2000);
  process.send({ type: 'result', result: results }, () => process.exit(0));
}

process.once('message', (m) =>
  main(m).catch((err) => {
    process.send({ type: 'error', message: err.stack || String(err) });
    process.exit(1);
  }),
);
process.on('disconnect', () => process.exit(1));
