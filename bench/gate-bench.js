'use strict';
/**
 * The voice gate through the node, in `npm run bench` (run.js calls it with its scenario runner; `--only gate`
 * runs it alone): N real-time 16 kHz streams of a room where someone speaks 20 % of the time
 * (bench/room-audio.js) through a gradium-stt node in a real Node-RED into the emulator, with `sendAudio`
 * "always" and "speech" in alternating rounds of the same run. CPU per audio-second per stream of the node's
 * process (target: the gate adds at most 0.15 ms), the share of the audio sent, and memory per stream with the
 * gate (RSS after a full GC; target under 100 KB per extra stream). Writes bench/results/gate-latest.{md,json}.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CPU_STREAMS = 100;
const MEMORY_STREAMS = 500;
const CHUNK_MS = 80;
/** The target: the gate may add this much CPU per audio-second per stream. */
const CPU_TARGET_MS = 0.15;
const MEMORY_TARGET_KB = 100;
const MAX_LAG_MS = 80;

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  return v.length === 0 ? null : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

function keptUp(r) {
  return !r.failed && r.lag.p99 !== null && r.lag.p99 < MAX_LAG_MS && r.emulator.audioMessages === r.framesSent && (r.droppedAudioMs ?? 0) === 0;
}

/** Share of the audio the streams took in that went to the emulator, in the measurement window. */
function sentShare(r) {
  return r.expectedSendsInWindow > 0 ? r.sendsInWindow / r.expectedSendsInWindow : null;
}

/**
 * `runScenario(params)` runs nodered-child.js with the params against run.js's emulator and returns its result.
 * Rounds alternate always/speech (ABBA...), so drift on a shared machine falls on both.
 */
async function runGateBench({ runScenario, quick = false, log = console.log }) {
  const started = new Date();
  const t0 = Date.now();
  // A fresh detector opens now and then on a steady noise until it has learnt it (about 20 s, 40 s at most:
  // test/voice-gate/noise-learning.ts); an always-on microphone runs for hours, so the window starts after that.
  const cpuWindow = quick ? { warmupS: 3, rampS: 1, measureS: 4 } : { warmupS: 45, rampS: 5, measureS: 15 };
  // `kept`: the gate with sessions kept open through the silence (idle timeout 0), to tell the detector's own
  // cost from that of opening a session for each command after more than the idle timeout of silence.
  const variants = {
    always: { sendAudio: 'always' },
    speech: { sendAudio: 'speech' },
    kept: { sendAudio: 'speech', idleTimeout: 0 },
  };
  const order = quick ? ['always', 'speech', 'kept'] : ['always', 'speech', 'kept', 'kept', 'speech', 'always'];
  const cpu = { always: [], speech: [], kept: [] };
  /** Sessions opened per stream per minute, over the whole run (the warm-up included). */
  const sessionsPerMinute = (r) => r.connected / r.n / ((cpuWindow.warmupS + cpuWindow.measureS) / 60);
  for (const name of order) {
    const r = await runScenario({ n: CPU_STREAMS, chunkMs: CHUNK_MS, audio: 'room', ...variants[name], ...cpuWindow });
    r.keptUp = keptUp(r);
    cpu[name].push(r);
    log(line(r));
  }
  const memory = {};
  const memWindow = quick ? { warmupS: 3, rampS: 1, measureS: 3 } : { warmupS: 45, rampS: 10, measureS: 8 };
  for (const sendAudio of ['always', 'speech']) {
    const r = await runScenario({ n: MEMORY_STREAMS, chunkMs: CHUNK_MS, audio: 'room', sendAudio, ...memWindow });
    r.keptUp = keptUp(r);
    memory[sendAudio] = r;
    log(line(r));
  }
  const summary = {
    cpuMsPerAudioSecond: {
      always: median(cpu.always.map((r) => r.cpuMsPerAudioSecondPerStream)),
      speech: median(cpu.speech.map((r) => r.cpuMsPerAudioSecondPerStream)),
      kept: median(cpu.kept.map((r) => r.cpuMsPerAudioSecondPerStream)),
    },
    sentShare: { always: median(cpu.always.map(sentShare)), speech: median(cpu.speech.map(sentShare)), kept: median(cpu.kept.map(sentShare)) },
    sessionsPerStreamPerMinute: {
      speech: median(cpu.speech.map(sessionsPerMinute)),
      kept: median(cpu.kept.map(sessionsPerMinute)),
    },
    memoryKBPerStream: { always: memory.always.rssPerStreamKB, speech: memory.speech.rssPerStreamKB },
    heapKBPerStream: { always: memory.always.heapPerStreamKB, speech: memory.speech.heapPerStreamKB },
    allKeptUp: [...cpu.always, ...cpu.speech, ...cpu.kept, memory.always, memory.speech].every((r) => r.keptUp),
  };
  summary.cpuAddedMs = summary.cpuMsPerAudioSecond.speech - summary.cpuMsPerAudioSecond.always;
  summary.cpuAddedKeptMs = summary.cpuMsPerAudioSecond.kept - summary.cpuMsPerAudioSecond.always;
  summary.cpuWithinTarget = summary.cpuAddedMs <= CPU_TARGET_MS;
  summary.memoryWithinTarget = summary.memoryKBPerStream.speech < MEMORY_TARGET_KB;
  const report = { started, durationS: (Date.now() - t0) / 1000, machine: machine(), quick, summary, cpu, memory };
  if (!quick) write(report);
  log(
    `gate: CPU ${summary.cpuMsPerAudioSecond.always.toFixed(3)} → ${summary.cpuMsPerAudioSecond.speech.toFixed(3)} ms/audio-s/stream ` +
      `(${summary.cpuAddedMs >= 0 ? '+' : ''}${summary.cpuAddedMs.toFixed(3)}, target ≤ +${CPU_TARGET_MS}), ` +
      `sent ${(summary.sentShare.speech * 100).toFixed(1)} %, memory ${summary.memoryKBPerStream.speech.toFixed(0)} KB/stream (target < ${MEMORY_TARGET_KB})`,
  );
  return report;
}

