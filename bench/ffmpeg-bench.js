'use strict';
/**
 * The ffmpeg scenario of `npm run bench` (run.js calls it; `node bench/ffmpeg-bench.js [--quick]` runs it alone):
 * what decoding through ffmpeg costs beside audio that arrives as PCM. The same speech (samples/hello.wav,
 * repeated) goes
 *   - as raw PCM through the node's audio path (payload → 80 ms frames): the floor;
 *   - as an MP3 voice note through an FfmpegDecoder (one ffmpeg fed by stdin, 4 KB chunks) into the same path,
 *     as fast as ffmpeg decodes: CPU per audio-second and decode speed (× real time);
 *   - as a source read in real time (`-re`, file:), the way a camera is read: CPU per audio-second.
 * CPU is the node process (process.cpuUsage) plus its ffmpeg children (cutime + cstime of /proc/self/stat,
 * counted once each child has exited and been waited for), so node and ffmpeg are measured together. The
 * Gradium side (socket, emulator) is the same for every row and is measured by the main tables.
 * Writes bench/results/ffmpeg-latest.{md,json}.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const dist = (p) => require(path.join(ROOT, 'dist', p));

const TICK_S = 1 / 100; // USER_HZ on Linux

/** CPU seconds of this process and of its waited-for children. */
function cpuNow() {
  const self = process.cpuUsage();
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  const children = (Number(f[13]) + Number(f[14])) * TICK_S;
  return { node: (self.user + self.system) / 1e6, ffmpeg: children };
}

function diff(a, b) {
  return { node: b.node - a.node, ffmpeg: b.ffmpeg - a.ffmpeg };
}

function makeAudio(dir, repeats) {
  const wav = path.join(ROOT, 'samples', 'hello.wav');
  const pcm = path.join(dir, 'speech.raw');
  const mp3 = path.join(dir, 'speech.mp3');
  const common = ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(repeats - 1), '-i', wav];
  execFileSync('ffmpeg', [...common, '-f', 's16le', '-ac', '1', '-ar', '16000', pcm]);
  execFileSync('ffmpeg', [...common, '-b:a', '64k', mp3]);
  return { pcm: fs.readFileSync(pcm), mp3, mp3Bytes: fs.readFileSync(mp3) };
}

function chunksOf(buf, size) {
  const out = [];
  for (let o = 0; o < buf.length; o += size) out.push(buf.subarray(o, o + size));
  return out;
}

