'use strict';
/**
 * The floor: the least work any client can do. `ws` alone, N sockets, a setup each, then one pre-framed
 * base64 `audio` message (80 ms of the same speech-shaped audio) per stream every 80 ms from one shared
 * timer. Server messages are received and counted, never parsed.
 */
const WebSocket = require('ws');
const { CYCLE_SAMPLES, FRAME_SAMPLES, speechCycle } = require('./synthetic-audio');
const { summary, cpuMs, streamPacer, sleep } = require('./stats');

const SETUP = JSON.stringify({ type: 'setup', model_name: 'default', input_format: 'pcm_16000', json_config: { language: 'en' } });

async function run({ url, n, warmupS, measureS, burst = false }) {
  const cycle = speechCycle();
  const framesPerCycle = CYCLE_SAMPLES / FRAME_SAMPLES;
  const messages = Array.from({ length: framesPerCycle }, (_, f) =>
    '{"type":"audio","audio":"' + cycle.toString('base64', f * FRAME_SAMPLES * 2, (f + 1) * FRAME_SAMPLES * 2) + '"}',
  );
  global.gc();
  const rssBase = process.memoryUsage().rss;
  let received = 0;
  let closed = 0;
  const connect = () => {
    const ws = new WebSocket(url, { headers: { 'x-api-key': 'bench-key' }, perMessageDeflate: false });
    ws.on('open', () => ws.send(SETUP));
    ws.on('message', () => received++);
    ws.on('error', () => undefined);
    ws.on('close', () => closed++);
    return ws;
  };
  // Streams join over the first 60% of the warm-up, as in the node's run.
  const rampTicks = Math.floor((warmupS * 600) / 80);
  const startTick = Array.from({ length: n }, (_, i) => Math.floor((i * rampTicks) / n));
  const phase = Array.from({ length: n }, (_, i) => (i * 7) % framesPerCycle);
  const sockets = new Array(n).fill(null);
  let sent = 0;
  let measuring = false;
  const lags = [];
  const pace = streamPacer(
    80,
    n,
    (i, k) => {
      if (startTick[i] > k) return false;
      const ws = (sockets[i] ??= connect());
      if (ws.readyState !== WebSocket.OPEN) return true;
      ws.send(messages[(phase[i] + k) % framesPerCycle]);
      sent++;
      return true;
    },
    (lag) => {
      if (measuring) lags.push(lag);
    },
    { burst },
  );

  await sleep(warmupS * 1000);
  process.send({ type: 'window', phase: 'start' });
  measuring = true;
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const ticks0 = pace.chunks;
  const sent0 = sent;
  await sleep(measureS * 1000);
  const cpu1 = cpuMs();
  const wall1 = performance.now();
  const ticks1 = pace.chunks;
  measuring = false;
  process.send({ type: 'window', phase: 'end' });
  const sendsInWindow = sent - sent0;
  pace.stop();
  global.gc();
  const rssAfterGc = process.memoryUsage().rss;

  for (const ws of sockets) if (ws?.readyState === WebSocket.OPEN) ws.send('{"type":"end_of_stream"}');
  const deadline = Date.now() + 20000;
  while (closed < n && Date.now() < deadline) await sleep(100);
  for (const ws of sockets) ws?.terminate();

  const audioS = ((ticks1 - ticks0) * 80) / 1000;
  return {
    n,
    chunkMs: 80,
    injection: burst ? 'burst' : 'spread',
    windowS: (wall1 - wall0) / 1000,
    audioSecondsPerStream: audioS,
    cpuMs: cpu1 - cpu0,
    cpuMsPerAudioSecondPerStream: (cpu1 - cpu0) / (audioS * n),
    coreUtilisation: (cpu1 - cpu0) / (wall1 - wall0),
    lag: summary(lags),
    sendsInWindow,
    expectedSendsInWindow: (ticks1 - ticks0) * n,
    framesSent: sent,
    serverMessages: received,
    rssBase,
    rssAfterGc,
    rssPerStreamKB: (rssAfterGc - rssBase) / 1024 / n,
  };
}

process.once('message', (m) => {
  run(m).then(
    (result) => {
      process.send({ type: 'result', result });
      process.exit(0);
    },
    (err) => {
      process.send({ type: 'error', message: err.stack || String(err) });
      process.exit(1);
    },
  );
});
// Orphaned (run.js died): stop rather than keep loading a core.
process.on('disconnect', () => process.exit(1));
