'use strict';
/**
 * A room for the voice-gate scenario of the benchmark, 16 kHz mono s16le, as one loop every stream plays from
 * its own place: the ten espeak-ng sentences of test/fixtures/voice-gate at -24, -34 and -40 dBFS, spread so
 * that someone speaks 20 % of the time, over a pink-noise bed at -45 dBFS (a quiet flat with a fridge). Not a
 * tone: the gate's cost depends on how often it is open, and its detector on what speech looks like.
 * The loop is a whole number of 80 ms frames, so 20 and 80 ms chunks never wrap inside a chunk.
 */
const fs = require('node:fs');
const path = require('node:path');

const RATE = 16000;
const FRAME_SAMPLES = 1280;
const FIXTURES = path.resolve(__dirname, '..', 'test', 'fixtures', 'voice-gate');
const NAMES = ['switch-on-lights', 'hey-what-time', 'five-minutes', 'stop-music', 'weather-tomorrow', 'play-jazz', 'thank-you', 'show-front-door', 'open-garage', 'four'];
const LEVELS_DB = [-24, -34, -40];
const SPEECH_SHARE = 0.2;
const BED_DB = -45;

/** The samples of a 16 kHz mono 16-bit WAV, as floats (the data chunk found by walking the chunks). */
function readWav(file) {
  const wav = fs.readFileSync(file);
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'data') {
      const n = Math.floor(Math.min(size, wav.length - at - 8) / 2);
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = wav.readInt16LE(at + 8 + i * 2) / 32768;
      return x;
    }
    at += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

function rms(x) {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / Math.max(1, x.length));
}

/** Seeded pink noise (Paul Kellet's filter over uniform white noise) at `db` dBFS RMS. */
function pinkNoise(n, db, seed) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const x = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < n; i++) {
    const w = rand();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  const g = 10 ** (db / 20) / (rms(x) || 1);
  for (let i = 0; i < n; i++) x[i] *= g;
  return x;
}

/** The loop: `{ pcm, samples, speechShare }`. */
function roomLoop() {
  const sounds = [];
  LEVELS_DB.forEach((db, l) => {
    NAMES.forEach((name, k) => {
      const x = readWav(path.join(FIXTURES, `${name}.wav`));
      const g = 10 ** (db / 20) / rms(x);
      // Levels interleaved, so loud and far talkers alternate.
      sounds.push({ order: k * LEVELS_DB.length + l, x: x.map((v) => v * g) });
    });
  });
  sounds.sort((p, q) => p.order - q.order);
  const speech = sounds.reduce((n, s) => n + s.x.length, 0);
  const total = Math.ceil(speech / SPEECH_SHARE / FRAME_SAMPLES) * FRAME_SAMPLES;
  const gap = Math.floor((total - speech) / sounds.length);
  const mix = pinkNoise(total, BED_DB, 7);
  let at = Math.floor(gap / 2);
  for (const s of sounds) {
    for (let i = 0; i < s.x.length; i++) mix[at + i] += s.x[i];
    at += s.x.length + gap;
  }
  const pcm = Buffer.alloc(total * 2);
  for (let i = 0; i < total; i++) pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(mix[i] * 32768))), i * 2);
  return { pcm, samples: total, speechShare: speech / total };
}

module.exports = { RATE, FRAME_SAMPLES, roomLoop };