function newPipeline() {
  const { AudioPipeline } = dist('audio');
  return new AudioPipeline({ format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' } });
}

/** Raw PCM in 80 ms chunks through the audio path. */
function runPcm(pcm, rounds) {
  const chunks = chunksOf(pcm, 2560);
  const before = cpuNow();
  const t0 = process.hrtime.bigint();
  let frames = 0;
  for (let r = 0; r < rounds; r++) {
    const p = newPipeline();
    for (const c of chunks) frames += p.push(c).length;
    frames += p.flush().length;
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: diff(before, cpuNow()), wallS, audioS: (rounds * pcm.length) / 32000, frames };
}

/** An MP3 voice note in 4 KB chunks through one ffmpeg (stdin) into the audio path, as fast as it decodes. */
async function runNote(mp3Bytes, rounds) {
  const { FfmpegDecoder } = dist('audio/ffmpeg/ffmpeg-decoder');
  const before = cpuNow();
  const t0 = process.hrtime.bigint();
  let pcmBytes = 0;
  for (let r = 0; r < rounds; r++) {
    const p = newPipeline();
    const decoder = new FfmpegDecoder({ ffmpegPath: 'ffmpeg', describe: 'MP3 audio' });
    decoder.on('pcm', (pcm) => {
      pcmBytes += pcm.length;
      p.push(pcm);
    });
    const exited = decoder.exited();
    for (const c of chunksOf(mp3Bytes, 4096)) if (!decoder.write(c)) await new Promise((resolve) => decoder.onDrain(resolve));
    decoder.end();
    const exit = await exited;
    if (exit.state !== 'done') throw new Error(`ffmpeg: ${exit.error?.message}`);
    p.flush();
  }
  // The last child is reaped just after 'close': let the counters settle.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: diff(before, cpuNow()), wallS, audioS: pcmBytes / 32000 };
}

/** A source read in real time (`-re`), as a camera is read. */
async function runSource(mp3, seconds) {
  const { UrlSource } = dist('sources/url-source');
  const { parseSourceUrl } = dist('sources/source-url');
  const url = parseSourceUrl(`file://${mp3}`, ['file']);
  const before = cpuNow();
  const t0 = process.hrtime.bigint();
  let pcmBytes = 0;
  const p = newPipeline();
  const source = new UrlSource({ url, ffmpegPath: 'ffmpeg' });
  source.on('pcm', (pcm) => {
    pcmBytes += pcm.length;
    p.push(pcm);
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  source.stop();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: diff(before, cpuNow()), wallS, audioS: pcmBytes / 32000 };
}

function perAudioS(r) {
  const total = r.cpu.node + r.cpu.ffmpeg;
  return { nodeMs: (1000 * r.cpu.node) / r.audioS, ffmpegMs: (1000 * r.cpu.ffmpeg) / r.audioS, totalMs: (1000 * total) / r.audioS };
}

async function runFfmpegBench({ quick = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-ffmpeg-bench-'));
  try {
    await dist('audio').prepareAudio();
    // 30 × 9.66 s ≈ 5 minutes of speech: the CPU clock of the children ticks in 10 ms.
    const audio = makeAudio(dir, quick ? 10 : 30);
    const noteRounds = quick ? 1 : 3;
    runPcm(audio.pcm, 1); // warm-up
    const pcm = runPcm(audio.pcm, noteRounds * 4);
    const note = await runNote(audio.mp3Bytes, noteRounds);
    const source = await runSource(audio.mp3, quick ? 5 : 20);
    const rows = [
      { label: 'PCM through the audio path (floor)', ...pcm, ...perAudioS(pcm), speed: pcm.audioS / pcm.wallS },
      { label: 'MP3 voice note, ffmpeg via stdin, 4 KB chunks', ...note, ...perAudioS(note), speed: note.audioS / note.wallS },
      { label: 'source read in real time (-re), file:', ...source, ...perAudioS(source), speed: source.audioS / source.wallS },
    ];
    const result = {
      started: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', node: process.version, ffmpeg: execFileSync('ffmpeg', ['-version']).toString().split('\n')[0] },
      rows,
      ratio: { noteOverPcm: rows[1].totalMs / rows[0].totalMs, sourceOverPcm: rows[2].totalMs / rows[0].totalMs },
    };
    const md = [
      `# ffmpeg decoding: CPU per audio-second (${result.started})`,
      '',
      `${result.machine.model}, ${result.machine.cpus} cores, Node ${result.machine.node}, ${result.machine.ffmpeg}.`,
      'CPU is the node process plus its ffmpeg children (each counted once it exited), per second of audio.',
      '',
      '| input | audio (s) | node CPU ms / audio-s | ffmpeg CPU ms / audio-s | total ms / audio-s | speed (× real time) |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.label} | ${r.audioS.toFixed(1)} | ${r.nodeMs.toFixed(3)} | ${r.ffmpegMs.toFixed(3)} | ${r.totalMs.toFixed(3)} | ${r.speed.toFixed(0)} |`),
      '',
      `An MP3 voice note costs ${result.ratio.noteOverPcm.toFixed(0)}× the CPU of the same audio as PCM; a source read in real time ${result.ratio.sourceOverPcm.toFixed(0)}×.`,
      '',
    ].join('\n');
    const out = path.join(__dirname, 'results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'ffmpeg-latest.json'), JSON.stringify(result, null, 2) + '\n');
    fs.writeFileSync(path.join(out, 'ffmpeg-latest.md'), md);
    for (const r of rows) console.log(`ffmpeg ${r.label}: ${r.totalMs.toFixed(3)} ms CPU per audio-second (node ${r.nodeMs.toFixed(3)}, ffmpeg ${r.ffmpegMs.toFixed(3)}), ${r.speed.toFixed(0)}x real time`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { runFfmpegBench };

if (require.main === module) {
  runFfmpegBench({ quick: process.argv.includes('--quick') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
