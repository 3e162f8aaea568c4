'use strict';
/**
 * The audio path alone, in its own process on one core: AudioPipeline converting 48 kHz stereo float32
 * (20 ms chunks, as a browser or a sound card delivers them) to 16 kHz mono int16 in 80 ms frames.
 * For comparison also the 16 kHz mono s16le pass-through the stream benchmark uses.
 */
const { AudioPipeline, prepareAudio } = require('../dist/audio');
const { speechCycle, speechCycle48kStereoF32 } = require('./synthetic-audio');
const { cpuMs } = require('./stats');

function measure(label, format, targetRate, cycle, chunkBytes, inputRate, seconds) {
  const bytesPerFrame = format.channels * (format.sampleFormat === 'f32le' ? 4 : 2);
  const chunks = [];
  for (let at = 0; at + chunkBytes <= cycle.length; at += chunkBytes) chunks.push(cycle.subarray(at, at + chunkBytes));
  const samplesPerChunk = chunkBytes / bytesPerFrame;
  const pipeline = new AudioPipeline({ format, targetRate });
  // Warm up the JIT before timing.
  for (let i = 0; i < 2000; i++) pipeline.push(chunks[i % chunks.length]);
  let chunksDone = 0;
  let framesOut = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 500; i++) framesOut += pipeline.push(chunks[(chunksDone + i) % chunks.length]).length;
    chunksDone += 500;
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = (cpuMs() - cpu0) / 1000;
  pipeline.close();
  const samples = chunksDone * samplesPerChunk;
  const audioS = samples / inputRate;
  return {
    label,
    inputSamplesPerSecond: samples / cpuS,
    audioSeconds: audioS,
    cpuSeconds: cpuS,
    wallSeconds: wallS,
    realTimeFactor: audioS / cpuS,
    framesOut,
    expectedFrames: Math.floor(audioS / 0.08),
  };
}

async function main() {
  await prepareAudio();
  const results = [
    measure(
      '48 kHz stereo f32 → 16 kHz mono s16, 80 ms frames',
      { encoding: 'pcm', sampleRate: 48000, channels: 2, sampleFormat: 'f32le' },
      16000,
      speechCycle48kStereoF32(),
      (48000 * 20 * 2 * 4) / 1000,
      48000,
      4,
    ),
    measure(
      '16 kHz mono s16 → 80 ms frames (the stream benchmark\'s input)',
      { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' },
      16000,
      speechCycle(),
      (16000 * 20 * 2) / 1000,
      16000,
      2,
    ),
  ];
  process.send({ type: 'result', result: results });
}

process.once('message', () => {
  main().then(
    () => process.exit(0),
    (err) => {
      process.send({ type: 'error', message: err.stack || String(err) });
      process.exit(1);
    },
  );
});
// Orphaned (run.js died): stop rather than keep loading a core.
process.on('disconnect', () => process.exit(1));
