'use strict';
/** bench/results/<base>.{json,md,svg}: the table, the machine, and a hand-drawn chart of CPU per stream. */
const fs = require('node:fs');
const path = require('node:path');

const f = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));

function median(xs) {
  const v = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

/** One run per N and chunk size: where a scenario ran several rounds, the round with the median CPU. */
function representative(runs = []) {
  const groups = new Map();
  for (const r of runs) {
    const k = `${r.n}/${r.chunkMs}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  return [...groups.values()].map((g) => [...g].sort((a, b) => a.cpuMsPerAudioSecondPerStream - b.cpuMsPerAudioSecondPerStream)[(g.length - 1) >> 1]);
}

const cpu = (r) => r?.cpuMsPerAudioSecondPerStream ?? null;

/**
 * Own cost of each `own` scenario and of the floor node: CPU per audio second per stream minus the drop run's
 * in the same round (same N, chunk size, minutes apart at most); the ratio is taken per round, then the median.
 */
function ownCost(results, scenarios) {
  const rows = [];
  const drops = results.drop ?? [];
  const keys = [...new Set(drops.map((r) => `${r.n}/${r.chunkMs}`))];
  for (const k of keys) {
    const [n, chunkMs] = k.split('/').map(Number);
    const at = (kind) => (results[kind] ?? []).filter((r) => r.n === n && r.chunkMs === chunkMs);
    const roundsOf = (kind) => new Map(at(kind).map((r) => [r.round ?? 0, r]));
    const drop = roundsOf('drop');
    const floor = roundsOf('floornode');
    const floorOwn = [...floor].map(([i, r]) => (drop.has(i) ? cpu(r) - cpu(drop.get(i)) : null));
    for (const sc of scenarios.filter((x) => x.own)) {
      const mine = roundsOf(sc.kind);
      if (mine.size === 0) continue;
      const own = [];
      const ratios = [];
      for (const [i, r] of mine) {
        if (!drop.has(i)) continue;
        const o = cpu(r) - cpu(drop.get(i));
        own.push(o);
        if (floor.has(i)) ratios.push(o / (cpu(floor.get(i)) - cpu(drop.get(i))));
      }
      const rep = representative(at(sc.kind))[0];
      rows.push({
        kind: sc.kind, label: sc.label, n, chunkMs, rounds: mine.size,
        dropCpu: median([...drop.values()].map(cpu)),
        floorNodeCpu: median([...floor.values()].map(cpu)),
        cpu: median([...mine.values()].map(cpu)),
        floorNodeOwn: median(floorOwn),
        own: median(own),
        ratio: median(ratios),
        ratios,
        textLatency: rep?.textLatency ?? null,
        keptUp: [...mine.values(), ...floor.values(), ...drop.values()].every((r) => r.keptUp),
      });
    }
  }
  return rows.sort((a, b) => a.n - b.n || a.chunkMs - b.chunkMs);
}

function ownTable(rows) {
  const out = [
    '| streams | chunk | scenario | drop CPU | floor node CPU | scenario CPU | floor node own | scenario own | own ÷ floor node own (per round) | text → msg p99 (ms) | real time |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.n} | ${r.chunkMs} ms | ${r.label} | ${f(r.dropCpu, 3)} | ${f(r.floorNodeCpu, 3)} | ${f(r.cpu, 3)} | ${f(r.floorNodeOwn, 3)} | ${f(r.own, 3)} ` +
        `| **${f(r.ratio, 2)}×**${r.ratios.length > 1 ? ` (${r.ratios.map((x) => f(x, 2)).join(', ')})` : ''} | ${f(r.textLatency?.p99, 2)} | ${r.keptUp ? 'yes' : '**no**'} |`,
    );
  }
  return out.join('\n');
}

function floorNodeTable(results) {
  const rows = [
    '| streams | chunk | round | floor node CPU ms / audio s / stream | drop CPU | msg in → wire p50 / p99 (ms) | RSS / stream (KB) | frames received / sent | pacing lag p99 / max (ms) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of [...(results.floornode ?? [])].sort((a, b) => a.n - b.n || a.chunkMs - b.chunkMs || a.round - b.round)) {
    const drop = (results.drop ?? []).find((d) => d.n === r.n && d.chunkMs === r.chunkMs && d.round === r.round);
    rows.push(
      `| ${r.n} | ${r.chunkMs} ms | ${(r.round ?? 0) + 1} | ${f(cpu(r), 3)} | ${f(cpu(drop), 3)} | ${f(r.wireLatency.p50, 3)} / ${f(r.wireLatency.p99, 3)} | ${f(r.rssPerStreamKB, 0)} ` +
        `| ${r.emulator.audioMessages} / ${r.framesSent}${r.emulator.audioMessages === r.framesSent ? '' : ' ✗'} | ${f(r.lag.p99, 1)} / ${f(r.lag.max, 1)} |`,
    );
  }
  return rows.join('\n');
}

