'use strict';
/**
 * The text-to-speech scenario of `npm run bench` (run.js calls it; `node bench/tts-bench.js [--quick]` runs it
 * alone): a gradium-tts node in a real Node-RED against the emulator in its own process, 1 and 50 keys
 * speaking at once, `stream` (raw PCM chunks) and `file` (one WAV) delivery. Measures the time from the
 * server's first audio to the node's first message out (stream) and from the server's end_of_stream to the
 * file message out (file), p50/p99, and the node's CPU per second of speech. Writes
 * bench/results/tts-latest.{md,json}. Both times are taken in the node's process (one clock): from the frame's
 * arrival at the node's socket to the message reaching the next node.
 */
const { startChild } = require('./children');
const { fmt, runEach, writeNodeRedReport, runWhenMain } = require('./bench-output');

const KEYS = [1, 50];
const DELIVERIES = ['stream', 'file'];

class TtsEmulator {
  constructor() {
    this.proc = startChild('tts-emulator-child.js', { cpu: 1 });
    this.seq = 0;
  }
  async start() {
    this.url = (await this.proc.next('listening', 30000)).url;
  }
  ask(cmd, extra = {}) {
    const id = ++this.seq;
    const reply = new Promise((resolve) => {
      const on = (m) => {
        if (m.id === id) {
          this.proc.child.off('message', on);
          resolve(m);
        }
      };
      this.proc.child.on('message', on);
    });
    this.proc.send({ cmd, id, ...extra });
    return reply;
  }
  async stop() {
    this.proc.send({ cmd: 'stop' });
    await this.proc.exited;
  }
}

async function scenario(emulator, params) {
  const { mark } = await emulator.ask('mark');
  const proc = startChild('tts-child.js', { cpu: 0 });
  proc.send({ url: emulator.url, ...params });
  const { result } = await proc.next('result', (params.warmupS + params.measureS + 90) * 1000);
  await proc.exited;
  const { sessions } = await emulator.ask('sessions', { mark, timeoutMs: 20000 });
  // What the emulator sent for the utterances the node finished inside the window.
  const byText = new Map(sessions.map((s) => [s.text, s]));
  let samplesSent = 0;
  let unmatched = 0;
  for (const text of result.texts) {
    const s = byText.get(text);
    if (s) samplesSent += s.samplesSent;
    else unmatched++;
  }
  delete result.texts;
  return { ...result, samplesSent, unmatched };
}

function line(r) {
  const f = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  return (
    `tts   keys=${String(r.n).padStart(2)} ${r.delivery.padEnd(6)} cpu ${f(r.cpuMsPerSpeechSecond, 3)} ms/speech-s` +
    ` (core ${f(r.coreUtilisation * 100, 0)}%)  first audio→first msg p50/p99 ${f(r.firstAudioToFirstOut.p50, 2)}/${f(r.firstAudioToFirstOut.p99, 2)} ms` +
    `  end→last msg p50/p99 ${f(r.endOfStreamToLastOut.p50, 2)}/${f(r.endOfStreamToLastOut.p99, 2)} ms` +
    `  ${r.utterances} utterances, ${f(r.speechSeconds, 0)} s of speech, samples ${r.samplesOut}/${r.samplesSent}  rss ${f(r.rssPerKeyKB, 0)} KB/key`
  );
}

function markdown(results, machine, started) {
  const f = fmt;
  const rows = [
    '| keys at once | delivery | CPU ms per second of speech | first audio frame in → first msg out, p50 / p99 (ms) | end_of_stream in → last msg out, p50 / p99 (ms) | utterances | speech (s) | samples out / sent by the emulator | node core use | RSS per speaking key (KB) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.n} | ${r.delivery} | ${f(r.cpuMsPerSpeechSecond, 3)} | ${f(r.firstAudioToFirstOut.p50)} / ${f(r.firstAudioToFirstOut.p99)} | ` +
        `${f(r.endOfStreamToLastOut.p50)} / ${f(r.endOfStreamToLastOut.p99)} | ${r.utterances} | ${f(r.speechSeconds, 0)} | ` +
        `${r.samplesOut} / ${r.samplesSent}${r.samplesOut === r.samplesSent ? '' : ' ✗'} | ${f(r.coreUtilisation * 100, 0)} % | ${f(r.rssPerKeyKB, 0)} |`,
    );
  }
  return [
    '# gradium-tts benchmark',
    '',
    `Run ${started.toISOString()} on ${machine.cpus} × ${machine.model}, Node ${machine.node}, Node-RED ${machine.nodeRed}.`,
    'The emulator runs in its own process and sends audio as fast as it makes it (16 kHz PCM, 80 ms messages);',
    'each key speaks one utterance after another. For `stream` the first message out is the first chunk; for',
    '`file` it is the WAV, so the time that matters there is from the server\'s end_of_stream to the file.',
    'Times are taken in the node\'s process: from the frame arriving at its socket to the message reaching the next node.',
    'RSS per speaking key: the process\'s growth from before the keys start to the end of the window, every key',
    'mid-utterance, both after a full GC, divided by the keys (with one key it is mostly the process warming up).',
    '',
    rows.join('\n'),
    '',
  ].join('\n');
}

async function runTtsBench({ quick = false } = {}) {
  const started = new Date();
  const emulator = new TtsEmulator();
  await emulator.start();
  const timing = { warmupS: quick ? 1 : 3, measureS: quick ? 4 : 12 };
  let results;
  try {
    results = await runEach(KEYS, DELIVERIES, (keys) => scenario(emulator, { ...keys, ...timing }), line);
  } finally {
    await emulator.stop();
  }
  return writeNodeRedReport('tts', started, results, markdown);
}

module.exports = { runTtsBench };

runWhenMain(module, runTtsBench);
