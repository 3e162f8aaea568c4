'use strict';
/**
 * One benchmark scenario through a real Node-RED runtime (embedded API) in its own process: a target from
 * targets.js (the gradium-stt node wired to the emulator, the floor node, or the drop node), and N real-time
 * 16 kHz streams injected into it with node.receive() from one shared timer. Reports CPU, pacing lag,
 * latencies and memory to run.js over IPC.
 */
const path = require('node:path');
const { probe, install, transcriptOut, frameCompleting } = require('./wire-probe');
const { CYCLE_SAMPLES, FRAME_SAMPLES, speechCycle } = require('./synthetic-audio');
const { roomLoop } = require('./room-audio');
const { summary, cpuMs, streamPacer, sleep } = require('./stats');

/** The emulator child accepts only this key. */
const API_KEY = 'bench-key';

process.env.GRADIUM_API_KEY = API_KEY;
install(); // before Node-RED loads the node, so its sockets carry the probe
const { startEmbeddedNodeRed } = require('./embedded-node-red');
const { TARGETS, flowOf } = require('./targets');
const { startWindowProfile } = require('./window-profiler');


function startNodeRed(url, target, packageRoot, nodeOptions) {
  return startEmbeddedNodeRed({
    packageRoot,
    flows: flowOf(target, url, nodeOptions),
    waitForNode: 'input',
    settings: {
      nodesDir: [path.join(__dirname, 'nodes')],
      logging: { console: { level: process.env.BENCH_LOG || 'warn', metrics: false, audit: false } },
    },
  });
}

/**
 * `sendAudio`, `idleTimeout`: settings of the gradium-stt node (targets.js); `audio`: 'room' plays
 * bench/room-audio.js (speech 20 % of the time) instead of the synthetic speech cycle; `rampS`: how long the
 * streams take to join (default 60 % of the warm-up).
 */
async function run({ url, n, chunkMs, warmupS, measureS, target = 'stt', packageRoot, profileFile, profileIntervalUs, profileHeap, burst = false, sendAudio, idleTimeout, audio, rampS }) {
  const { RED, stop } = await startNodeRed(url, target, packageRoot, { sendAudio, idleTimeout });
  const input = RED.nodes.getNode('input');
  if (!input) throw new Error(`the ${target} node did not start (is the package built?)`);
  const counts = { connected: 0, disconnected: 0, finals: 0, interims: 0, droppedAudioMs: 0, reconnects: 0, errors: [] };
  RED.nodes.getNode('conn')?.on('input', () => counts.connected++);
  RED.nodes.getNode('disc')?.on('input', (msg) => {
    counts.disconnected++;
    if (typeof msg.payload !== 'object') return; // the floor node says only that its socket closed
    counts.droppedAudioMs += msg.payload.droppedAudioMs || 0;
    if (msg.payload.willReconnect) counts.reconnects++;
    if (msg.payload.reason !== 'stop' && counts.errors.length < 5) counts.errors.push(`${msg.payload.reason}: ${msg.payload.message}`);
  });
  RED.nodes.getNode('tx')?.on('input', (msg) => {
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
  const { sends, message } = TARGETS[target];
  // The chunk after which the target puts audio on the wire: every 80 ms frame, or every chunk.
  const chunksPerSend = sends === 'frames' ? FRAME_SAMPLES / chunkSamples : 1;
  const keys = Array.from({ length: n }, (_, i) => `mic-${i}`);
  // Streams start at different places in the speech cycle, as real speakers do.
  const phase = keys.map((_, i) => ((i * (room ? 7919 : 7)) % (cycleSamples / FRAME_SAMPLES)) * FRAME_SAMPLES);
  // Streams join one after another over the first 60% of the warm-up, as microphones do, not in one tick.
  const rampTicks = Math.floor(((rampS ?? warmupS * 0.6) * 1000) / chunkMs);
  const startTick = keys.map((_, i) => Math.floor((i * rampTicks) / n));
  const lags = [];
  const pace = streamPacer(
    chunkMs,
    n,
    (i, k) => {
      if (startTick[i] > k) return false;
      const own = k - startTick[i];
      const at = ((phase[i] + own * chunkSamples) % cycleSamples) * 2;
      const chunk = cycle.subarray(at, at + chunkSamples * 2);
      const msg = message ? message(keys[i], chunk, own) : { topic: keys[i], payload: chunk };
      if (probe.measuring && (own + 1) % chunksPerSend === 0) frameCompleting(keys[i], performance.now());
      probe.currentKey = keys[i];
      input.receive(msg);
      probe.currentKey = null;
      return true;
    },
    (lag) => {
      if (probe.measuring) lags.push(lag);
      if (process.env.BENCH_LAG_TRACE && lag > 40) console.log(`lag ${lag.toFixed(1)} ms`);
    },
    { burst },
  );

  await sleep(warmupS * 1000);
  const profiler = profileFile ? startWindowProfile(profileIntervalUs, profileHeap) : null;
  await profiler?.started;
  process.send({ type: 'window', phase: 'start' });
  probe.measuring = true;
  const sends0 = probe.audioSends;
  const cpu0 = cpuMs();
  const ticks0 = pace.chunks;
  const wall0 = performance.now();
  await sleep(measureS * 1000);
  const cpu1 = cpuMs();
  const wall1 = performance.now();
  const ticks1 = pace.chunks;
  probe.measuring = false;
  process.send({ type: 'window', phase: 'end' });
  await profiler?.stop(profileFile);
  const sendsInWindow = probe.audioSends - sends0;
  pace.stop();
  const rssLive = process.memoryUsage().rss;
  global.gc();
  const rssAfterGc = process.memoryUsage().rss;
  const memAfter = process.memoryUsage();

  // End every stream as a flow would: action stop, then wait for each disconnected message. A gated key may
  // have no session open (its stop is then refused, NO_STREAM): wait for every session that opened to end.
  for (const key of keys) input.receive({ topic: key, action: 'stop' });
  const deadline = Date.now() + 30000;
  const ended = () => (sendAudio === 'speech' ? counts.disconnected >= counts.connected : counts.disconnected >= n);
  while (TARGETS[target].sessions && !ended() && Date.now() < deadline) await sleep(100);
  await sleep(200);

  const audioS = ((ticks1 - ticks0) * chunkMs) / 1000;
  const result = {
    target,
    n,
    chunkMs,
    injection: burst ? 'burst' : 'spread',
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
    expectedSendsInWindow: sends === 'none' ? 0 : ((ticks1 - ticks0) / chunksPerSend) * n,
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