function line(r) {
  const f = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  return (
    `gate  N=${String(r.n).padStart(4)} sendAudio=${r.sendAudio.padEnd(6)} idle=${String(r.idleTimeout).padEnd(4)} cpu ${f(r.cpuMsPerAudioSecondPerStream, 3)} ms/audio-s/stream` +
    `  sent ${f((sentShare(r) ?? 0) * 100, 1)} %  sessions ${r.connected}  lag p99 ${f(r.lag.p99, 1)} ms` +
    `  rss ${f(r.rssPerStreamKB, 0)} KB/stream  frames ${r.emulator.audioMessages}/${r.framesSent}  ${r.keptUp ? 'real time' : 'FELL BEHIND'}`
  );
}

function machine() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    nodeRed: require('node-red/package.json').version,
  };
}

function write(report) {
  const dir = path.join(__dirname, 'results');
  fs.writeFileSync(path.join(dir, 'gate-latest.json'), JSON.stringify(report, null, 2) + '\n');
  const s = report.summary;
  const f = (x, d = 3) => (x === null || x === undefined ? '-' : x.toFixed(d));
  const pct = (x) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
  const runs = (list) => list.map((r) => f(r.cpuMsPerAudioSecondPerStream)).join(', ');
  const md = [
    '# Voice gate through the node',
    '',
    `${report.started.toISOString()} · ${report.machine.cpus} × ${report.machine.model} · Node ${report.machine.node} · ` +
      `Node-RED ${report.machine.nodeRed} · ${report.durationS.toFixed(0)} s`,
    '',
    `Each stream plays a 16 kHz room where someone speaks 20 % of the time (ten espeak-ng sentences at -24, -34 and`,
    `-40 dBFS over pink noise at -45 dBFS, bench/room-audio.js), in real time, in ${CHUNK_MS} ms chunks, into one`,
    'gradium-stt node in an embedded Node-RED, to the emulator in its own process. `always` and `speech` alternate',
    'in the same run.',
    '',
    '| | sendAudio `always` | sendAudio `speech` (the gate) | added by the gate |',
    '| --- | --- | --- | --- |',
    `| CPU per audio-second per stream, ${CPU_STREAMS} streams (median) | ${f(s.cpuMsPerAudioSecond.always)} ms | ${f(s.cpuMsPerAudioSecond.speech)} ms | ` +
      `${s.cpuAddedMs >= 0 ? '+' : ''}${f(s.cpuAddedMs)} ms (target ≤ +${CPU_TARGET_MS}: ${s.cpuWithinTarget ? 'met' : 'NOT MET'}) |`,
    `| each round | ${runs(report.cpu.always)} | ${runs(report.cpu.speech)} | |`,
    `| the gate, sessions kept open through the silence (idle timeout 0) | | ${f(s.cpuMsPerAudioSecond.kept)} ms (${runs(report.cpu.kept)}) | ` +
      `${s.cpuAddedKeptMs >= 0 ? '+' : ''}${f(s.cpuAddedKeptMs)} ms |`,
    `| sessions opened per stream per minute | | ${f(s.sessionsPerStreamPerMinute.speech, 1)} (idle timeout 3 s), ` +
      `${f(s.sessionsPerStreamPerMinute.kept, 1)} (idle timeout 0) | |`,
    `| audio sent to Gradium | ${pct(s.sentShare.always)} | ${pct(s.sentShare.speech)} | |`,
    `| memory per extra stream, ${MEMORY_STREAMS} streams (RSS after GC) | ${f(s.memoryKBPerStream.always, 0)} KB | ` +
      `${f(s.memoryKBPerStream.speech, 0)} KB | target < ${MEMORY_TARGET_KB} KB: ${s.memoryWithinTarget ? 'met' : 'NOT MET'} |`,
    `| JS heap per extra stream, ${MEMORY_STREAMS} streams | ${f(s.heapKBPerStream.always, 1)} KB | ${f(s.heapKBPerStream.speech, 1)} KB | |`,
    `| every run in real time (lag p99 < ${MAX_LAG_MS} ms, every frame received, nothing dropped) | | | ${s.allKeptUp ? 'yes' : 'NO'} |`,
    '',
    'With the gate the node sends less (no base64 and no socket write for the silence), which pays for part of the',
    'detector; with the default idle timeout (3 s) a command after a longer silence opens a new session, whose',
    'handshake is counted here too. The difference is the gate\'s whole cost through the node, Node-RED and the',
    'sockets included.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'gate-latest.md'), md);
}

module.exports = { runGateBench };
