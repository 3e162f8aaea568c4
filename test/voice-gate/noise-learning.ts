/**
 * How long a fresh voice gate takes to learn a steady noise (the README's limits): 20 seeds of one minute of
 * each noise bed, no speech, through the default gate; prints its openings per minute and when the last one
 * came. Not part of `npm test`: `npm run build:test && node .test-build/test/voice-gate/noise-learning.js`.
 */
import { prepareVoiceGate, VoiceGate } from '../../src/voice-gate';
import { describeBed, noiseBed, type BedName } from './room';

const RATE = 16000;
const FRAME = 1280;
const SEEDS = 20;
const SECONDS = 60;

async function main(): Promise<void> {
  await prepareVoiceGate();
  console.log('| bed | openings in the first minute (mean) | last opening, median | 9 of 10 by | latest |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const bed of ['noisy', 'fan', 'rumble', 'loudFan', 'quiet'] as BedName[]) {
    const lasts: number[] = [];
    let opens = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const x = noiseBed(bed, SECONDS * RATE, RATE, seed * 13);
      const gate = new VoiceGate('pcm_16000');
      const data = Buffer.alloc(FRAME * 2);
      let last = 0;
      for (let f = 0; f < (SECONDS * 1000) / 80; f++) {
        for (let i = 0; i < FRAME; i++) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[f * FRAME + i]! * 32768))), i * 2);
        if (gate.push({ data, durationMs: 80 }).event?.type === 'opened') {
          opens++;
          last = ((f + 1) * 80) / 1000;
        }
      }
      gate.close();
      lasts.push(last);
    }
    lasts.sort((a, b) => a - b);
    const at = (q: number): string => `${lasts[Math.min(SEEDS - 1, Math.ceil(q * SEEDS) - 1)]!.toFixed(1)} s`;
    console.log(`| ${describeBed(bed)} | ${(opens / SEEDS).toFixed(1)} | ${at(0.5)} | ${at(0.9)} | ${at(1)} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
