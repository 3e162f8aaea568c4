'use strict';
/** bench/results/<base>.{json,md,svg}: the table, the machine, and a hand-drawn chart of CPU per stream. */
const fs = require('node:fs');
const path = require('node:path');

const f = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));

function table(results) {
  const rows = [
    '| streams | chunk | node CPU ms / audio s / stream | floor CPU ms / audio s / stream | ratio | msg in → wire p50 / p99 (ms) | server text → msg out p50 / p99 (ms) | RSS / stream (KB) | emulator frames received / sent | pacing lag p99 / max (ms) | node core use | streams per free core (projected) | CPU pressure | real time |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const r of [...results.node].sort((a, b) => a.n - b.n || a.chunkMs - b.chunkMs)) {
    const floor = results.floor.find((x) => x.n === r.n);
    const ratio = floor ? r.cpuMsPerAudioSecondPerStream / floor.cpuMsPerAudioSecondPerStream : null;
    const frames = `${r.emulator.audioMessages} / ${r.framesSent}${r.emulator.audioMessages === r.framesSent ? '' : ' ✗'}`;
    rows.push(
      `| ${r.n} | ${r.chunkMs} ms | ${f(r.cpuMsPerAudioSecondPerStream, 3)} | ${floor ? f(floor.cpuMsPerAudioSecondPerStream, 3) : '–'} | ${ratio === null ? '–' : f(ratio, 2) + '×'} ` +
        `| ${f(r.wireLatency.p50, 3)} / ${f(r.wireLatency.p99, 3)} | ${f(r.textLatency.p50, 3)} / ${f(r.textLatency.p99, 3)} | ${f(r.rssPerStreamKB, 0)} ` +
        `| ${frames} | ${f(r.lag.p99, 1)} / ${f(r.lag.max, 1)} | ${f(r.coreUtilisation * 100, 0)} % | ${r.cpuMsPerAudioSecondPerStream ? f(1000 / r.cpuMsPerAudioSecondPerStream, 0) : '–'} | ${r.cpuPressure === null || r.cpuPressure === undefined ? '–' : f(r.cpuPressure * 100, 0) + ' %'} | ${r.keptUp ? 'yes' : '**no**'} |`,
    );
  }
  return rows.join('\n');
}

function floorTable(results) {
  const rows = [
    '| streams | floor CPU ms / audio s / stream | floor core use | emulator core use | RSS / stream (KB) | frames received / sent | lag max (ms) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results.floor) {
    rows.push(
      `| ${r.n} | ${f(r.cpuMsPerAudioSecondPerStream, 3)} | ${f(r.coreUtilisation * 100, 0)} % | ${f((r.emulatorCoreUtilisation ?? 0) * 100, 0)} % | ${f(r.rssPerStreamKB, 0)} | ${r.emulator.audioMessages} / ${r.framesSent} | ${f(r.lag.max, 1)} |`,
    );
  }
  return rows.join('\n');
}

function projected(results, chunkMs) {
  const runs = results.node.filter((r) => r.chunkMs === chunkMs && r.cpuMsPerAudioSecondPerStream);
  if (runs.length === 0) return null;
  const big = runs.reduce((a, b) => (b.n > a.n ? b : a));
  return 1000 / big.cpuMsPerAudioSecondPerStream;
}

function largestRealTime(results, chunkMs) {
  const ok = results.node.filter((r) => r.chunkMs === chunkMs && r.keptUp).map((r) => r.n);
  const bad = results.node.filter((r) => r.chunkMs === chunkMs && !r.keptUp).map((r) => r.n);
  const best = ok.length ? Math.max(...ok) : 0;
  const firstBad = bad.filter((n) => n > best);
  return { best, fellBehindAt: firstBad.length ? Math.min(...firstBad) : null };
}

/** RSS after GC against N, least-squares slope over the runs with N >= 100, in KB per stream. */
function marginalRssKB(runs) {
  const pts = runs.filter((r) => r.n >= 100).map((r) => [r.n, r.rssAfterGc / 1024]);
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const sxx = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? null : pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / sxx;
}

