'use strict';
/**
 * The phone scenario of `npm run bench` (run.js calls it; `node bench/phone-bench.js [--quick]` runs it
 * alone): gradium-stt reading Twilio media-stream events and gradium-tts answering each final, in a real
 * Node-RED against the emulator in its own process, with 1 and 50 calls at once in real time, once with
 * `delivery: "media-stream"` (Twilio events, marks echoed when the answer would have played) and once with
 * `stream` (raw μ-law chunks) for the same calls. Measures the node's share of voice-to-voice latency — final
 * transcript out → first audio message out, Gradium's first audio frame → first audio message out — and CPU per
 * call-second. Writes bench/results/phone-latest.{md,json}.
 */
const { startChild } = require('./children');
const { fmt: f, runEach, writeNodeRedReport, withEmulatorChild, runWhenMain } = require('./bench-output');

const CALLS = [1, 50];
const DELIVERIES = ['media-stream', 'stream'];

async function scenario(url, params) {
  const proc = startChild('phone-child.js', { cpu: 0 });
  proc.send({ url, ...params });
  const { result } = await proc.next('result', (params.warmupS + params.measureS + 90) * 1000);
  await proc.exited;
  return result;
}

function line(r) {
  return (
    `phone calls=${String(r.n).padStart(2)} ${r.delivery.padEnd(12)} cpu ${f(r.cpuMsPerCallSecond, 3)} ms/call-s (core ${f(r.coreUtilisation * 100, 0)}%)` +
    `  final→first media p50/p99 ${f(r.finalToFirstMedia.p50)}/${f(r.finalToFirstMedia.p99)} ms` +
    `  (final→setup ${f(r.finalToSetupSent.p50)}/${f(r.finalToSetupSent.p99)}, Gradium setup→first audio ${f(r.setupToFirstAudio.p50)}/${f(r.setupToFirstAudio.p99)})` +
    `  first audio→first media p50/p99 ${f(r.firstAudioToFirstMedia.p50)}/${f(r.firstAudioToFirstMedia.p99)} ms` +
    `  ${r.answers} answers, ${r.mediaEvents} audio messages, ${f(r.audioSeconds, 0)} s of answer audio, ${r.marksEchoed} marks echoed`
  );
}

function markdown(results, machine, started) {
  const rows = [
    '| calls at once | delivery | CPU ms per call-second | final transcript → first audio message out, p50 / p99 (ms) | of which: final → TTS setup sent (Node-RED hop, request, loopback connect) | of which: setup → Gradium\'s first audio (the emulator) | Gradium first audio → first audio message out, p50 / p99 (ms) | answers measured | audio messages | answer audio (s) | marks echoed | node core use |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.n} | ${r.delivery} | ${f(r.cpuMsPerCallSecond, 3)} | ${f(r.finalToFirstMedia.p50)} / ${f(r.finalToFirstMedia.p99)} | ` +
        `${f(r.finalToSetupSent.p50)} / ${f(r.finalToSetupSent.p99)} | ${f(r.setupToFirstAudio.p50)} / ${f(r.setupToFirstAudio.p99)} | ` +
        `${f(r.firstAudioToFirstMedia.p50)} / ${f(r.firstAudioToFirstMedia.p99)} | ${r.answers} | ${r.mediaEvents} | ${f(r.audioSeconds, 0)} | ${r.marksEchoed} | ${f(r.coreUtilisation * 100, 0)} % |`,
    );
  }
  return [
    '# Phone calls benchmark',
    '',
    `Run ${started.toISOString()} on ${machine.cpus} × ${machine.model}, Node ${machine.node}, Node-RED ${machine.nodeRed}.`,
    'Each call sends Twilio media-stream events into gradium-stt in real time (a 20 ms μ-law frame every 20 ms, a',
    'spoken command every 4 s, voice gate on); each final is answered at once through gradium-tts, whose audio the',
    'emulator (its own process) sends as fast as it makes it. Times are taken in the node\'s process: from the final',
    'transcript reaching the next node to the answer\'s first audio message reaching the node after gradium-tts (this',
    'includes opening the TTS request to the emulator on loopback and the emulator making its first 80 ms), and from',
    'Gradium\'s first audio frame at the TTS socket to that message. CPU is the whole Node-RED process (both nodes,',
    'the calls\' injection, the sinks) per second of call.',
    '',
    rows.join('\n'),
    '',
  ].join('\n');
}

async function runPhoneBench({ quick = false } = {}) {
  const started = new Date();
  const timing = { warmupS: quick ? 1 : 3, measureS: quick ? 8 : 20 };
  const results = await withEmulatorChild((url) => runEach(CALLS, DELIVERIES, (calls) => scenario(url, { ...calls, ...timing }), line));
  return writeNodeRedReport('phone', started, results, markdown);
}

module.exports = { runPhoneBench };

runWhenMain(module, runPhoneBench);
