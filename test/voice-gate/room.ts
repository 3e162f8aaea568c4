/**
 * Realistic rooms for the voice-gate tests: espeak-ng utterances (committed WAVs, test/fixtures/voice-gate)
 * at several levels, in turns of one to five sentences, between long quiet stretches over a seeded noise
 * bed, with a few non-speech events in the gaps. Where the speech is, is known from the source: each
 * utterance's first and last sample, hence which 80 ms frames hold speech.
 *
 * A room is built at the rate it is tested at (the noise is generated at that rate, the utterances are
 * resampled to it), then cut into the frames the stream layer would send: s16le, μ-law or A-law.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linearToALaw, linearToMuLaw } from '../../src/audio/g711';
import { StreamResampler } from '../../src/audio/resampler';
import { parseWavHeader } from '../../src/audio/wav-header';
import type { AudioFrame } from '../../src/audio/types';
import { FRAME_MS } from '../../src/gradium/protocol';
import {
  brownNoise,
  dbToGain,
  fanNoise,
  mainsHum,
  noiseEvent,
  pinkNoise,
  rmsOf,
  seededRandom,
  whiteNoise,
  type EventKind,
} from './noise';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'voice-gate');
export const UTTERANCE_NAMES = [
  'switch-on-lights',
  'hey-what-time',
  'five-minutes',
  'stop-music',
  'weather-tomorrow',
  'play-jazz',
  'thank-you',
  'show-front-door',
  'open-garage',
  'four',
] as const;

/** Noise beds: the reference's "quiet" and "noisy" beds, plus rumble and a fan. */
export const BEDS = {
  quiet: 'white noise at -70 dBFS',
  noisy: 'pink noise at -45 dBFS + 50 Hz mains hum at -50 dBFS',
  rumble: 'brown noise at -40 dBFS',
  fan: 'fan (low-passed noise pulsing at 119 Hz, blade tone) at -45 dBFS',
} as const;
/** A fan as loud as the quietest talker (0 dB SNR for the -40 dBFS utterances): the detector's limit. */
export const LOUD_FAN = 'fan at -40 dBFS';
export type BedName = keyof typeof BEDS | 'loudFan';

export function describeBed(bed: BedName): string {
  return bed === 'loudFan' ? LOUD_FAN : BEDS[bed];
}

export function noiseBed(bed: BedName, n: number, rate: number, seed: number): Float32Array {
  switch (bed) {
    case 'loudFan':
      return fanNoise(n, rate, -40, seed);
    case 'quiet':
      return whiteNoise(n, -70, seed);
    case 'noisy': {
      const x = pinkNoise(n, -45, seed);
      const hum = mainsHum(n, rate, -50);
      for (let i = 0; i < n; i++) x[i]! += hum[i]!;
      return x;
    }
    case 'rumble':
      return brownNoise(n, -40, seed);
    case 'fan':
      return fanNoise(n, rate, -45, seed);
  }
}

const utteranceCache = new Map<string, Float32Array>();

/** One committed utterance at 16 kHz, as floats (full scale 1). */
export function loadUtterance(name: string): Float32Array {
  let x = utteranceCache.get(name);
  if (!x) {
    const wav = fs.readFileSync(path.join(FIXTURES, `${name}.wav`));
    const h = parseWavHeader(wav);
    if (!h.complete || h.format.sampleRate !== 16000 || h.format.channels !== 1) throw new Error(`${name}.wav: not 16 kHz mono`);
    const n = (h.dataBytes ?? wav.length - h.dataOffset) >> 1;
    x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = wav.readInt16LE(h.dataOffset + i * 2) / 32768;
    utteranceCache.set(name, x);
  }
  return x;
}

const resampledCache = new Map<string, Float32Array>();

/** An utterance at `rate`, converted with the project's resampler (await prepareAudio() first). */
function utteranceAt(name: string, rate: number): Float32Array {
  const x = loadUtterance(name);
  if (rate === 16000) return x;
  const key = `${name}@${rate}`;
  let out = resampledCache.get(key);
  if (!out) {
    const r = new StreamResampler(16000, rate);
    const ints = new Int16Array(x.length);
    for (let i = 0; i < x.length; i++) ints[i] = Math.round(x[i]! * 32767);
    const a = r.process(ints, 0, ints.length).slice();
    const b = r.drain();
    r.close();
    out = new Float32Array(a.length + b.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i]! / 32768;
    for (let i = 0; i < b.length; i++) out[a.length + i] = b[i]! / 32768;
    resampledCache.set(key, out);
  }
  return out;
}

export interface PlacedUtterance {
  name: string;
  levelDb: number;
  /** First and one-past-last sample at the room's rate. */
  start: number;
  end: number;
}

export interface PlacedEvent {
  kind: EventKind;
  start: number;
  end: number;
}

export interface Room {
  rate: number;
  bed: BedName;
  samples: Int16Array;
  utterances: PlacedUtterance[];
  events: PlacedEvent[];
  /** Share of the room's time inside an utterance. */
  speechShare: number;
}

export interface RoomSpec {
  rate: number;
  bed: BedName;
  seed: number;
  /** Levels (RMS over the utterance, dBFS) each utterance is used at. */
  levels?: number[];
  /** Target share of time with speech. */
  speechShare?: number;
  /** Utterances used (default: all ten). */
  names?: readonly string[];
  /** Non-speech events in the gaps between turns. */
  events?: boolean;
  /** Quiet audio before the first turn, ms (at least the gate's warm-up). */
  leadMs?: number;
}