function table(results) {
  const rows = [
    '| streams | chunk | node CPU ms / audio s / stream | floor CPU ms / audio s / stream | ratio | msg in → wire p50 / p99 (ms) | server text → msg out p50 / p99 (ms) | RSS / stream (KB) | emulator frames received / sent | pacing lag p99 / max (ms) | node core use | streams per free core (projected) | CPU pressure | real time |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|',
  ];
  for (const r of representative(results.node).sort((a, b) => a.n - b.n || a.chunkMs - b.chunkMs)) {
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
  const runs = representative(results.node).filter((r) => r.chunkMs === chunkMs && r.cpuMsPerAudioSecondPerStream);
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
  const pts = representative(runs).filter((r) => r.n >= 100).map((r) => [r.n, r.rssAfterGc / 1024]);
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const sxx = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? null : pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / sxx;
}

/** run.js --compare: the node at a git ref against the current build, paired round by round. */
function compareTable(results, ref) {
  const out = [
    `| streams | chunk | CPU at ${ref} | CPU now | change (median of rounds) | per round (before → now) | text → msg p99 before / now (ms) |`,
    '|---:|---:|---:|---:|---:|---|---:|',
  ];
  const keys = [...new Set(results.before.map((r) => `${r.n}/${r.chunkMs}`))];
  for (const k of keys) {
    const [n, chunkMs] = k.split('/').map(Number);
    const at = (kind) => (results[kind] ?? []).filter((r) => r.n === n && r.chunkMs === chunkMs);
    const now = new Map(at('node').map((r) => [r.round, r]));
    const pairs = at('before').filter((b) => now.has(b.round)).map((b) => [b, now.get(b.round)]);
    if (pairs.length === 0) continue;
    const change = median(pairs.map(([b, a]) => cpu(a) - cpu(b)));
    const before = median(pairs.map(([b]) => cpu(b)));
    const p99 = (kind) => median(at(kind).map((r) => r.textLatency?.p99));
    out.push(
      `| ${n} | ${chunkMs} ms | ${f(before, 3)} | ${f(median(pairs.map(([, a]) => cpu(a))), 3)} | ${f(change, 3)} (${f((100 * change) / before, 0)} %) ` +
        `| ${pairs.map(([b, a]) => `${f(cpu(b), 3)} → ${f(cpu(a), 3)}`).join(', ')} | ${f(p99('before'), 2)} / ${f(p99('node'), 2)} |`,
    );
  }
  return out.join('\n');
}

const DEFAULT_SCENARIOS = [{ kind: 'node', label: 'gradium-stt', own: true }];

function markdown(run) {
  const { results, machine } = run;
  const m = machine;
  const own = ownCost(results, run.scenarios ?? DEFAULT_SCENARIOS);
  const lines = [
    '# Benchmark: gradium-stt against the floor node and the floor client',
    '',
    `Run ${run.started.toISOString()} (${f(run.durationS, 0)} s) by \`npm run bench\`.`,
    `Machine: ${m.cpus} × ${m.model}, ${f(m.memGB, 1)} GB, ${m.platform}; Node ${m.node}, Node-RED ${m.nodeRed}, ws ${m.ws}.`,
    m.pinned
      ? 'The Node-RED process and the floor client each ran alone on core 0 (`taskset`), the emulator on core 1.'
      : 'Processes were not pinned to cores (the machine is shared; see `--pin`). Node-RED\'s JavaScript runs on one thread, so its CPU per wall second is the share of one core it needs.',
    '',
  ];
  if (results.before?.length) {
    const now = m.compare?.to ? `the node built at \`${m.compare.to}\` (${m.compare.toSha?.slice(0, 10)})` : 'the current build';
    lines.push('## Before and after', '', `The node built at \`${m.compare?.ref}\` (${m.compare?.sha?.slice(0, 10)}) and ${now}, interleaved round by round (odd rounds in reverse order); CPU ms per second of audio per stream.`, '', compareTable(results, m.compare?.ref), '');
  }
  if (own.length) {
    lines.push(
      '## Own cost against the floor node',
      '',
      'The same N real-time streams, injected the same way into the same embedded Node-RED, go into three flows in turn: the',
      'gradium-stt node; the *floor node* (`bench/nodes/bench-floor.js`: one socket per topic, a setup, then every input chunk',
      'forwarded at once as a base64 `audio` message, nothing parsed); and a node that drops every message (*drop*: what the',
      'injection and Node-RED\'s dispatch cost on their own). A node\'s *own* cost is its run\'s CPU minus the drop run\'s, in',
      `ms per second of audio per stream; the ratio is taken in each of ${run.rounds ?? 1} interleaved round(s) (drop, floor node, node,`,
      'minutes apart) and the median is shown, with each round\'s ratio in brackets. The floor node forwards every chunk (four',
      'messages per 80 ms with 20 ms chunks); gradium-stt sends one per 80 ms frame.',
      '',
      ownTable(own),
      '',
    );
  }
  lines.push(
    '## Streams',
    '',
    'N concurrent real-time 16 kHz mono s16le streams of speech-shaped audio (1.6 s voiced, 1.2 s pause), each its own',
    'Gradium session on the emulator, injected with `node.receive()` from one shared timer into a gradium-stt node in an',
    run.burst
      ? 'embedded Node-RED, every stream\'s chunk in the same timer tick (`--burst`). CPU is the whole Node-RED process (all threads)'
      : 'embedded Node-RED, the streams spread evenly over the chunk period in 5 ms slots as independent microphones are. CPU is the whole Node-RED process (all threads)',
    'over the measurement window, divided by the',
    'seconds of audio sent per stream and by N. The floor client sends the same audio pre-framed as base64 `audio` messages every',
    '80 ms with `ws` alone and does not parse what the server sends; its figure is the same for both chunk sizes.',
    `"Real time" means the pacing loop was less than ${run.maxLagMs} ms late at the 99th percentile (the maximum is shown: the machine is`,
    'shared, and one preemption is not a stream falling behind), every frame sent reached the emulator, nothing was dropped and no',
    'session reconnected. Streams join one by one over the first 60% of a warm-up, which is not measured.',
    '"Streams per free core" is 1000 ms divided by the CPU ms one stream needs per second of audio at that N: what one idle',
    'core would carry at that cost per stream. "CPU pressure" is the share of the window in which some task on the machine waited for a',
    'CPU (Linux PSI): other work on this shared machine, where high, inflates lag and latency figures.',
    (run.rounds ?? 1) > 1 ? `Where a scenario ran ${run.rounds} rounds, the round with the median CPU is shown.` : '',
    '',
    table(results),
    '',
  );
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
  if (results.floornode?.length) lines.push('', '### Floor node', '', floorNodeTable(results));
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
  const ns = [...new Set([...results.node, ...results.floor, ...(results.floornode ?? [])].map((r) => r.n))].sort((a, b) => a - b);
  const series = [
    { label: 'node, 20 ms chunks', color: '#c0392b', pts: representative(results.node).filter((r) => r.chunkMs === 20) },
    { label: 'node, 80 ms chunks', color: '#2471a3', pts: representative(results.node).filter((r) => r.chunkMs === 80) },
    { label: 'floor node, 20 ms', color: '#e59866', pts: representative(results.floornode).filter((r) => r.chunkMs === 20), dash: '3 3' },
    { label: 'floor node, 80 ms', color: '#7fb3d5', pts: representative(results.floornode).filter((r) => r.chunkMs === 80), dash: '3 3' },
    { label: 'floor (ws alone)', color: '#7f8c8d', pts: results.floor, dash: '6 4' },
  ].filter((x) => x.pts.length > 0);
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
  out.push(`<text x="${W - right + 15}" y="${top + 14 + series.length * 20}" fill="#555">open dot: fell behind</text>`);
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

module.exports = { writeReport, largestRealTime, ownCost, representative };

// `node bench/report.js bench/results/latest.json`: redraw the markdown and the chart from saved figures.
if (require.main === module) {
  const file = process.argv[2];
  const run = JSON.parse(fs.readFileSync(file, 'utf8'));
  run.started = new Date(run.started);
  writeReport(path.dirname(file), path.basename(file, '.json'), run);
}
