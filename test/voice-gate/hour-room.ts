/**
 * The README's cost figure, measured: an hour of an always-on 16 kHz microphone in a room where ten commands
 * are spoken (one or two sentences each, at -24, -34 and -40 dBFS) and six knocks or typing bursts happen,
 * through the default gate, on each noise bed. Prints what would be sent and what it would cost.
 * Not part of `npm test` (about a minute): `npm run build:test && node .test-build/test/voice-gate/hour-room.js`.
 */
import { prepareVoiceGate, VoiceGate } from '../../src/voice-gate';
import { dbToGain, noiseEvent, rmsOf, seededRandom, type EventKind } from './noise';
import { BEDS, describeBed, loadUtterance, noiseBed, UTTERANCE_NAMES, type BedName } from './room';

const RATE = 16000;
export const HOUR_S = 3600;
const FRAME = (RATE * 80) / 1000;
/** Gradium bills about 3 credits per second of audio it receives. */
export const CREDITS_PER_S = 3;

export interface Placed {
  start: number;
  x: Float32Array;
  speech: boolean;
  label: string;
}

export function layout(seed: number): Placed[] {
  const rand = seededRandom(seed);
  const placed: Placed[] = [];
  const levels = [-24, -34, -40];
  // Ten commands, one in each 6-minute stretch, somewhere inside it; events in between.
  for (let k = 0; k < 10; k++) {
    let at = Math.round((k * 360 + 20 + rand() * 300) * RATE);
    const sentences = rand() < 0.5 ? 1 : 2;
    for (let s = 0; s < sentences; s++) {
      const name = UTTERANCE_NAMES[Math.floor(rand() * UTTERANCE_NAMES.length)]!;
      const db = levels[(k + s) % levels.length]!;
      const u = loadUtterance(name);
      const g = dbToGain(db) / rmsOf(u);
      placed.push({ start: at, x: u.map((v) => v * g), speech: true, label: `${name} at ${db} dBFS` });
      at += u.length + Math.round((0.3 + 0.2 * rand()) * RATE);
    }
  }
  for (let e = 0; e < 6; e++) {
    const kind: EventKind = e % 2 === 0 ? 'typing' : 'knock';
    const start = Math.round((e * 600 + 340 + rand() * 20) * RATE);
    placed.push({ start, x: noiseEvent(kind, RATE, kind === 'typing' ? -30 : -20, seed + e), speech: false, label: kind });
  }
  return placed.sort((a, b) => a.start - b.start);
}

/** The hour's samples (floats, 230 MB: a bed cut into pieces would have seams the detector hears) and what is where. */
export function hourAudio(bed: BedName, seed: number): { x: Float32Array; placed: Placed[] } {
  const placed = layout(seed);
  const x = noiseBed(bed, HOUR_S * RATE, RATE, seed);
  for (const p of placed) for (let i = 0; i < p.x.length; i++) x[p.start + i]! += p.x[i]!;
  return { x, placed };
}

function runHour(bed: BedName, seed: number): void {
  const { x, placed } = hourAudio(bed, seed);
  const gate = new VoiceGate('pcm_16000');
  const passed = new Uint8Array((HOUR_S * 1000) / 80);
  const data = Buffer.alloc(FRAME * 2);
  for (let f = 0; f < passed.length; f++) {
    // One Buffer reused for every frame: the gate copies what it holds.
    for (let i = 0; i < FRAME; i++) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[f * FRAME + i]! * 32768))), i * 2);
    const step = gate.push({ data, durationMs: 80 });
    for (let j = 0; j < step.frames.length; j++) passed[f - step.frames.length + 1 + j] = 1;
  }
  gate.close();
  const c = gate.counters;
  const clipped = placed
    .filter((p) => p.speech)
    .filter((p) => {
      for (let f = Math.floor(p.start / FRAME); f <= Math.floor((p.start + p.x.length - 1) / FRAME); f++) if (!passed[f]) return true;
      return false;
    })
    .map((p) => p.label);
  const speechS = placed.filter((p) => p.speech).reduce((n, p) => n + p.x.length, 0) / RATE;
  const sentS = c.passedMs / 1000;
  console.log(
    `| ${bed} (${describeBed(bed)}) | ${speechS.toFixed(1)} s | ${sentS.toFixed(1)} s (${((sentS / HOUR_S) * 100).toFixed(2)} %) | ${c.opens} | ` +
      `${Math.round(sentS * CREDITS_PER_S)} | ${clipped.length === 0 ? 'none' : clipped.join(', ')} |`,
  );
}

async function main(): Promise<void> {
  await prepareVoiceGate();
  console.log(`An hour of a 16 kHz microphone, ten commands (1–2 sentences), six knocks/typing bursts; default gate.`);
  console.log(`Always-on: ${HOUR_S} s sent = ${HOUR_S * CREDITS_PER_S} credits.\n`);
  console.log('| noise bed | speech | sent | turns | credits | clipped |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const bed of Object.keys(BEDS) as BedName[]) runHour(bed, 2026);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
