/**
 * The soak run: speech-like audio streamed about 20x faster than real time through a gradium-stt node in a real
 * Node-RED runtime, against the emulator with a 5 s session cap (a rotation every few seconds) and an abrupt
 * close every tenth session (a reconnect). It accounts for every sample and word:
 *
 * - what the node reports: summed over the disconnected messages, sentSeconds (audio Gradium received, each
 *   second once) + gatedSeconds (kept back by the voice gate) + mutedSeconds (kept back by mute) + what the gate
 *   still holds at the end equals the audio pushed, within the millisecond rounding of the figures. The held
 *   part is the gate's pre-roll: the run ends in a pause, and after `stop` the key lives on, so the pre-roll
 *   (at most gatePreRoll, in whole 80 ms frames) is neither sent nor yet kept back; no disconnected message
 *   carries it. With `sendAudio: "always"` nothing is held;
 * - what the emulator received (replays after a reconnect included) is at least what the node says it sent;
 * - the words the emulator sent are the words in the finals, none dropped or doubled; no audio is dropped;
 *   no session runs past the cap; held memory does not keep growing.
 *
 * `npm run soak` (soak.ts) runs it for 30 min of audio both ways: `sendAudio: "speech"` (the voice gate, as
 * users run it) and `"always"`. test/reliability/soak.test.ts runs a short one both ways in `npm test`.
 */
import type { NodeMessage } from 'node-red';
import { startEmulator } from '../../src/emulator';
import type { DisconnectedPayload, Transcript } from '../../src/streams/events';
import { speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, helper, unloadFlow } from './flow-run';
import { heldMB, settledMemory, type MemoryReading } from './memory';
import { GATE_SPEC } from '../../src/voice-gate/gate-settings';
import { ClientFrameTap } from '../helpers/client-frame-tap';

const KEY = 'gsk_soak_key_3e7a';
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

export interface SoakOptions {
  minutes: number;
  sendAudio: 'speech' | 'always';
  /** Progress lines; default none. */
  log?: (line: string) => void;
}

export interface SoakResult {
  minutes: number;
  sendAudio: 'speech' | 'always';
  wallSeconds: number;
  sessions: number;
  reasons: Record<string, number>;
  reconnects: number;
  pushedSeconds: number;
  /** Summed over the disconnected messages. */
  sentSeconds: number;
  gatedSeconds: number;
  mutedSeconds: number;
  /** pushed - (sent + gated + muted): what the gate's pre-roll still holds at the end. */
  heldAtEndSeconds: number;
  /** The most the gate may hold: the default pre-roll in whole 80 ms frames (0 with sendAudio "always"). */
  maxHeldSeconds: number;
  /** Samples the emulator received, replays after a reconnect included. */
  receivedSamples: number;
  /** Words the emulator wrote; a reset socket may lose some of them before the node reads them. */
  wordsSent: number;
  /** Words that reached the node (read off its client sockets): what the finals must hold, once each. */
  wordsIn: number;
  wordsOut: number;
  droppedMs: number;
  sessionsOverCap: number;
  /** Held memory (heap + external) from the first reading after warm-up to the last. */
  growthMB: number;
  disconnectedReports: number;
  /** Empty when the run passed. */
  failures: string[];
}

