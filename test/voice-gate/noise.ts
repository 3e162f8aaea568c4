/**
 * Deterministic room noise for the voice-gate tests: seeded white, pink and brown noise, mains hum, a
 * fan-like bed, and short non-speech events (typing clicks, knocks). Float samples, full scale = 1.
 * Levels are RMS in dBFS (a full-scale square wave is 0 dBFS).
 */

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roughly Gaussian (sum of four uniforms), unit variance. */
function gaussian(rand: () => number): number {
  return (rand() + rand() + rand() + rand() - 2) * Math.sqrt(3);
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

export function rmsOf(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Scales `x` in place to an RMS of `db` dBFS. */
function setLevel(x: Float32Array, db: number): Float32Array {
  const g = dbToGain(db) / (rmsOf(x) || 1);
  for (let i = 0; i < x.length; i++) x[i]! *= g;
  return x;
}

export function whiteNoise(n: number, db: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = gaussian(rand);
  return setLevel(x, db);
}

/** 1/f noise (Paul Kellet's refined filter over white noise). */
export function pinkNoise(n: number, db: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const x = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < n; i++) {
    const w = gaussian(rand);
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return setLevel(x, db);
}

/** 1/f² noise: leaky integral of white noise (rumble, distant traffic). */
export function brownNoise(n: number, db: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const x = new Float32Array(n);
  let y = 0;
  for (let i = 0; i < n; i++) {
    y = 0.995 * y + gaussian(rand) * 0.1;
    x[i] = y;
  }
  return setLevel(x, db);
}

/** Mains hum: 50 Hz and its odd harmonics, falling off, as a transformer or a ground loop makes it. */
export function mainsHum(n: number, rate: number, db: number): Float32Array {
  const parts: [number, number][] = [
    [50, 1],
    [100, 0.3],
    [150, 0.5],
    [250, 0.2],
    [350, 0.1],
  ];
  // Every rate tested is a whole number of 50 Hz periods: compute one period and repeat it.
  const period = Number.isInteger(rate / 50) ? rate / 50 : n;
  const one = new Float32Array(Math.min(period, n));
  for (let i = 0; i < one.length; i++) {
    let v = 0;
    for (const [hz, a] of parts) v += a * Math.sin((2 * Math.PI * hz * i) / rate);
    one[i] = v;
  }
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = one[i % one.length]!;
  return setLevel(x, db);
}

/**
 * A fan: low-passed noise whose loudness pulses at the blade-pass rate (7 blades × 17 rev/s ≈ 119 Hz), plus
 * that tone and its second harmonic.
 */
export function fanNoise(n: number, rate: number, db: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const x = new Float32Array(n);
  const blade = 119;
  const a = Math.exp((-2 * Math.PI * 900) / rate); // one-pole low-pass at ~900 Hz
  let lp = 0;
  for (let i = 0; i < n; i++) {
    lp = a * lp + (1 - a) * gaussian(rand);
    const phase = (2 * Math.PI * blade * i) / rate;
    x[i] = lp * (1 + 0.35 * Math.sin(phase)) + 0.12 * Math.sin(phase) + 0.05 * Math.sin(2 * phase);
  }
  return setLevel(x, db);
}

export type EventKind = 'typing' | 'knock';

/**
 * A non-speech event, as peak-level samples: `typing` is a burst of 8 key clicks (5 ms decaying noise, every
 * 90–200 ms); `knock` is three knuckle raps (a decaying 180 Hz thump with a noisy attack, 250 ms apart).
 */
export function noiseEvent(kind: EventKind, rate: number, peakDb: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const peak = dbToGain(peakDb);
  if (kind === 'typing') {
    const hits: number[] = [];
    let t = 0;
    for (let k = 0; k < 8; k++) {
      hits.push(t);
      t += Math.round(rate * (0.09 + 0.11 * rand()));
    }
    const len = Math.round(rate * 0.005);
    const x = new Float32Array(t + len);
    for (const at of hits) {
      const g = peak * (0.6 + 0.4 * rand());
      for (let i = 0; i < len; i++) x[at + i] = g * (rand() * 2 - 1) * Math.exp((-6 * i) / len);
    }
    return x;
  }
  const gap = Math.round(rate * 0.25);
  const len = Math.round(rate * 0.12);
  const x = new Float32Array(2 * gap + len);
  for (let k = 0; k < 3; k++) {
    const g = peak * (0.7 + 0.3 * rand());
    for (let i = 0; i < len; i++) {
      const env = Math.exp((-40 * i) / rate);
      const attack = i < rate * 0.004 ? (rand() * 2 - 1) * 0.8 : 0;
      x[k * gap + i] = g * env * (Math.sin((2 * Math.PI * 180 * i) / rate) + attack);
    }
  }
  return x;
}
