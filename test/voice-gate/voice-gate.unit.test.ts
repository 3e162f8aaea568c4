/**
 * The gate's rules, exactly: pre-roll and hang-over lengths, the warm-up hold, copies not references,
 * counters, reset and close, refused options. What the detector says about each frame is read from a second
 * detector fed the same frames (WebRTC VAD is deterministic per stream), so the expectations follow from
 * its decisions rather than from guesses about the audio.
 */
import * as assert from 'node:assert/strict';
import type { AudioFrame } from '../../src/audio/types';
import { liveVadHandles, prepareVoiceGate, VoiceGate, WARMUP_MS, type VoiceGateOptions } from '../../src/voice-gate';
import { checkGateable } from '../../src/voice-gate/gateable-format';
import { SpeechDetector } from '../../src/voice-gate/speech-detector';
import { newRun, pushChecked, runGate } from './gate-run';
import { dbToGain, rmsOf, whiteNoise } from './noise';
import { loadUtterance, noiseBed, roomFrames, type BedName } from './room';

const RATE = 16000;
const WARMUP_FRAMES = WARMUP_MS / 80;

interface Placed {
  name: string;
  atMs: number;
  db?: number;
}

/** A 16 kHz stream: a quiet bed (white noise at -70 dBFS) of `totalMs`, utterances laid on it. */
function stream(totalMs: number, parts: Placed[], bed: BedName = 'quiet', seed = 3): AudioFrame[] {
  const n = (totalMs * RATE) / 1000;
  const x = bed === 'quiet' ? whiteNoise(n, -70, seed) : noiseBed(bed, n, RATE, seed);
  for (const p of parts) {
    const u = loadUtterance(p.name);
    const g = dbToGain(p.db ?? -24) / rmsOf(u);
    const at = (p.atMs * RATE) / 1000;
    for (let i = 0; i < u.length && at + i < n; i++) x[at + i]! += u[i]! * g;
  }
  const samples = Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  return roomFrames({ rate: RATE, bed, samples, utterances: [], events: [], speechShare: 0 });
}

/** What a fresh detector of the same mode says about each frame. */
function decisions(frames: readonly AudioFrame[], mode = 2): boolean[] {
  const check = checkGateable('pcm_16000');
  assert.ok(check.gateable);
  const d = new SpeechDetector(check.input, mode as 0 | 1 | 2 | 3);
  const out = frames.map((f) => d.isSpeech(f.data));
  d.close();
  return out;
}

function opts(o: Partial<VoiceGateOptions>): VoiceGateOptions {
  return { aggressiveness: 2, preRollMs: 500, hangoverMs: 800, ...o };
}

