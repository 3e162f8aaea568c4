/**
 * The voice gate on realistic rooms: 30 espeak-ng utterances (ten sentences at -24, -34 and -40 dBFS) in turns
 * between long quiet stretches, speech 20 % of the time, over seeded noise beds, with a few knocks and typing
 * bursts. Every utterance must reach the output whole, from its first frame, byte for byte, in every format
 * the stream layer sends; the share of audio sent is printed and bounded.
 */
import * as assert from 'node:assert/strict';
import { prepareAudio } from '../../src/audio/resampler';
import { checkGateable, DEFAULT_GATE_OPTIONS, liveVadHandles, prepareVoiceGate, vadHeapBytes, VoiceGate } from '../../src/voice-gate';
import { newRun, pushChecked, runGate, scoreRoom } from './gate-run';
import { BEDS, buildRoom, describeBed, inputFormatOf, roomFrames, speechTruth, type BedName, type FrameEncoding, type Room } from './room';

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** Runs the default gate over a room and checks every utterance; returns the share of audio sent. */
function gateRoom(room: Room, encoding: FrameEncoding = 's16le', aggressiveness = 2): number {
  const frames = roomFrames(room, encoding);
  const gate = new VoiceGate(inputFormatOf(room, encoding), { ...DEFAULT_GATE_OPTIONS, aggressiveness });
  const run = runGate(gate, frames);
  gate.close();
  const c = gate.counters;
  const score = scoreRoom(room, run, speechTruth(room));
  const share = c.passedMs / c.pushedMs;
  console.log(
    `      ${inputFormatOf(room, encoding)}, ${room.bed} bed (${describeBed(room.bed)}), ` +
      `aggressiveness ${aggressiveness}, ${room.events.length} events: ` +
      `${(c.pushedMs / 1000).toFixed(0)} s, speech ${pct(room.speechShare)}, sent ${pct(share)} ` +
      `(${c.opens} turns, ${score.falseOpens} opened on no speech), onset lag max ${score.maxLagFrames * 80} ms, ` +
      `pre-roll before every onset >= ${score.minLeadFrames * 80} ms`,
  );
  assert.deepEqual(score.clipped, [], 'every utterance is sent whole, from its first frame');
  // The pre-roll reaches back before each onset (500 ms ring = 7 frames; a fvad lag of up to 2 frames).
  assert.ok(score.minLeadFrames >= 4, `at least 320 ms before every onset, got ${score.minLeadFrames * 80} ms`);
  // Nothing was lost silently: all audio is either sent or counted as kept back.
  assert.ok(Math.abs(c.passedMs + c.keptBackMs - c.pushedMs) < 1e-6, 'every ms sent or kept back');
  assert.equal(c.heldMs, 0);
  return share;
}

