/**
 * What Gradium (the emulator, with recordAudio) heard, compared with the source it came from, frame by frame:
 * every frame received must be a source frame, byte for byte, each once, in order; then which utterances
 * reached it whole, from their first frame, and how much of the room was sent.
 */
import * as assert from 'node:assert/strict';
import type { EmulatorSession } from '../../src/emulator';
import { dbToGain, rmsOf } from './noise';
import { frameOf, loadUtterance, noiseBed, type BedName, type Room } from './room';

/** The bytes each session received, in session order, one Buffer per audio message. */
export function receivedFrames(sessions: readonly EmulatorSession[]): Buffer[] {
  return [...sessions].sort((a, b) => a.id - b.id).flatMap((s) => s.receivedAudio);
}

export interface Delivery {
  /** Per source frame: it reached Gradium. */
  passed: boolean[];
  /** Share of the source's bytes that reached Gradium. */
  share: number;
}

/**
 * Maps each received frame onto the source's 80 ms frames. The node frames its input on the same 80 ms grid
 * from the stream's first sample, so a received frame is a whole source frame (the very last may be a part).
 */
export function matchSource(source: readonly Buffer[], received: readonly Buffer[]): Delivery {
  const passed = new Array<boolean>(source.length).fill(false);
  let at = 0;
  let bytes = 0;
  for (const [i, frame] of received.entries()) {
    while (at < source.length && !sameStart(source[at]!, frame)) at++;
    assert.ok(at < source.length, `received frame ${i} (${frame.length} bytes) is no source frame after the one before it`);
    passed[at] = true;
    bytes += frame.length;
    at++;
  }
  const total = source.reduce((n, f) => n + f.length, 0);
  return { passed, share: bytes / total };
}

/** `frame` is `src`, or its first part (a stream's last partial frame). */
function sameStart(src: Buffer, frame: Buffer): boolean {
  return frame.length <= src.length && frame.length > 0 && src.subarray(0, frame.length).equals(frame);
}

export interface FirstWords {
  /** Utterances with a frame, from the onset frame to the last, that did not reach Gradium. */
  clipped: string[];
  /** Frames sent right before the onset of the utterance with the shortest lead. */
  minLeadFrames: number;
}

export function firstWords(room: Room, passed: readonly boolean[]): FirstWords {
  const clipped: string[] = [];
  let minLeadFrames = Infinity;
  for (const u of room.utterances) {
    const first = frameOf(room, u.start);
    const last = frameOf(room, u.end - 1);
    for (let f = first; f <= last; f++) {
      if (!passed[f]) {
        clipped.push(`${u.name} at ${u.levelDb} dBFS (${Math.round((u.start / room.rate) * 1000)} ms): frame ${f} not sent`);
        break;
      }
    }
    let lead = 0;
    for (let f = first - 1; f >= 0 && passed[f]; f--) lead++;
    minLeadFrames = Math.min(minLeadFrames, lead);
  }
  return { clipped, minLeadFrames };
}

/** A room's samples as s16le chunks of `ms` (80 ms divides into them). */
export function pcmChunks(room: Room, ms: number): Buffer[] {
  const per = (room.rate * ms) / 1000;
  const out: Buffer[] = [];
  for (let at = 0; at < room.samples.length; at += per) {
    const part = room.samples.subarray(at, Math.min(room.samples.length, at + per));
    const b = Buffer.alloc(part.length * 2);
    for (let i = 0; i < part.length; i++) b.writeInt16LE(part[i]!, i * 2);
    out.push(b);
  }
  return out;
}

/** The room as the node's 80 ms frames (s16le), the grid received frames are matched on. */
export function sourceFrames(room: Room): Buffer[] {
  return pcmChunks(room, 80);
}

export interface Scene {
  /** What happens, in order: quiet for `ms`, or an utterance at `levelDb`. */
  parts: ({ quietMs: number } | { say: string; levelDb: number })[];
  bed: BedName;
  seed: number;
}

/** A short scene on a noise bed at 16 kHz: utterances between quiet stretches, with their places known. */
export function sceneRoom(scene: Scene): Room {
  const rate = 16000;
  const pieces = scene.parts.map((p) => {
    if ('quietMs' in p) return { n: Math.round((p.quietMs * rate) / 1000) };
    const x = loadUtterance(p.say);
    const g = dbToGain(p.levelDb) / rmsOf(x);
    return { n: x.length, x: x.map((v) => v * g), name: p.say, levelDb: p.levelDb };
  });
  const n = pieces.reduce((a, p) => a + p.n, 0);
  const mix = noiseBed(scene.bed, n, rate, scene.seed);
  const utterances: Room['utterances'] = [];
  let at = 0;
  let speech = 0;
  for (const p of pieces) {
    if ('x' in p && p.x) {
      for (let i = 0; i < p.n; i++) mix[at + i]! += p.x[i]!;
      utterances.push({ name: p.name!, levelDb: p.levelDb!, start: at, end: at + p.n });
      speech += p.n;
    }
    at += p.n;
  }
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i]! * 32768)));
  return { rate, bed: scene.bed, samples, utterances, events: [], speechShare: speech / n };
}

/** The 80 ms frames of `room` from sample `from` to sample `to` (exclusive), as indexes. */
export function framesBetween(room: Room, from: number, to: number): number[] {
  const out: number[] = [];
  for (let f = frameOf(room, from); f <= frameOf(room, to - 1); f++) out.push(f);
  return out;
}

