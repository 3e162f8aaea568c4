/**
 * Soak run (`npm run soak`, not part of `npm test`): 30 minutes of speech-like audio streamed about 20x
 * faster than real time through a gradium-stt node in a real Node-RED runtime, against the emulator with a
 * 5 s session cap (a rotation every few seconds) and an abrupt close every tenth session (a reconnect).
 * Prints heap/external/RSS every 5 minutes of audio; fails when memory keeps growing, a word is lost or
 * doubled, or audio is dropped. Options: SOAK_MINUTES (default 30).
 */
import type { NodeMessage } from 'node-red';
import { startEmulator } from '../../src/emulator';
import type { DisconnectedPayload, Transcript } from '../../src/streams/events';
import { speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, helper, unloadFlow } from './flow-run';
import { heldMB, settledMemory, type MemoryReading } from './memory';

const KEY = 'gsk_soak_key_3e7a';
const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const CAP_S = 5;
const CHUNK_BYTES = 2560; // 80 ms at 16 kHz s16le
/** 20 s of speech and pauses of varied length, repeated. */
const LOOP = speechPcm([
  { speechMs: 900, silenceMs: 800 },
  { speechMs: 2200, silenceMs: 900 },
  { speechMs: 600, silenceMs: 1500 },
  { speechMs: 3100, silenceMs: 1000 },
  { speechMs: 1400, silenceMs: 700 },
  { speechMs: 4000, silenceMs: 2900 },
]);
const CHUNKS_PER_LOOP = LOOP.length / CHUNK_BYTES;
if (!Number.isInteger(CHUNKS_PER_LOOP)) throw new Error('the loop must be a whole number of 80 ms chunks');
/** Per 20 ms tick, 5 chunks (400 ms of audio): 20x real time. */
const CHUNKS_PER_TICK = 5;
/** Held memory may not grow more than this from the first reading (after warm-up) to the last. */
const MAX_GROWTH_MB = 10;

interface Listenable {
  on(e: 'input', cb: (m: NodeMessage) => void): void;
}

async function main(): Promise<void> {
  const emu = await startEmulator({ apiKeys: [KEY], faults: { sessionCapSeconds: CAP_S }, recordMessages: false });
  // Every tenth session dies abruptly after 30 frames (2.4 s): the stream must reconnect and replay.
  let accepted = 0;
  emu.on('session', () => {
    accepted += 1;
    emu.setFaults({ sessionCapSeconds: CAP_S, ...((accepted + 1) % 10 === 0 ? { closeAfterFrames: 30 } : {}) });
  });
  // The emulator keeps every session it ever accepted (socket, decoder state, words): tally and forget the
  // ended ones, so that what the readings show is the node's memory, not the emulator's history.
  const tally = { sessions: 0, samples: 0, words: 0, overCap: 0 };
  emu.on('session-end', (s) => {
    tally.sessions += 1;
    tally.samples += s.samplesReceived;
    tally.words += s.wordsSent.length;
    if (s.samplesReceived / 16000 > CAP_S) tally.overCap += 1;
    const i = emu.sessions.indexOf(s);
    if (i >= 0) (emu.sessions as unknown[]).splice(i, 1);
  });

  const run = await FlowRun.start({
    url: emu.url,
    apiKey: KEY,
    props: { idleTimeout: 0, bufferSeconds: 30 },
    testing: { sessionCapSeconds: CAP_S, backoff: { initialMs: 50, maxMs: 500, maxAttempts: 0 } },
    record: false,
  });
  // The helper's spies would keep every message (see FlowRun.stopRecordingCalls); count instead.
  run.stopRecordingCalls();
  let finalWords = 0;
  const reasons: Record<string, number> = {};
  let reconnects = 0;
  let dropped = 0;
  (helper.getNode('o3') as unknown as Listenable).on('input', (m) => {
    const t = (m as unknown as { transcript: Transcript }).transcript;
    if (!t.final) return;
    finalWords += t.words.length;
  });
  (helper.getNode('o2') as unknown as Listenable).on('input', (m) => {
    const d = (m as unknown as { payload: DisconnectedPayload }).payload;
    reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
    if (d.willReconnect) reconnects += 1;
    dropped = Math.max(dropped, d.droppedAudioMs);
  });

  const totalChunks = Math.round((MINUTES * 60 * 1000) / 80);
  const readings: { audioMin: number; m: MemoryReading }[] = [];
  const report = (audioMin: number): void => {
    const m = settledMemory();
    readings.push({ audioMin, m });
    console.log(
      `audio ${audioMin.toFixed(0).padStart(3)} min  heap ${m.heapUsedMB.toFixed(1)} MB  external ${m.externalMB.toFixed(1)} MB  rss ${m.rssMB.toFixed(1)} MB  sessions ${tally.sessions + emu.sessions.length}  reconnects ${reconnects}`,
    );
  };
  const started = Date.now();
  report(0);
  for (let i = 0; i < totalChunks; i++) {
    const o = (i % CHUNKS_PER_LOOP) * CHUNK_BYTES;
    run.send({ topic: 'soak', payload: Buffer.from(LOOP.subarray(o, o + CHUNK_BYTES)) });
    if (i % CHUNKS_PER_TICK === CHUNKS_PER_TICK - 1) await new Promise((r) => setTimeout(r, 20));
    if ((i + 1) % Math.round((5 * 60 * 1000) / 80) === 0) report(((i + 1) * 80) / 60000);
  }
  run.send({ topic: 'soak', action: 'stop' });
  await until('stream stopped', () => (reasons.stop ?? 0) >= 1, 60000);
  await new Promise((r) => setTimeout(r, 500));

  const pushedSamples = totalChunks * (CHUNK_BYTES / 2);
  await unloadFlow();
  await emu.close();
  const received = tally.samples;
  const wordsIn = tally.words;
  const capErrors = tally.overCap;

  const first = readings[1] ?? readings[0]!;
  const last = readings[readings.length - 1]!;
  const growth = heldMB(last.m) - heldMB(first.m);
  console.log(`\n${MINUTES} min of audio in ${((Date.now() - started) / 1000).toFixed(0)} s wall time`);
  console.log(`sessions ${tally.sessions}, disconnect reasons ${JSON.stringify(reasons)}, reconnects ${reconnects}`);
  console.log(`samples pushed ${pushedSamples}, received by the emulator ${received} (diff ${received - pushedSamples}, ${((received - pushedSamples) / 16).toFixed(0)} ms)`);
  console.log(`words sent by the emulator ${wordsIn}, words in finals ${finalWords}; dropped audio ${dropped} ms; sessions over the cap ${capErrors}`);
  console.log(`held memory (heap + external) from ${first.audioMin} min to ${last.audioMin} min: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`);

  const failures: string[] = [];
  if (growth > MAX_GROWTH_MB) failures.push(`memory grew by ${growth.toFixed(1)} MB`);
  if (finalWords !== wordsIn) failures.push(`words in ${wordsIn} != words out ${finalWords}`);
  if (received < pushedSamples) failures.push(`${pushedSamples - received} samples lost`);
  if (dropped > 0) failures.push(`${dropped} ms of audio dropped`);
  if (capErrors > 0) failures.push(`${capErrors} sessions ran past the cap`);
  if (failures.length > 0) {
    console.error(`SOAK FAILED: ${failures.join('; ')}`);
    process.exitCode = 1;
  } else {
    console.log('soak ok');
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
