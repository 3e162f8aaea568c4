'use strict';
/**
 * One text-to-speech scenario through a real Node-RED runtime (embedded API) in its own process: a
 * gradium-tts node wired to the emulator, sinks on its two outputs, and N keys each speaking one utterance
 * after another (the next a short random pause after the previous one's last message). Reports CPU per
 * second of speech, the time from Gradium's first audio frame reaching the node's socket to the first
 * message out and from its end_of_stream to the last message out (one clock: this process's), and the
 * samples that came out, over IPC.
 */
const { sleep, summary } = require('./stats');
const { probeTtsSockets } = require('./tts-socket-probe');
const { measureWindow, answerParent } = require('./child-run');

const API_KEY = 'bench-key';
process.env.GRADIUM_API_KEY = API_KEY;

/** text of the request a socket carries → when its first audio frame and its end_of_stream arrived. */
const arrivals = new Map();
// Before Node-RED loads the node: the same `ws` module instance its sessions use.
probeTtsSockets({
  onFrame: (text, kind) => {
    let a = arrivals.get(text);
    if (!a) arrivals.set(text, (a = {}));
    if (kind === 'audio' && a.firstAudio === undefined) a.firstAudio = performance.now();
    if (kind === 'end') a.end = performance.now();
  },
});
const { startBenchFlow } = require('./embedded-node-red');

const SENTENCES = [
  'The kitchen light is on and the front door is locked.',
  'It is twenty past seven, and the weather will be sunny today.',
  'Your timer for ten minutes has started.',
  'Good night. I have switched off every light downstairs.',
];

function flow(url, delivery) {
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    { id: 'cfg', type: 'gradium-config', name: 'emulator', region: 'custom', endpoint: url },
    {
      id: 'tts', type: 'gradium-tts', z: 'tab', gradium: 'cfg', name: '', keyProperty: 'topic', voice: 'YTpq7expH9539ERJ',
      model: 'default', format: delivery === 'file' ? 'wav' : 'pcm', sampleRate: 16000, delivery, speed: 0, temperature: 0.7,
      unmuteDelay: 300, wires: [['audio'], ['speaking']],
    },
    { id: 'audio', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'speaking', type: 'bench-sink', z: 'tab', wires: [] },
  ];
}

async function run({ url, n, delivery, warmupS, measureS }) {
  const { RED, stop } = await startBenchFlow(flow(url, delivery), 'speaking');
  const tts = RED.nodes.getNode('tts');
  if (!tts) throw new Error('gradium-tts node did not start (is the package built?)');

  let measuring = false;
  let stopping = false;
  /** text → first message out (wall clock), for utterances started inside the window. */
  const firstOut = new Map();
  const lastOut = new Map();
  const window = { utterances: 0, audioMs: 0, samples: 0, errors: [] };
  const inWindow = new Set();
  const waiting = new Map();
  RED.nodes.getNode('audio').on('input', (msg) => {
    const text = msg._benchText;
    if (!firstOut.has(text)) firstOut.set(text, performance.now());
    const last = msg.seq === undefined || msg.final === true;
    if (inWindow.has(text)) {
      if (delivery === 'file') window.samples += (msg.payload.length - 44) / 2;
      else window.samples += msg.payload.length / 2;
    }
    if (last) {
      lastOut.set(text, performance.now());
      if (inWindow.has(text)) {
        window.utterances++;
        window.audioMs += msg.durationMs;
      }
      waiting.get(text)?.();
    }
  });

  let seq = 0;
  async function speaker(k) {
    while (!stopping) {
      const text = `Speaker ${k}, number ${seq++}. ${SENTENCES[seq % SENTENCES.length]}`;
      if (measuring) inWindow.add(text);
      const done = new Promise((resolve) => waiting.set(text, resolve));
      tts.receive({ topic: `site-${k}`, payload: text, _benchText: text });
      await Promise.race([done, sleep(20000)]);
      waiting.delete(text);
      await sleep(Math.random() * 200);
    }
  }
  tts.on('call:error', () => undefined);
  global.gc();
  const rssBase = process.memoryUsage().rss;
  const speakers = Array.from({ length: n }, (_, k) => speaker(k));

  await sleep(warmupS * 1000);
  const { cpu, windowMs } = await measureWindow(measureS, (on) => (measuring = on));
  // Memory while every key is still speaking (mid-utterance, its audio held for file delivery), after a full GC.
  global.gc();
  const rssSpeaking = process.memoryUsage().rss;
  process.send({ type: 'window', phase: 'end' });
  stopping = true;
  await Promise.all(speakers);
  // Let the utterances of the window finish (they are paired with the emulator's records).
  await sleep(500);
  const rss = process.memoryUsage().rss;
  await stop();
  const firstAudioToOut = [];
  const endToOut = [];
  for (const text of inWindow) {
    const a = arrivals.get(text);
    if (!a) continue;
    if (a.firstAudio !== undefined && firstOut.has(text)) firstAudioToOut.push(firstOut.get(text) - a.firstAudio);
    if (a.end !== undefined && lastOut.has(text)) endToOut.push(lastOut.get(text) - a.end);
  }
  return {
    n,
    delivery,
    windowS: windowMs / 1000,
    cpuMs: cpu,
    coreUtilisation: cpu / windowMs,
    utterances: window.utterances,
    speechSeconds: window.audioMs / 1000,
    cpuMsPerSpeechSecond: window.audioMs > 0 ? cpu / (window.audioMs / 1000) : null,
    samplesOut: window.samples,
    texts: [...inWindow].filter((t) => lastOut.has(t)),
    firstAudioToFirstOut: summary(firstAudioToOut),
    endOfStreamToLastOut: summary(endToOut),
    rssMB: rss / 2 ** 20,
    rssPerKeyKB: (rssSpeaking - rssBase) / 1024 / n,
  };
}

answerParent(run);
