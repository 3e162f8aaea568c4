'use strict';
/**
 * Speech-shaped test audio, 16 kHz mono s16le: 1.6 s of a voiced, amplitude-modulated tone (about
 * -20 dBFS, well above the emulator's -50 dBFS speech threshold) then 1.2 s of near silence, so every
 * stream has turns: the emulator places words on the "speech", the node's VAD ends the turn in the pause.
 * 2.8 s is a whole number of 20 ms and 80 ms chunks, so a chunk never wraps around the cycle.
 */
const RATE = 16000;
const SPEECH_S = 1.6;
const SILENCE_S = 1.2;
const CYCLE_SAMPLES = Math.round((SPEECH_S + SILENCE_S) * RATE);
const FRAME_SAMPLES = 1280; // 80 ms

function speechCycle() {
  const pcm = Buffer.alloc(CYCLE_SAMPLES * 2);
  const speech = Math.round(SPEECH_S * RATE);
  let noise = 12345;
  for (let i = 0; i < CYCLE_SAMPLES; i++) {
    const t = i / RATE;
    let v;
    if (i < speech) {
      const syllable = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t); // 4 syllables a second
      v = syllable * 3000 * (Math.sin(2 * Math.PI * 140 * t) + 0.5 * Math.sin(2 * Math.PI * 280 * t) + 0.25 * Math.sin(2 * Math.PI * 560 * t));
    } else {
      noise = (noise * 1103515245 + 12345) & 0x7fffffff;
      v = ((noise / 0x7fffffff) - 0.5) * 8; // about -75 dBFS
    }
    pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v))), i * 2);
  }
  return pcm;
}

/** 48 kHz stereo float32 of the same shape, for the audio-path benchmark. */
function speechCycle48kStereoF32() {
  const mono = speechCycle();
  const frames = CYCLE_SAMPLES * 3;
  const out = Buffer.alloc(frames * 2 * 4);
  for (let i = 0; i < frames; i++) {
    const a = mono.readInt16LE(Math.floor(i / 3) * 2) / 32768;
    out.writeFloatLE(a, i * 8);
    out.writeFloatLE(a * 0.9, i * 8 + 4);
  }
  return out;
}

module.exports = { RATE, CYCLE_SAMPLES, FRAME_SAMPLES, speechCycle, speechCycle48kStereoF32 };
