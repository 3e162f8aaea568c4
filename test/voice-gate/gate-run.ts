/**
 * Runs a gate over a stream's frames and checks, push by push, that what it passes is the source itself: the
 * frames of a step are the source frames just before and up to the one pushed, byte for byte, each passed
 * once, in order.
 */
import * as assert from 'node:assert/strict';
import type { AudioFrame } from '../../src/audio/types';
import type { GateEvent, GateStep, VoiceGate } from '../../src/voice-gate';
import { frameOf, type Room } from './room';

export interface GateRun {
  /** Per source frame: handed out to be sent. */
  passed: boolean[];
  /** Per push: how many frames came out and the event, for comparing runs. */
  trace: string[];
  opens: { frame: number; preRollMs: number }[];
  closes: { frame: number; event: GateEvent }[];
}

export function newRun(): GateRun {
  return { passed: [], trace: [], opens: [], closes: [] };
}

/** Pushes source frame `i` and checks the step against the source. */
export function pushChecked(gate: VoiceGate, frames: readonly AudioFrame[], i: number, run: GateRun): GateStep {
  const step = gate.push(frames[i]!);
  const k = step.frames.length;
  for (let j = 0; j < k; j++) {
    const src = i - k + 1 + j;
    assert.ok(src >= 0, `push ${i}: ${k} frames out, more than were pushed`);
    assert.ok(!run.passed[src], `push ${i}: source frame ${src} passed twice`);
    assert.ok(step.frames[j]!.data.equals(frames[src]!.data), `push ${i}: frame ${j} of the step is not source frame ${src}`);
    assert.equal(step.frames[j]!.durationMs, frames[src]!.durationMs);
    run.passed[src] = true;
  }
  run.passed[i] ??= false;
  const ev = step.event;
  if (ev?.type === 'opened') run.opens.push({ frame: i, preRollMs: ev.preRollMs });
  if (ev?.type === 'closed') run.closes.push({ frame: i, event: ev });
  run.trace.push(`${k}${ev ? ev.type[0] : ''}`);
  return step;
}

export function runGate(gate: VoiceGate, frames: readonly AudioFrame[]): GateRun {
  const run = newRun();
  for (let i = 0; i < frames.length; i++) pushChecked(gate, frames, i, run);
  return run;
}

export interface RoomScore {
  /** Utterances with a frame, from the onset frame to the last, not passed. */
  clipped: string[];
  /** Frames passed before each onset (the pre-roll in front of the speech), smallest. */
  minLeadFrames: number;
  /** Frames from an onset to the push that opened the gate (0: the onset frame itself), largest. */
  maxLagFrames: number;
  /** Openings on a frame with no speech in the source (noise, events, a detector adapting). */
  falseOpens: number;
}

/** Compares a run with the room's ground truth. */
export function scoreRoom(room: Room, run: GateRun, truth: boolean[]): RoomScore {
  const clipped: string[] = [];
  let minLeadFrames = Infinity;
  let maxLagFrames = 0;
  for (const u of room.utterances) {
    const first = frameOf(room, u.start);
    const last = frameOf(room, u.end - 1);
    for (let f = first; f <= last; f++) {
      if (!run.passed[f]) {
        clipped.push(`${u.name} at ${u.levelDb} dBFS (${((u.start / room.rate) * 1000).toFixed(0)} ms): frame ${f} not sent`);
        break;
      }
    }
    let lead = 0;
    for (let f = first - 1; f >= 0 && run.passed[f]; f--) lead++;
    minLeadFrames = Math.min(minLeadFrames, lead);
    const opening = run.opens.filter((o) => o.frame <= last).at(-1);
    if (opening && opening.frame >= first) maxLagFrames = Math.max(maxLagFrames, opening.frame - first);
  }
  const falseOpens = run.opens.filter((o) => !truth[o.frame]).length;
  return { clipped, minLeadFrames, maxLagFrames, falseOpens };
}
