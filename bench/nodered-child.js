'use strict';
/**
 * One benchmark scenario through a real Node-RED runtime (embedded API) in its own process: a gradium-stt
 * node wired to the emulator, three sink nodes on its outputs, and N real-time 16 kHz streams injected with
 * node.receive() from one shared timer. Reports CPU, pacing lag, latencies and memory to run.js over IPC.
 */
const path = require('node:path');
const { probe, install, transcriptOut, frameCompleting } = require('./wire-probe');
const { CYCLE_SAMPLES, FRAME_SAMPLES, speechCycle } = require('./synthetic-audio');
const { roomLoop } = require('./room-audio');
const { summary, cpuMs, pacer, sleep } = require('./stats');

/** The emulator child accepts only this key. */
const API_KEY = 'bench-key';

process.env.GRADIUM_API_KEY = API_KEY;
install(); // before Node-RED loads the node, so its sockets carry the probe
const { startEmbeddedNodeRed } = require('./embedded-node-red');


/**
 * `sendAudio` set: the node has the voice gate's properties (speech: gated; always: everything sent), as a node
 * saved now; unset: as a node saved before the gate (everything sent).
 */
function flow(url, maxStreams, sendAudio, idleTimeout = 3000) {
  const gate = sendAudio ? { sendAudio, gateAggressiveness: 2, gatePreRoll: 500, gateHangover: 800 } : {};
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    // No credential: the config node falls back to GRADIUM_API_KEY, set below for this process only.
    { id: 'cfg', type: 'gradium-config', name: 'emulator', region: 'custom', endpoint: url },
    {
      id: 'stt', type: 'gradium-stt', z: 'tab', gradium: 'cfg', name: '', keyProperty: 'topic', maxStreams,
      encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le', language: 'en', delayInFrames: 10,
      model: 'default', jsonConfig: '', turnMode: 'vad', vadHorizon: 2, vadThreshold: 0.7, vadSteps: 3,
      flushTimeout: 2000, finalGrace: 100, idleTimeout, interim: true, bufferSeconds: 10, ...gate,
      wires: [['conn'], ['disc'], ['tx']],
    },
    { id: 'conn', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'disc', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'tx', type: 'bench-sink', z: 'tab', wires: [] },
  ];
}

function startNodeRed(url, maxStreams, sendAudio, idleTimeout) {
  return startEmbeddedNodeRed({
    flows: flow(url, maxStreams, sendAudio, idleTimeout),
    waitForNode: 'tx',
    settings: {
      nodesDir: [path.join(__dirname, 'nodes')],
      logging: { console: { level: process.env.BENCH_LOG || 'warn', metrics: false, audit: false } },
    },
  });
}