describe('voice gate rules', () => {
  before(prepareVoiceGate);

  // 4 s of quiet (more than the longest pre-roll tested), a loud sentence, then 12 s of quiet (more than
  // the longest hang-over tested): 219 frames of 80 ms.
  let frames: AudioFrame[];
  let said: boolean[];
  before(() => {
    frames = stream(4000 + 1520 + 12000, [{ name: 'switch-on-lights', atMs: 4000 }]);
    said = decisions(frames);
  });

  /** First frame after the warm-up the detector calls speech. */
  function onset(): number {
    const i = said.findIndex((s, k) => s && k >= WARMUP_FRAMES);
    assert.ok(i >= 50, `the detector hears the sentence, not the quiet before it (first speech frame ${i})`);
    return i;
  }

  for (const preRollMs of [0, 80, 81, 500, 3000]) {
    it(`pre-roll ${preRollMs} ms: opens on the first speech frame with exactly ceil(${preRollMs}/80) frames before it`, () => {
      const gate = new VoiceGate('pcm_16000', opts({ preRollMs }));
      const run = runGate(gate, frames);
      gate.close();
      const o = onset();
      const ring = Math.ceil(preRollMs / 80);
      assert.equal(run.opens[0]?.frame, o);
      assert.equal(run.opens[0]?.preRollMs, ring * 80);
      assert.equal(run.trace[o], `${ring + 1}o`, 'the ring, then the speech frame');
      for (let i = 0; i < o - ring; i++) assert.equal(run.passed[i], false, `frame ${i} (before the pre-roll) is not sent`);
      for (let i = o - ring; i <= o; i++) assert.equal(run.passed[i], true, `frame ${i} is sent`);
    });
  }

  for (const hangoverMs of [100, 800, 10000]) {
    it(`hang-over ${hangoverMs} ms: closes after exactly ceil(${hangoverMs}/80) frames without speech`, () => {
      const h = Math.ceil(hangoverMs / 80);
      const gate = new VoiceGate('pcm_16000', opts({ hangoverMs }));
      const run = runGate(gate, frames);
      gate.close();
      // The first run of h frames the detector calls silent, after the opening.
      let silent = 0;
      let closeAt = -1;
      for (let i = onset(); i < said.length; i++) {
        silent = said[i] ? 0 : silent + 1;
        if (silent === h) {
          closeAt = i;
          break;
        }
      }
      assert.ok(closeAt > 0, 'the stream is long enough to close');
      assert.deepEqual(
        run.closes.map((c) => [c.frame, c.event.type === 'closed' && c.event.reason]),
        [[closeAt, 'silence']],
      );
      assert.equal(run.trace[closeAt], '1c', 'the last hang-over frame is sent with the event');
      for (let i = onset(); i <= closeAt; i++) assert.equal(run.passed[i], true, `frame ${i} is sent`);
      for (let i = closeAt + 1; i < frames.length; i++) assert.equal(run.passed[i], false, `frame ${i} after the turn is not sent`);
      assert.equal(said.slice(closeAt + 1).includes(true), false, 'no later speech in the source');
    });
  }

  it('walks warming → closed → open → hangover → closed, and lastSpeechAtMs follows the speech', () => {
    const gate = new VoiceGate('pcm_16000');
    const seen: string[] = [];
    for (const f of frames) {
      gate.push(f);
      if (seen.at(-1) !== gate.state) seen.push(gate.state);
    }
    const last = said.lastIndexOf(true);
    assert.deepEqual(seen.slice(0, 3), ['warming', 'closed', 'open']);
    assert.equal(seen.at(-1), 'closed');
    assert.ok(seen.includes('hangover'));
    assert.equal(gate.lastSpeechAtMs, (last + 1) * 80);
    assert.ok(last > onset() && last < onset() + 25, 'the last speech is the end of the sentence');
    assert.equal(gate.streamMs, frames.length * 80);
    gate.close();
    assert.equal(gate.state, 'released');
  });

  it('warm-up: speech from the first frame is held for the warm-up, then sent whole from its first frame', () => {
    const s = stream(4000, [{ name: 'weather-tomorrow', atMs: 0 }]);
    const d = decisions(s);
    assert.equal(d[0], true, 'the detector calls the first frame speech');
    const gate = new VoiceGate('pcm_16000');
    const run = runGate(gate, s);
    gate.close();
    for (let i = 0; i < WARMUP_FRAMES; i++) assert.equal(run.trace[i], '0', `nothing out during the warm-up (push ${i})`);
    const o = d.findIndex((x, k) => x && k >= WARMUP_FRAMES);
    assert.equal(run.opens[0]?.frame, o);
    assert.equal(run.passed[0], true, 'the first frame reaches the output in the pre-roll');
  });

  it('warm-up: a fresh detector firing on a noise bed\'s first frame does not open the gate', () => {
    // The noisy bed (pink -45 dBFS + hum) makes nearly every fresh detector fire on frame 0 (see warm-up.test).
    const s = stream(1200, [], 'noisy', 21);
    const d = decisions(s);
    assert.equal(d[0], true, 'the detector fired on frame 0');
    const gate = new VoiceGate('pcm_16000');
    const run = runGate(gate, s);
    gate.close();
    assert.equal(run.trace[0], '0');
    const firstLater = d.findIndex((x, k) => x && k >= WARMUP_FRAMES);
    assert.equal(run.opens[0]?.frame ?? -1, firstLater, 'only a decision after the hold can open it');
  });

  it('keeps copies: upstream Buffers overwritten after the push do not change the pre-roll', () => {
    const copies = frames.map((f) => ({ data: Buffer.from(f.data), durationMs: f.durationMs }));
    const gate = new VoiceGate('pcm_16000');
    const o = onset();
    for (let i = 0; i < o; i++) {
      gate.push(copies[i]!);
      copies[i]!.data.fill(0x55); // the upstream node reuses its buffer
    }
    const step = gate.push(copies[o]!);
    assert.equal(step.frames.length, 8);
    step.frames.slice(0, 7).forEach((f, j) => {
      assert.ok(f.data.equals(frames[o - 7 + j]!.data), `pre-roll frame ${j} holds the original bytes`);
      assert.notEqual(f.data.buffer, copies[o - 7 + j]!.data.buffer);
    });
    assert.equal(step.frames[7], copies[o], 'the live frame is passed as it came');
    gate.close();
  });

  it('counts every millisecond: pushed = passed + kept back + held, after each push and at close', () => {
    const gate = new VoiceGate('pcm_16000', opts({ hangoverMs: 400 }));
    for (const f of frames) {
      gate.push(f);
      const c = gate.counters;
      assert.equal(c.pushedMs, c.passedMs + c.keptBackMs + c.heldMs);
    }
    const c = gate.counters;
    assert.equal(c.opens, 1);
    assert.equal(c.passedFrames, c.passedMs / 80);
    assert.equal(c.heldMs, 560);
    gate.close();
    assert.equal(gate.counters.heldMs, 0);
    assert.equal(gate.counters.keptBackMs, c.keptBackMs + 560, 'the ring counts as kept back at close');
  });

  it('durations come from the bytes: a short last frame is timed exactly', () => {
    const gate = new VoiceGate('pcm_16000');
    const o = onset();
    for (let i = 0; i <= o; i++) gate.push(frames[i]!);
    const step = gate.push({ data: frames[o + 1]!.data.subarray(0, 640), durationMs: 20 });
    assert.equal(step.frames.length, 1);
    assert.equal(gate.counters.pushedMs, (o + 1) * 80 + 20);
    assert.equal(gate.push({ data: Buffer.alloc(0), durationMs: 0 }).frames.length, 0, 'an empty frame is nothing');
    gate.close();
  });

  it('reset(): an open gate closes at once ("reset"), and the next turn sends nothing from before it', () => {
    const gate = new VoiceGate('pcm_16000');
    const o = onset();
    const run = newRun();
    for (let i = 0; i <= o + 2; i++) pushChecked(gate, frames, i, run);
    assert.equal(gate.isOpen, true);
    const r = gate.reset();
    assert.deepEqual(r.event, { type: 'closed', reason: 'reset', atMs: (o + 3) * 80 });
    assert.equal(gate.state, 'closed');
    assert.equal(gate.reset().event, null, 'a closed gate has nothing to end');
    // Push on: the sentence is still going, so the gate opens again, its pre-roll only what came after the reset.
    const next = gate.push(frames[o + 3]!);
    if (said[o + 3]) {
      assert.deepEqual(next.event, { type: 'opened', preRollMs: 0, atMs: (o + 3) * 80 });
      assert.equal(next.frames.length, 1);
    } else {
      assert.equal(next.frames.length, 0);
      assert.equal(gate.counters.heldMs, 80);
    }
    gate.close();
  });

  it('configure(): changes settings mid-stream, keeping the detector; a bad value changes nothing', () => {
    // Aggressiveness: set before the first frame, the gate decides as one made with that mode.
    const made3 = new VoiceGate('pcm_16000', opts({ aggressiveness: 3 }));
    const expected = runGate(made3, frames).trace;
    made3.close();
    const mode2 = new VoiceGate('pcm_16000');
    assert.notDeepEqual(runGate(mode2, frames).trace, expected, 'modes 2 and 3 decide differently on this stream');
    mode2.close();
    const switched = new VoiceGate('pcm_16000');
    switched.configure({ aggressiveness: 3 });
    assert.deepEqual(runGate(switched, frames).trace, expected);
    switched.close();

    // A shorter pre-roll trims the full ring at once (counted as kept back) and applies to the next opening.
    const gate = new VoiceGate('pcm_16000');
    const o = onset();
    for (let i = 0; i < o; i++) gate.push(frames[i]!);
    const before = gate.counters;
    assert.equal(before.heldMs, 560);
    gate.configure({ preRollMs: 160 });
    assert.equal(gate.counters.heldMs, 160);
    assert.equal(gate.counters.keptBackMs, before.keptBackMs + 400);
    const step = gate.push(frames[o]!);
    assert.deepEqual(step.event, { type: 'opened', preRollMs: 160, atMs: o * 80 });
    assert.ok(step.frames[0]!.data.equals(frames[o - 2]!.data));

    assert.throws(() => gate.configure({ hangoverMs: 50, preRollMs: 1000 }), /gateHangover got number 50/);
    assert.deepEqual(gate.settings, { aggressiveness: 2, preRollMs: 160, hangoverMs: 800 });
    gate.close();
    assert.throws(() => gate.configure({ preRollMs: 100 }), /used after close/);
  });

  it('close(): frees the handle once, and a closed gate refuses frames', () => {
    const before = liveVadHandles();
    const gate = new VoiceGate('pcm_16000');
    assert.equal(liveVadHandles(), before + 1);
    gate.close();
    gate.close();
    assert.equal(liveVadHandles(), before);
    assert.throws(() => gate.push(frames[0]!), /used after close/);
  });

  it('refuses options outside their ranges, naming what came and what is accepted', () => {
    const cases: [Partial<VoiceGateOptions>, RegExp][] = [
      [{ preRollMs: -1 }, /gatePreRoll got number -1; expected a whole number from 0–3000 ms/],
      [{ preRollMs: 3001 }, /gatePreRoll got number 3001/],
      [{ preRollMs: 12.5 }, /gatePreRoll got number 12.5/],
      [{ preRollMs: Number.NaN }, /gatePreRoll got number NaN/],
      [{ hangoverMs: 99 }, /gateHangover got number 99; expected a whole number from 100–10000 ms/],
      [{ hangoverMs: 1e9 }, /gateHangover got number 1000000000/],
      [{ aggressiveness: 4 }, /gateAggressiveness got number 4; expected one of 0, 1, 2, 3/],
      [{ aggressiveness: -1 }, /gateAggressiveness got number -1/],
    ];
    const before = liveVadHandles();
    for (const [o, re] of cases) assert.throws(() => new VoiceGate('pcm_16000', opts(o)), re);
    assert.equal(liveVadHandles(), before, 'no handle is made for a refused gate');
    for (const o of [{ preRollMs: 0 }, { preRollMs: 3000 }, { hangoverMs: 100 }, { hangoverMs: 10000 }, { aggressiveness: 0 }, { aggressiveness: 3 }]) {
      new VoiceGate('pcm_16000', opts(o)).close();
    }
  });
});
