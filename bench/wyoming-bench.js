'use strict';
/**
 * The Wyoming scenario of `npm run bench` (run.js calls it; `node bench/wyoming-bench.js [--quick]` runs it alone):
 * the Wyoming server (src/wyoming) on the gradium-stt and gradium-tts defaults, the emulator in its own process,
 * 1 and 50 requests at once. Reports, against the targets:
 * - describe → info p99 while the requests run (target ≤ 20 ms with 50),
 * - what the Wyoming layer adds between audio-stop and transcript beyond the node's own flush and grace
 *   (target p99 ≤ 5 ms),
 * - Gradium's first audio → first audio-chunk out (target p99 ≤ 2 ms).
 * Writes bench/results/wyoming-latest.{md,json}. The clients run in the measuring process (one clock), so their
 * own work is included in every figure: the figures are upper bounds of the server's share.
 */
const os = require('node:os');
const { startChild } = require('./children');
const { fmt: f, machineInfo, writeLatest, withEmulatorChild, runWhenMain } = require('./bench-output');

const TARGETS = { describeP99Ms: 20, sttAddedP99Ms: 5, ttsAddedP99Ms: 2 };

async function runWyomingBench({ quick = false } = {}) {
  const started = new Date();
  const results = await withEmulatorChild(async (url) => {
    const child = startChild('wyoming-child.js', { cpu: 0 });
    child.send({ url, concurrency: [1, 50], sttRounds: quick ? 2 : 6, ttsRounds: quick ? 2 : 6 });
    const { result } = await child.next('result', 300000);
    await child.exited;
    return result;
  });
  for (const r of results) {
    console.log(
      `wyoming n=${String(r.n).padStart(2)}  describe→info p50/p99 ${f(r.describe.p50)}/${f(r.describe.p99)} ms (${r.describe.count}; server ${f(r.describeServer.p50)}/${f(r.describeServer.p99)})` +
        `  audio-stop→transcript added p50/p99 ${f(r.sttAdded.p50)}/${f(r.sttAdded.p99)} ms (node's own ${f(r.sttOwn.p50, 0)}/${f(r.sttOwn.p99, 0)} ms, ${r.sttAdded.count} requests)` +
        `  first audio→first chunk p50/p99 ${f(r.ttsAdded.p50)}/${f(r.ttsAdded.p99)} ms (${r.ttsAdded.count})`,
    );
  }
  const machine = machineInfo({ platform: `${os.type()} ${os.release()} ${os.arch()}` });
  const rows = results.map(
    (r) =>
      `| ${r.n} | ${f(r.describe.p50)} / ${f(r.describe.p99)} (${r.describe.count}) | ${f(r.describeServer.p50)} / ${f(r.describeServer.p99)} | ${f(r.sttAdded.p50)} / ${f(r.sttAdded.p99)} (${r.sttAdded.count}) | ${f(r.sttOwn.p50, 0)} / ${f(r.sttOwn.p99, 0)} | ${f(r.sttTotal.p50, 0)} / ${f(r.sttTotal.p99, 0)} | ${f(r.ttsAdded.p50)} / ${f(r.ttsAdded.p99)} (${r.ttsAdded.count}) |`,
  );
  const md = [
    `# Wyoming server (${started.toISOString()})`,
    '',
    `${machine.cpus} × ${machine.model}, Node ${machine.node}. Emulator in its own process; the server and its clients in one process (one clock).`,
    `Targets: describe → info p99 ≤ ${TARGETS.describeP99Ms} ms with 50 requests running; added audio-stop → transcript p99 ≤ ${TARGETS.sttAddedP99Ms} ms; first audio → first audio-chunk p99 ≤ ${TARGETS.ttsAddedP99Ms} ms.`,
    '',
    '| requests at once | describe → info at the client (connect included), p50 / p99 ms (probes) | describe in → info written (server), p50 / p99 ms | audio-stop in → transcript written, added by Wyoming, p50 / p99 ms (requests) | the node\'s own flush + grace, p50 / p99 ms | audio-stop → transcript in all, p50 / p99 ms | Gradium\'s first audio in → first audio-chunk written, p50 / p99 ms (requests) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  writeLatest('wyoming', { started, machine, targets: TARGETS, results }, md);
  return results;
}

module.exports = { runWyomingBench };

runWhenMain(module, runWyomingBench);