/** `audio`: 'room' plays bench/room-audio.js (speech 20 % of the time) instead of the synthetic speech cycle. */
async function run({ url, n, chunkMs, warmupS, measureS, sendAudio, audio, rampS, idleTimeout }) {
  const { RED, stop } = await startNodeRed(url, 2000, sendAudio, idleTimeout);
  const stt = RED.nodes.getNode('stt');
  if (!stt) throw new Error('gradium-stt node did not start (is the package built?)');
  const counts = { connected: 0, disconnected: 0, finals: 0, interims: 0, droppedAudioMs: 0, reconnects: 0, errors: [] };
  RED.nodes.getNode('conn').on('input', () => counts.connected++);
  RED.nodes.getNode('disc').on('input', (msg) => {
    counts.disconnected++;
    counts.droppedAudioMs += msg.payload.droppedAudioMs || 0;
    if (msg.payload.willReconnect) counts.reconnects++;
    if (msg.payload.reason !== 'stop' && counts.errors.length < 5) counts.errors.push(`${msg.payload.reason}: ${msg.payload.message}`);
  });
  RED.nodes.getNode('tx').on('input', (msg) => {
    if (msg.final) {
      counts.finals++;
      return;
    }
    counts.interims++;
    if (!probe.measuring) return;
    const words = msg.transcript.words;
    if (words.length > 0) transcriptOut(msg.topic, words[words.length - 1].text);
  });

  global.gc();
  const memBase = process.memoryUsage();
  const rssBase = memBase.rss;

  const room = audio === 'room' ? roomLoop() : null;
  const cycle = room ? room.pcm : speechCycle();
  const cycleSamples = room ? room.samples : CYCLE_SAMPLES;
  const chunkSamples = (16000 * chunkMs) / 1000;
  const chunksPerFrame = FRAME_SAMPLES / chunkSamples;
  const keys = Array.from({ length: n }, (_, i) => `mic-${i}`);
  // Streams start at different places in the speech cycle, as real speakers do.
  const phase = keys.map((_, i) => ((i * (room ? 7919 : 7)) % (cycleSamples / FRAME_SAMPLES)) * FRAME_SAMPLES);
  // Streams join one after another over the first 60% of the warm-up, as microphones do, not in one tick.
  const rampTicks = Math.floor(((rampS ?? warmupS * 0.6) * 1000) / chunkMs);
  const startTick = keys.map((_, i) => Math.floor((i * rampTicks) / n));
  const lags = [];
  let k = 0;
  const pace = pacer(chunkMs, (lag) => {
    if (probe.measuring) lags.push(lag);
    if (process.env.BENCH_LAG_TRACE && lag > 40) console.log(`lag ${lag.toFixed(1)} ms at tick ${k}`);
    for (let i = 0; i < n && startTick[i] <= k; i++) {
      const own = k - startTick[i];
      const at = ((phase[i] + own * chunkSamples) % cycleSamples) * 2;
      const msg = { topic: keys[i], payload: cycle.subarray(at, at + chunkSamples * 2) };
      const t = performance.now();
      if (probe.measuring && (own + 1) % chunksPerFrame === 0) frameCompleting(keys[i], t);
      probe.currentKey = keys[i];
      stt.receive(msg);
      probe.currentKey = null;
    }
    k++;
  });

  await sleep(warmupS * 1000);
  process.send({ type: 'window', phase: 'start' });
  probe.measuring = true;
  const sends0 = probe.audioSends;
  const cpu0 = cpuMs();
  const ticks0 = pace.ticks;
  const wall0 = performance.now();
  await sleep(measureS * 1000);
  const cpu1 = cpuMs();
  const wall1 = performance.now();
  const ticks1 = pace.ticks;
  probe.measuring = false;
  process.send({ type: 'window', phase: 'end' });
  const sendsInWindow = probe.audioSends - sends0;
  pace.stop();
  const rssLive = process.memoryUsage().rss;
  global.gc();
  const rssAfterGc = process.memoryUsage().rss;
  const memAfter = process.memoryUsage();

  // End every stream as a flow would: action stop, then wait for each disconnected message. A gated key may
  // have no session open (its stop is then refused, NO_STREAM): wait for every session that opened to end.
  for (const key of keys) stt.receive({ topic: key, action: 'stop' });
  const deadline = Date.now() + 30000;
  const ended = () => (sendAudio === 'speech' ? counts.disconnected >= counts.connected : counts.disconnected >= n);
  while (!ended() && Date.now() < deadline) await sleep(100);
  await sleep(200);

  const audioS = ((ticks1 - ticks0) * chunkMs) / 1000;
  const result = {
    n,
    chunkMs,
    windowS: (wall1 - wall0) / 1000,
    audioSecondsPerStream: audioS,
    cpuMs: cpu1 - cpu0,
    cpuMsPerAudioSecondPerStream: (cpu1 - cpu0) / (audioS * n),
    coreUtilisation: (cpu1 - cpu0) / (wall1 - wall0),
    lag: summary(lags),
    wireLatency: summary(probe.wireLatency),
    textLatency: summary(probe.textLatency),
    textFrames: probe.textFrames,
    unmatchedText: probe.unmatchedText,
    deferredSends: probe.deferredSends,
    sendsInWindow,
    expectedSendsInWindow: (((ticks1 - ticks0) * chunkMs) / 80) * n,
    framesSent: probe.audioSends,
    rssBase,
    rssLive,
    rssAfterGc,
    rssPerStreamKB: (rssAfterGc - rssBase) / 1024 / n,
    heapPerStreamKB: (memAfter.heapUsed - memBase.heapUsed) / 1024 / n,
    externalPerStreamKB: (memAfter.external - memBase.external) / 1024 / n,
    heapTotalGrowthMB: (memAfter.heapTotal - memBase.heapTotal) / 2 ** 20,
    sendAudio: sendAudio ?? null,
    idleTimeout: idleTimeout ?? 3000,
    audio: audio ?? 'cycle',
    speechShare: room ? room.speechShare : null,
    ...counts,
  };
  process.send({ type: 'result', result });
  await stop().catch(() => undefined);
}

process.once('message', (m) => {
  run(m).then(
    () => process.exit(0),
    (err) => {
      process.send({ type: 'error', message: err.stack || String(err) });
      process.exit(1);
    },
  );
});
// Orphaned (run.js died): stop rather than keep loading a core.
process.on('disconnect', () => process.exit(1));