function markdown(run) {
  const { results, machine } = run;
  const m = machine;
  const lines = [
    '# Benchmark: gradium-stt against the floor client',
    '',
    `Run ${run.started.toISOString()} (${f(run.durationS, 0)} s) by \`npm run bench\`.`,
    `Machine: ${m.cpus} × ${m.model}, ${f(m.memGB, 1)} GB, ${m.platform}; Node ${m.node}, Node-RED ${m.nodeRed}, ws ${m.ws}.`,
    m.pinned
      ? 'The Node-RED process and the floor client each ran alone on core 0 (`taskset`), the emulator on core 1.'
      : 'Processes were not pinned to cores (the machine is shared; see `--pin`). Node-RED\'s JavaScript runs on one thread, so its CPU per wall second is the share of one core it needs.',
    '',
    '## Streams',
    '',
    'N concurrent real-time 16 kHz mono s16le streams of speech-shaped audio (1.6 s voiced, 1.2 s pause), each its own',
    'Gradium session on the emulator, injected with `node.receive()` from one shared timer into a gradium-stt node in an',
    'embedded Node-RED. CPU is the whole Node-RED process (all threads) over the measurement window, divided by the',
    'seconds of audio sent per stream and by N. The floor sends the same audio pre-framed as base64 `audio` messages every',
    '80 ms with `ws` alone and does not parse what the server sends; its figure is the same for both chunk sizes.',
    `"Real time" means the pacing loop was less than ${run.maxLagMs} ms late at the 99th percentile (the maximum is shown: the machine is`,
    'shared, and one preemption is not a stream falling behind), every frame sent reached the emulator, nothing was dropped and no',
    'session reconnected. Streams join one by one over the first 60% of a warm-up, which is not measured.',
    '"Streams per free core" is 1000 ms divided by the CPU ms one stream needs per second of audio at that N: what one idle',
    'core would carry at that cost per stream. "CPU pressure" is the share of the window in which some task on the machine waited for a',
    'CPU (Linux PSI): other work on this shared machine, where high, inflates lag and latency figures.',
    '',
    table(results),
    '',
  ];
  for (const chunkMs of [20, 80]) {
    const { best, fellBehindAt } = largestRealTime(results, chunkMs);
    lines.push(
      `Largest N kept in real time on one core, ${chunkMs} ms chunks: **${best}**` +
        (fellBehindAt ? ` (fell behind at ${fellBehindAt}).` : results.node.some((r) => r.chunkMs === chunkMs) ? ' (every N measured).' : '.') +
        ` Projected from the CPU per stream at the largest N measured: **${f(projected(results, chunkMs), 0)}** streams on one free core.`,
    );
  }
  const slopes = [20, 80]
    .map((chunkMs) => ({ chunkMs, kb: marginalRssKB(results.node.filter((r) => r.chunkMs === chunkMs && r.rssAfterGc)) }))
    .filter((x) => x.kb !== null);
  if (slopes.length) {
    lines.push(
      '',
      'RSS per stream in the table is the growth after a full GC divided by N, so at small N it is mostly the process warming up',
      '(JIT code, young generation), and it can be negative. The cost of one more stream is the slope between the largest runs: ' +
        slopes.map((x) => `**${f(x.kb, 0)} KB** per stream (${x.chunkMs} ms chunks)`).join(', ') + '.',
    );
  }
  lines.push('', '### Floor client', '', floorTable(results), '');
  if (results.audio) {
    lines.push('## Audio path alone', '', '| path | input samples / s (one core) | × real time |', '|---|---:|---:|');
    for (const a of results.audio) lines.push(`| ${a.label} | ${f(a.inputSamplesPerSecond / 1e6, 2)} M | ${f(a.realTimeFactor, 0)}× |`);
    lines.push('');
  }
  lines.push('![CPU per stream](latest.svg)', '');
  return lines.join('\n');
}

function svg(results) {
  const W = 640;
  const H = 380;
  const left = 70;
  const right = 170;
  const top = 40;
  const bottom = 50;
  const ns = [...new Set([...results.node, ...results.floor].map((r) => r.n))].sort((a, b) => a - b);
  const series = [
    { label: 'node, 20 ms chunks', color: '#c0392b', pts: results.node.filter((r) => r.chunkMs === 20) },
    { label: 'node, 80 ms chunks', color: '#2471a3', pts: results.node.filter((r) => r.chunkMs === 80) },
    { label: 'floor (ws alone)', color: '#7f8c8d', pts: results.floor, dash: '6 4' },
  ];
  const ymax = Math.max(0.5, ...series.flatMap((s) => s.pts.map((p) => p.cpuMsPerAudioSecondPerStream))) * 1.1;
  const x = (n) => left + (ns.length <= 1 ? 0 : (Math.log10(n) - Math.log10(ns[0])) / (Math.log10(ns[ns.length - 1]) - Math.log10(ns[0]))) * (W - left - right);
  const y = (v) => top + (1 - v / ymax) * (H - top - bottom);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2 - right / 2 + left / 2}" y="22" text-anchor="middle" font-size="14">CPU ms per second of audio per stream (lower is better)</text>`,
  ];
  const step = niceStep(ymax);
  for (let v = 0; v <= ymax + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(3)}</text>`);
  }
  for (const n of ns) {
    out.push(`<line x1="${x(n).toFixed(1)}" x2="${x(n).toFixed(1)}" y1="${top}" y2="${H - bottom}" stroke="#f4f4f4"/>`);
    out.push(`<text x="${x(n).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#333"/>`);
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="#333"/>`);
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 12}" text-anchor="middle">concurrent streams (log scale)</text>`);
  series.forEach((s, i) => {
    const pts = [...s.pts].sort((a, b) => a.n - b.n);
    if (pts.length > 0) {
      const d = pts.map((p, j) => `${j ? 'L' : 'M'}${x(p.n).toFixed(1)},${y(p.cpuMsPerAudioSecondPerStream).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
      for (const p of pts) {
        const fill = p.keptUp === false ? '#fff' : s.color;
        out.push(`<circle cx="${x(p.n).toFixed(1)}" cy="${y(p.cpuMsPerAudioSecondPerStream).toFixed(1)}" r="4" fill="${fill}" stroke="${s.color}" stroke-width="2"/>`);
      }
    }
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${W - right + 15}" x2="${W - right + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<text x="${W - right + 46}" y="${ly + 4}">${s.label}</text>`);
  });
  out.push(`<text x="${W - right + 15}" y="${top + 84}" fill="#555">open dot: fell behind</text>`);
  out.push('</svg>', '');
  return out.join('\n');
}

function niceStep(max) {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
}

function writeReport(dir, base, run) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${base}.json`), JSON.stringify({ ...run, started: run.started.toISOString() }, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, `${base}.md`), markdown(run).replace('latest.svg', `${base}.svg`));
  fs.writeFileSync(path.join(dir, `${base}.svg`), svg(run.results));
}

module.exports = { writeReport, largestRealTime };

// `node bench/report.js bench/results/latest.json`: redraw the markdown and the chart from saved figures.
if (require.main === module) {
  const file = process.argv[2];
  const run = JSON.parse(fs.readFileSync(file, 'utf8'));
  run.started = new Date(run.started);
  writeReport(path.dirname(file), path.basename(file, '.json'), run);
}