/**
 * Builds a room: every utterance at every level, shuffled, in turns of 1–5 sentences (200–500 ms apart),
 * with gaps between turns sized so that speech fills `speechShare` of the time.
 */
export function buildRoom(spec: RoomSpec): Room {
  const { rate, bed, seed } = spec;
  const levels = spec.levels ?? [-24, -34, -40];
  const share = spec.speechShare ?? 0.2;
  const rand = seededRandom(seed);
  const ms = (v: number): number => Math.round((v * rate) / 1000);

  const items = (spec.names ?? UTTERANCE_NAMES).flatMap((name) => levels.map((levelDb) => ({ name, levelDb })));
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const sounds = items.map((it) => {
    const x = utteranceAt(it.name, rate);
    const g = dbToGain(it.levelDb) / rmsOf(x);
    return { ...it, x: x.map((v) => v * g) };
  });

  // Turns of 1–3 utterances.
  const turns: (typeof sounds)[] = [];
  for (let i = 0; i < sounds.length; ) {
    const r = rand();
    // Commands (one or two sentences) and short exchanges (three to five).
    const size = Math.min(sounds.length - i, r < 0.15 ? 1 : r < 0.4 ? 2 : r < 0.65 ? 3 : r < 0.85 ? 4 : 5);
    turns.push(sounds.slice(i, i + size));
    i += size;
  }
  const pauses = turns.map((t) => t.slice(1).map(() => ms(200 + 300 * rand())));
  const speech = sounds.reduce((n, s) => n + s.x.length, 0);
  const inTurns = speech + pauses.flat().reduce((a, b) => a + b, 0);
  const lead = ms(spec.leadMs ?? 3000);
  const tail = ms(3000);
  const total = Math.round(speech / share);
  const gapTotal = Math.max(0, total - inTurns - lead - tail);
  const weights = turns.slice(1).map(() => 0.6 + 0.8 * rand());
  const wsum = weights.reduce((a, b) => a + b, 0) || 1;
  const gaps = weights.map((w) => Math.max(ms(2500), Math.round((gapTotal * w) / wsum)));

  const n = lead + inTurns + gaps.reduce((a, b) => a + b, 0) + tail;
  const mix = noiseBed(bed, n, rate, seed + 1);
  const utterances: PlacedUtterance[] = [];
  const events: PlacedEvent[] = [];
  let at = lead;
  turns.forEach((turn, t) => {
    turn.forEach((s, k) => {
      for (let i = 0; i < s.x.length; i++) mix[at + i]! += s.x[i]!;
      utterances.push({ name: s.name, levelDb: s.levelDb, start: at, end: at + s.x.length });
      at += s.x.length + (k < turn.length - 1 ? pauses[t]![k]! : 0);
    });
    const gap = gaps[t];
    if (gap === undefined) return;
    if (spec.events && t % 3 === 1) {
      // In the middle of every third gap: typing or a knock, alternately.
      const kind: EventKind = events.length % 2 === 0 ? 'typing' : 'knock';
      const ev = noiseEvent(kind, rate, kind === 'typing' ? -30 : -20, seed + 100 + t);
      const start = at + Math.round((gap - ev.length) / 2);
      for (let i = 0; i < ev.length; i++) mix[start + i]! += ev[i]!;
      events.push({ kind, start, end: start + ev.length });
    }
    at += gap;
  });

  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i]! * 32768)));
  return { rate, bed, samples, utterances, events, speechShare: speech / n };
}

export type FrameEncoding = 's16le' | 'ulaw' | 'alaw';

/** Samples in one 80 ms frame at `rate`. */
export function frameSamples(rate: number): number {
  return (rate * FRAME_MS) / 1000;
}

/** The room as the stream layer's frames: 80 ms each (the last may be shorter), each its own Buffer. */
export function roomFrames(room: Room, encoding: FrameEncoding = 's16le'): AudioFrame[] {
  const per = frameSamples(room.rate);
  const frames: AudioFrame[] = [];
  for (let at = 0; at < room.samples.length; at += per) {
    const part = room.samples.subarray(at, Math.min(room.samples.length, at + per));
    let data: Buffer;
    if (encoding === 's16le') {
      data = Buffer.alloc(part.length * 2);
      for (let i = 0; i < part.length; i++) data.writeInt16LE(part[i]!, i * 2);
    } else {
      const encode = encoding === 'ulaw' ? linearToMuLaw : linearToALaw;
      data = Buffer.from(Array.from(part, encode));
    }
    frames.push({ data, durationMs: (part.length * 1000) / room.rate });
  }
  return frames;
}

/** Index of the frame holding sample `i`. */
export function frameOf(room: Room, sample: number): number {
  return Math.floor(sample / frameSamples(room.rate));
}

/** Ground truth: true for each frame that holds any sample of an utterance. */
export function speechTruth(room: Room): boolean[] {
  const truth = new Array<boolean>(Math.ceil(room.samples.length / frameSamples(room.rate))).fill(false);
  for (const u of room.utterances) for (let f = frameOf(room, u.start); f <= frameOf(room, u.end - 1); f++) truth[f] = true;
  return truth;
}

/** Input format name the stream layer would report for a room's frames. */
export function inputFormatOf(room: Room, encoding: FrameEncoding): string {
  if (encoding === 'ulaw') return 'ulaw_8000';
  if (encoding === 'alaw') return 'alaw_8000';
  return `pcm_${room.rate}`;
}
