/**
 * The README's cost figures, measured through the node: the hour of hour-room.ts (a 16 kHz always-on microphone,
 * ten spoken commands of one or two sentences at -24, -34 and -40 dBFS, six knocks or typing bursts) sent in
 * 40 ms chunks through a gradium-stt node with the editor's defaults in a real Node-RED, into the emulator. Prints
 * what the disconnected messages say was billed and kept back, what the emulator received, the credits, and any
 * command whose frames did not all reach the emulator (compared frame by frame).
 * The hour goes through faster than real time, so sessions do not idle out between commands as they would live;
 * what is sent depends only on the gate. Not part of `npm test` (about a minute per bed):
 * `npm run build:test && node .test-build/test/voice-gate/hour-room-node.js [bed ...]`.
 */
import { startEmulator } from '../../src/emulator';
import { prepareVoiceGate } from '../../src/voice-gate';
import { helper, KEY, SttHarness } from '../nodes/stt-harness';
import { until } from '../helpers/speech-audio';
import { CREDITS_PER_S, HOUR_S, hourAudio } from './hour-room';
import { matchSource, receivedFrames } from './received-audio';
import { BEDS, describeBed, type BedName } from './room';

const RATE = 16000;
const CHUNK = (RATE * 40) / 1000;
const FRAME_BYTES = (RATE * 80 * 2) / 1000;

async function runHour(bed: BedName): Promise<void> {
  const { x, placed } = hourAudio(bed, 2026);
  const pcm = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++) pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768))), i * 2);
  const emu = await startEmulator({ apiKeys: [KEY], recordAudio: true });
  const h = await SttHarness.start(emu.url, { encoding: 'pcm' });
  for (let c = 0; c < x.length / CHUNK; c++) {
    // A fresh Buffer per message, as an MQTT node delivers.
    h.send({ topic: 'mics/room/audio', payload: Buffer.from(pcm.subarray(c * CHUNK * 2, (c + 1) * CHUNK * 2)) });
    if (c % 25 === 24) await new Promise((r) => setImmediate(r));
  }
  h.send({ topic: 'mics/room/audio', action: 'stop' });
  await until('the stream ended', () => h.disconnected.some((d) => d.payload.reason === 'stop'), 60000);
  const sum = (f: 'sentSeconds' | 'gatedSeconds'): number => h.disconnected.reduce((n, d) => n + d.payload[f], 0);
  const sent = sum('sentSeconds');
  const received = emu.sessions.reduce((n, s) => n + s.audioBytes, 0) / (RATE * 2);
  const speech = placed.filter((p) => p.speech).reduce((n, p) => n + p.x.length, 0) / RATE;
  // Every command reached Gradium from its first frame: what the emulator heard, matched to the hour frame by frame.
  const frames = Array.from({ length: Math.ceil(pcm.length / FRAME_BYTES) }, (_, f) => pcm.subarray(f * FRAME_BYTES, (f + 1) * FRAME_BYTES));
  const { passed } = matchSource(frames, receivedFrames(emu.sessions));
  const clipped = placed
    .filter((p) => p.speech)
    .filter((p) => {
      for (let f = Math.floor(p.start / (FRAME_BYTES / 2)); f <= Math.floor((p.start + p.x.length - 1) / (FRAME_BYTES / 2)); f++) if (!passed[f]) return true;
      return false;
    })
    .map((p) => p.label);
  console.log(
    `| ${describeBed(bed)} | ${speech.toFixed(1)} s | ${sent.toFixed(1)} s (${((sent / HOUR_S) * 100).toFixed(2)} %) | ` +
      `${sum('gatedSeconds').toFixed(0)} s | ${received.toFixed(1)} s | ${Math.round(sent * CREDITS_PER_S)} | ${clipped.length === 0 ? 'none' : clipped.join(', ')} |`,
  );
  await helper.unload();
  await emu.close();
}

async function main(): Promise<void> {
  await prepareVoiceGate();
  const beds = process.argv.length > 2 ? (process.argv.slice(2) as BedName[]) : (Object.keys(BEDS) as BedName[]);
  console.log(`Always-on: ${HOUR_S} s sent = ${HOUR_S * CREDITS_PER_S} credits an hour.\n`);
  console.log('| noise bed | speech | sentSeconds | gatedSeconds | emulator received | credits | commands clipped |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const bed of beds) await runHour(bed);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
