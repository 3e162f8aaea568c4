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
/**
 * Memory is also measured at this N: the slope from here to MEMORY_STREAMS is the cost of one more stream
 * without the process's fixed growth (young generation, code, the VAD module), as the main scenarios' target is
 * read (bench/report.js: RSS slope over 100–1000 streams).
 */
const MEMORY_STREAMS_LOW = 100;
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
  // Memory with the main scenarios' windows (bench/run.js, 500 streams), where the 100 KB target was set.
  const memory = {};
  const memoryLow = {};
  const memWindow = quick ? { warmupS: 3, rampS: 1, measureS: 3 } : { warmupS: 6, measureS: 12 };
  for (const [n, into] of [[MEMORY_STREAMS, memory], [MEMORY_STREAMS_LOW, memoryLow]]) {
    for (const name of ['always', 'kept', 'speech']) {
      const r = await runScenario({ n, chunkMs: CHUNK_MS, audio: 'room', ...variants[name], ...memWindow });
      r.keptUp = keptUp(r);
      into[name] = r;
      log(line(r));
    }
  }
  /** KB of RSS (after GC) per stream added between MEMORY_STREAMS_LOW and MEMORY_STREAMS streams. */
  const slope = (name) => (memory[name].rssAfterGc - memory[name].rssBase - (memoryLow[name].rssAfterGc - memoryLow[name].rssBase)) / 1024 / (MEMORY_STREAMS - MEMORY_STREAMS_LOW);
  const summary = {
    cpuMsPerAudioSecond: {
      always: median(cpu.always.map((r) => r.cpuMsPerAudioSecondPerStream)),
      speech: median(cpu.speech.map((r) => r.cpuMsPerAudioSecondPerStream)),
      kept: median(cpu.kept.map((r) => r.cpuMsPerAudioSecondPerStream)),
    },
    sentShare: { always: median(cpu.always.map(sentShare)), speech: median(cpu.speech.map(sentShare)), kept: median(cpu.kept.map(sentShare)) },
    sessionsPerStreamPerMinute: {
      always: median(cpu.always.map(sessionsPerMinute)),
      speech: median(cpu.speech.map(sessionsPerMinute)),
      kept: median(cpu.kept.map(sessionsPerMinute)),
    },
    memoryKBPerStream: { always: memory.always.rssPerStreamKB, kept: memory.kept.rssPerStreamKB, speech: memory.speech.rssPerStreamKB },
    memorySlopeKB: { always: slope('always'), kept: slope('kept'), speech: slope('speech') },
    jsKBPerStream: {
      always: memory.always.heapPerStreamKB + memory.always.externalPerStreamKB,
      kept: memory.kept.heapPerStreamKB + memory.kept.externalPerStreamKB,
      speech: memory.speech.heapPerStreamKB + memory.speech.externalPerStreamKB,
    },
    allKeptUp: [...cpu.always, ...cpu.speech, ...cpu.kept, ...Object.values(memory), ...Object.values(memoryLow)].every((r) => r.keptUp),
  };
  // The gate's own cost: the detector and its ring, sessions kept open (no session opened per command).
  summary.cpuAddedKeptMs = summary.cpuMsPerAudioSecond.kept - summary.cpuMsPerAudioSecond.always;
  // With the default idle timeout: also a session opened for each command that follows a longer silence.
  summary.cpuAddedMs = summary.cpuMsPerAudioSecond.speech - summary.cpuMsPerAudioSecond.always;
  const extraSessionsPerS = (summary.sessionsPerStreamPerMinute.speech - summary.sessionsPerStreamPerMinute.kept) / 60;
  summary.cpuMsPerSession = extraSessionsPerS > 0 ? (summary.cpuMsPerAudioSecond.speech - summary.cpuMsPerAudioSecond.kept) / extraSessionsPerS : null;
  summary.cpuWithinTarget = summary.cpuAddedKeptMs <= CPU_TARGET_MS;
  summary.memoryWithinTarget = summary.memorySlopeKB.kept < MEMORY_TARGET_KB && summary.memorySlopeKB.speech < MEMORY_TARGET_KB;
  const report = { started, durationS: (Date.now() - t0) / 1000, machine: machine(), quick, summary, cpu, memory, memoryLow };
  if (!quick) write(report);
  const sign = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  log(
    `gate: CPU ${summary.cpuMsPerAudioSecond.always.toFixed(3)} ms/audio-s/stream without, ${summary.cpuMsPerAudioSecond.kept.toFixed(3)} ` +
      `with the gate (${sign(summary.cpuAddedKeptMs)}, target ≤ +${CPU_TARGET_MS}), ${summary.cpuMsPerAudioSecond.speech.toFixed(3)} with a ` +
      `session per command (${sign(summary.cpuAddedMs)}); sent ${(summary.sentShare.speech * 100).toFixed(1)} %; memory ` +
      `${summary.memorySlopeKB.always.toFixed(0)} / ${summary.memorySlopeKB.kept.toFixed(0)} / ${summary.memorySlopeKB.speech.toFixed(0)} KB per extra stream ` +
      `(slope ${MEMORY_STREAMS_LOW}→${MEMORY_STREAMS}; target < ${MEMORY_TARGET_KB})`,
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
  const sign = (x) => `${x >= 0 ? '+' : ''}${f(x)}`;
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
    `| CPU per audio-second per stream, ${CPU_STREAMS} streams, sessions kept open (median; each round) | ${f(s.cpuMsPerAudioSecond.always)} ms (${runs(report.cpu.always)}) | ` +
      `${f(s.cpuMsPerAudioSecond.kept)} ms (${runs(report.cpu.kept)}) | ${sign(s.cpuAddedKeptMs)} ms (target ≤ +${CPU_TARGET_MS}: ${s.cpuWithinTarget ? 'met' : 'NOT MET'}) |`,
    `| the same with the default idle timeout (3 s): a new session for each sentence after a longer silence | | ` +
      `${f(s.cpuMsPerAudioSecond.speech)} ms (${runs(report.cpu.speech)}) | ${sign(s.cpuAddedMs)} ms |`,
    `| sessions opened per stream per minute | ${f(s.sessionsPerStreamPerMinute.always, 1)} | ${f(s.sessionsPerStreamPerMinute.kept, 1)} (kept open), ${f(s.sessionsPerStreamPerMinute.speech, 1)} (idle timeout 3 s) | ` +
      `${f(s.cpuMsPerSession, 1)} ms of CPU per session opened |`,
    `| audio sent to Gradium | ${pct(s.sentShare.always)} | ${pct(s.sentShare.speech)} | |`,
    `| RSS per extra stream after GC, slope from ${MEMORY_STREAMS_LOW} to ${MEMORY_STREAMS} streams | ${f(s.memorySlopeKB.always, 0)} KB | ${f(s.memorySlopeKB.kept, 0)} KB kept open, ` +
      `${f(s.memorySlopeKB.speech, 0)} KB idle timeout 3 s | with the gate, target < ${MEMORY_TARGET_KB} KB: ${s.memoryWithinTarget ? 'met' : 'NOT MET'} |`,
    `| RSS growth after GC divided by ${MEMORY_STREAMS} streams (the process's fixed growth included) | ${f(s.memoryKBPerStream.always, 0)} KB | ${f(s.memoryKBPerStream.kept, 0)} KB kept open, ` +
      `${f(s.memoryKBPerStream.speech, 0)} KB idle timeout 3 s | +${f(s.memoryKBPerStream.kept - s.memoryKBPerStream.always, 0)} KB kept open, ` +
      `+${f(s.memoryKBPerStream.speech - s.memoryKBPerStream.always, 0)} KB idle timeout 3 s |`,
    `| JS heap and Buffers per extra stream, ${MEMORY_STREAMS} streams | ${f(s.jsKBPerStream.always, 1)} KB | ${f(s.jsKBPerStream.kept, 1)} KB kept open, ` +
      `${f(s.jsKBPerStream.speech, 1)} KB idle timeout 3 s | |`,
    `| every run in real time (lag p99 < ${MAX_LAG_MS} ms, every frame received, nothing dropped) | | | ${s.allKeptUp ? 'yes' : 'NO'} |`,
    '',
    'With the gate the node sends less (no base64 and no socket write for the silence), which pays for the detector',
    'and its pre-roll ring. With the default idle timeout a sentence that follows more than 3.8 s of silence (the',
    'hang-over and the idle timeout) opens a new session; this room has a sentence every 5.5 s, so nearly every one',
    'does. A microphone with ten commands an hour opens about ten sessions an hour.',
    `The memory windows are those of the main scenarios (bench/run.js): ${MEMORY_STREAMS} and ${MEMORY_STREAMS_LOW} streams, 6 s warm-up, 12 s measured.`,
    'A slope over two points moves by tens of KB between runs (the fixed growth at 100 streams varies by several MB);',
    'what the gate adds is read best from the same N: its 500 ms pre-roll is 18.5 KB of it at 16 kHz.',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'gate-latest.md'), md);
}

module.exports = { runGateBench, writeReport: write };