describe('voice gate on realistic rooms (speech 20 % of the time)', function () {
  this.timeout(60000);
  before(async () => {
    await prepareVoiceGate();
    await prepareAudio();
  });

  for (const bed of Object.keys(BEDS) as (keyof typeof BEDS)[]) {
    it(`16 kHz, ${bed} bed: every utterance whole and byte-exact, well under half of the audio sent`, () => {
      const quietRoom = gateRoom(buildRoom({ rate: 16000, bed, seed: 42 }));
      const withEvents = gateRoom(buildRoom({ rate: 16000, bed, seed: 42, events: true }));
      // The floor is the speech plus, per turn, the pre-roll and the hang-over (about 1.5 s); the detector
      // adapting to a new stream's noise and the knocks/typing add their openings.
      assert.ok(quietRoom < 0.45, `speech only: ${pct(quietRoom)} sent`);
      assert.ok(withEvents < 0.5, `with knocks and typing: ${pct(withEvents)} sent`);
    });
  }

  it('a far talker as loud as a fan (0 dB SNR): aggressiveness 1 still sends every utterance whole', () => {
    // The README's advice for quiet speech in a loud room. At the default (2), the same room clips two of the
    // thirty utterances (both at -40 dBFS): shown here, not asserted, as the reason for the advice.
    const room = buildRoom({ rate: 16000, bed: 'loudFan', seed: 42 });
    assert.ok(gateRoom(room, 's16le', 1) < 0.45);
    const gate = new VoiceGate('pcm_16000');
    const score = scoreRoom(room, runGate(gate, roomFrames(room)), speechTruth(room));
    gate.close();
    console.log(`      aggressiveness 2 on the same room: ${score.clipped.length} clipped: ${score.clipped.join('; ')}`);
  });

  it('G.711 μ-law and A-law (8 kHz): decoded for the detector, the code bytes passed untouched', () => {
    const room = buildRoom({ rate: 8000, bed: 'noisy', seed: 7, events: true });
    for (const encoding of ['ulaw', 'alaw', 's16le'] as const) assert.ok(gateRoom(room, encoding) < 0.5);
  });

  for (const rate of [22050, 24000, 44100, 48000]) {
    it(`${rate} Hz PCM: every utterance whole and byte-exact`, () => {
      assert.ok(gateRoom(buildRoom({ rate, bed: 'noisy', seed: 11, events: true })) < 0.5);
    });
  }

  it('Ogg Opus is reported as not gateable, with a reason the node can show', () => {
    const check = checkGateable('opus');
    assert.equal(check.gateable, false);
    assert.match(check.gateable ? '' : check.reason, /cannot analyse Ogg Opus.*all of this stream is sent/);
    assert.throws(() => new VoiceGate('opus'), /cannot analyse Ogg Opus/);
    for (const f of ['pcm_8000', 'pcm_16000', 'pcm_22050', 'pcm_24000', 'pcm', 'pcm_44100', 'pcm_48000', 'ulaw_8000', 'mulaw_8000', 'alaw_8000']) {
      assert.equal(checkGateable(f).gateable, true, f);
    }
    for (const f of ['wav', 'pcm_11025', 'pcm_32000', '']) assert.equal(checkGateable(f).gateable, false, f);
  });

  it('many gates interleaved frame by frame decide exactly as each one alone, and free their handles', () => {
    const before = liveVadHandles();
    const beds = Object.keys(BEDS) as BedName[];
    const rooms = Array.from({ length: 8 }, (_, k) =>
      buildRoom({ rate: 16000, bed: beds[k % beds.length]!, seed: 100 + k, events: k % 2 === 0, names: ['thank-you', 'four', 'stop-music', 'hey-what-time'] }),
    );
    const framesOf = rooms.map((r) => roomFrames(r));
    const alone = framesOf.map((frames) => {
      const g = new VoiceGate('pcm_16000');
      const run = runGate(g, frames);
      g.close();
      return { run, counters: g.counters };
    });
    assert.equal(liveVadHandles(), before);

    const gates = rooms.map(() => new VoiceGate('pcm_16000'));
    assert.equal(liveVadHandles(), before + gates.length);
    const runs = gates.map(() => newRun());
    const longest = Math.max(...framesOf.map((f) => f.length));
    for (let i = 0; i < longest; i++) {
      gates.forEach((g, k) => {
        if (i < framesOf[k]!.length) pushChecked(g, framesOf[k]!, i, runs[k]!);
      });
    }
    gates.forEach((g, k) => {
      assert.deepEqual(runs[k]!.trace, alone[k]!.run.trace, `gate ${k}: same output, push by push`);
      g.close();
      assert.deepEqual(g.counters, alone[k]!.counters);
      assert.ok(alone[k]!.run.opens.length > 0);
    });
    assert.equal(liveVadHandles(), before, 'every handle freed');
  });

  it('decides the same when the WebAssembly memory grows under it (views are taken fresh)', () => {
    const room = buildRoom({ rate: 16000, bed: 'noisy', seed: 5, names: ['switch-on-lights', 'four', 'thank-you'] });
    const frames = roomFrames(room);
    const solo = new VoiceGate('pcm_16000');
    const expected = runGate(solo, frames).trace;
    solo.close();

    const gate = new VoiceGate('pcm_16000');
    const run = newRun();
    const crowd: VoiceGate[] = [];
    const heapBefore = vadHeapBytes();
    for (let i = 0; i < frames.length; i++) {
      // Halfway, 30,000 more handles (744 B each): past the module's initial 16 MiB, so its memory grows.
      if (i === frames.length >> 1) for (let k = 0; k < 30000; k++) crowd.push(new VoiceGate('pcm_16000'));
      pushChecked(gate, frames, i, run);
    }
    for (const g of crowd) g.close();
    gate.close();
    assert.deepEqual(run.trace, expected);
    assert.ok(vadHeapBytes() > heapBefore, `the memory grew (${heapBefore} -> ${vadHeapBytes()} bytes)`);
  });
});