const RATE = 16000;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const MINUTES = options.minutes;
  const log = options.log ?? ((): void => undefined);
  const emu = await startEmulator({ apiKeys: [KEY], faults: { sessionCapSeconds: CAP_S }, recordMessages: false });
  // The abrupt closes below reset the socket: words the emulator wrote just before may never reach the node
  // (test/helpers/client-frame-tap.ts), and their audio, never acknowledged, is replayed to the next session.
  const tap = new ClientFrameTap(emu.url);
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
    props: { idleTimeout: 0, bufferSeconds: 30, sendAudio: options.sendAudio },
    testing: { sessionCapSeconds: CAP_S, backoff: { initialMs: 50, maxMs: 500, maxAttempts: 0 } },
    record: false,
  });
  // The helper's spies would keep every message (see FlowRun.stopRecordingCalls); count instead.
  run.stopRecordingCalls();
  let finalWords = 0;
  const reasons: Record<string, number> = {};
  let reconnects = 0;
  let dropped = 0;
  const kept = { sent: 0, gated: 0, muted: 0, reports: 0 };
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
    kept.sent += d.sentSeconds;
    kept.gated += d.gatedSeconds;
    kept.muted += d.mutedSeconds;
    kept.reports += 1;
  });

  const totalChunks = Math.round((MINUTES * 60 * 1000) / 80);
  const readings: { audioMin: number; m: MemoryReading }[] = [];
  const report = (audioMin: number): void => {
    const m = settledMemory();
    readings.push({ audioMin, m });
    log(
      `audio ${audioMin.toFixed(1).padStart(5)} min  heap ${m.heapUsedMB.toFixed(1)} MB  external ${m.externalMB.toFixed(1)} MB  rss ${m.rssMB.toFixed(1)} MB  sessions ${tally.sessions + emu.sessions.length}  reconnects ${reconnects}`,
    );
  };
  // Every 5 min of audio, or three readings in a shorter run.
  const reportEvery = Math.round((Math.min(5, MINUTES / 3) * 60 * 1000) / 80);
  const started = Date.now();
  report(0);
  for (let i = 0; i < totalChunks; i++) {
    const o = (i % CHUNKS_PER_LOOP) * CHUNK_BYTES;
    run.send({ topic: 'soak', payload: Buffer.from(LOOP.subarray(o, o + CHUNK_BYTES)) });
    if (i % CHUNKS_PER_TICK === CHUNKS_PER_TICK - 1) await new Promise((r) => setTimeout(r, 20));
    if ((i + 1) % reportEvery === 0) report(((i + 1) * 80) / 60000);
  }
  run.send({ topic: 'soak', action: 'stop' });
  await until('stream stopped', () => (reasons.stop ?? 0) >= 1, 60000);
  // The stop closes the last session; the emulator tallies it when its socket closes.
  await until('last session closed', () => emu.sessions.length === 0, 60000);

  const pushedSamples = totalChunks * (CHUNK_BYTES / 2);
  await unloadFlow();
  await emu.close();
  tap.stop();

  const first = readings[1] ?? readings[0]!;
  const last = readings[readings.length - 1]!;
  const growth = heldMB(last.m) - heldMB(first.m);
  const r3 = (n: number): number => Math.round(n * 1000) / 1000;
  const result: SoakResult = {
    minutes: MINUTES,
    sendAudio: options.sendAudio,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    sessions: tally.sessions,
    reasons,
    reconnects,
    pushedSeconds: pushedSamples / RATE,
    sentSeconds: r3(kept.sent),
    gatedSeconds: r3(kept.gated),
    mutedSeconds: r3(kept.muted),
    heldAtEndSeconds: r3(pushedSamples / RATE - kept.sent - kept.gated - kept.muted),
    maxHeldSeconds: options.sendAudio === 'always' ? 0 : (Math.ceil(GATE_SPEC.gatePreRoll.default / 80) * 80) / 1000,
    receivedSamples: tally.samples,
    wordsSent: tally.words,
    wordsIn: tap.sockets.reduce((n, log) => n + log.words.length, 0),
    wordsOut: finalWords,
    droppedMs: dropped,
    sessionsOverCap: tally.overCap,
    growthMB: Math.round(growth * 10) / 10,
    disconnectedReports: kept.reports,
    failures: [],
  };
  result.failures = soakFailures(result);
  return result;
}

/** Each figure of a report is rounded to the millisecond: the sum may drift by that much per figure and report. */
export function accountingTolerance(r: SoakResult): number {
  return 0.0015 * r.disconnectedReports + 0.001;
}

function soakFailures(r: SoakResult): string[] {
  const failures: string[] = [];
  const tolerance = accountingTolerance(r);
  if (r.heldAtEndSeconds < -tolerance || r.heldAtEndSeconds > r.maxHeldSeconds + tolerance) {
    failures.push(
      `pushed ${r.pushedSeconds} s - sent ${r.sentSeconds} s - gated ${r.gatedSeconds} s - muted ${r.mutedSeconds} s = ` +
        `${r.heldAtEndSeconds} s unaccounted (at most ${r.maxHeldSeconds} s may stay in the gate's pre-roll)`,
    );
  }
  const sentSamples = Math.round(r.sentSeconds * RATE);
  if (r.receivedSamples + RATE * accountingTolerance(r) < sentSamples) {
    failures.push(`the emulator received ${r.receivedSamples} samples, the node reports ${sentSamples} sent (${sentSamples - r.receivedSamples} lost)`);
  }
  if (r.growthMB > MAX_GROWTH_MB) failures.push(`memory grew by ${r.growthMB} MB`);
  if (r.wordsOut !== r.wordsIn) failures.push(`words in ${r.wordsIn} != words out ${r.wordsOut}`);
  if (r.wordsIn > r.wordsSent) failures.push(`the node read ${r.wordsIn} words, the emulator wrote ${r.wordsSent}`);
  if (r.droppedMs > 0) failures.push(`${r.droppedMs} ms of audio dropped`);
  if (r.sessionsOverCap > 0) failures.push(`${r.sessionsOverCap} sessions ran past the cap`);
  return failures;
}

function r3s(n: number): string {
  return (Math.round(n * 1000) / 1000).toString();
}

/** The figures of one run, as the soak prints them. */
export function describeSoak(r: SoakResult): string[] {
  return [
    `sendAudio "${r.sendAudio}": ${r.minutes} min of audio in ${r.wallSeconds} s wall time`,
    `sessions ${r.sessions}, disconnect reasons ${JSON.stringify(r.reasons)}, reconnects ${r.reconnects}`,
    `pushed ${r.pushedSeconds} s = sent ${r.sentSeconds} s + gated ${r.gatedSeconds} s + muted ${r.mutedSeconds} s ` +
      `+ held in the gate's pre-roll at the end ${r.heldAtEndSeconds} s (at most ${r.maxHeldSeconds} s; ${r.disconnectedReports} reports)`,
    `the emulator received ${r.receivedSamples} samples (${r3s(r.receivedSamples / RATE)} s, replays included)`,
    `words sent by the emulator ${r.wordsSent}, read by the node ${r.wordsIn}, in finals ${r.wordsOut}; dropped audio ${r.droppedMs} ms; sessions over the cap ${r.sessionsOverCap}`,
    `held memory (heap + external) growth: ${r.growthMB >= 0 ? '+' : ''}${r.growthMB} MB`,
    r.failures.length > 0 ? `FAILED: ${r.failures.join('; ')}` : 'ok',
  ];
}
