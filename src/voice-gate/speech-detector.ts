/**
 * Speech or not, per frame the stream layer sends (at most 80 ms). WebRTC VAD looks at each 10 ms of the
 * frame; the frame counts as speech when any of them is voiced. That rule had the lowest onset lag in the
 * measurements (docs/voice-gate.md): a missed onset clips a word, a false one only costs credits.
 *
 * Rates other than 8 and 16 kHz are brought to 8 kHz by averaging, and G.711 is decoded, for the decision
 * only. WebRTC VAD works on 0–4 kHz whatever the rate, so the decision keeps what it uses; at 48 kHz its own
 * downsampler made the gate cost 0.54 ms of CPU per audio-second, against 0.13 this way (bench/voice-gate.js).
 */
import { ALAW_TO_LINEAR, MULAW_TO_LINEAR } from '../audio/g711';
import type { DetectorInput } from './gateable-format';
import { WebRtcVad, type VadMode } from './webrtc-vad';

/** Samples of the shared scratch: one 80 ms frame at 48 kHz (the largest that is converted). */
const SCRATCH_SAMPLES = 3840;
/** Aligned copies of frame bytes and the detector's converted samples; one thread, so one of each. */
const scratchBytes = Buffer.allocUnsafeSlow(SCRATCH_SAMPLES * 2);
const scratchIn = new Int16Array(scratchBytes.buffer, scratchBytes.byteOffset, SCRATCH_SAMPLES);
const scratchOut = new Int16Array(SCRATCH_SAMPLES);
const BIG_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** A frame is speech when at least this many of its 10 ms sub-frames are voiced. */
export const MIN_VOICED_SUB_FRAMES = 1;

export class SpeechDetector {
  private readonly vad: WebRtcVad;

  constructor(
    private readonly input: DetectorInput,
    mode: VadMode,
  ) {
    this.vad = new WebRtcVad(mode, input.vadRate);
  }

  /** Voiced 10 ms sub-frames in one frame of the stream's format. */
  voicedSubFrames(data: Buffer): number {
    const input = this.input;
    let voiced = 0;
    // A frame is at most 80 ms; should a longer one come, it is converted 80 ms at a time (scratch size).
    const piece = input.kind === 'pcm16-decimate' ? (input.sourceRate * 2 * 80) / 1000 : data.length;
    for (let at = 0; at < data.length; at += piece) {
      const part = at === 0 && piece >= data.length ? data : data.subarray(at, Math.min(data.length, at + piece));
      switch (input.kind) {
        case 'pcm16':
          voiced += this.vad.voicedInBytes(part, 0, part.length);
          break;
        case 'pcm16-decimate':
          voiced += this.vad.voicedInSamples(scratchOut, decimateTo8k(part, input.sourceRate));
          break;
        case 'ulaw':
        case 'alaw':
          voiced += this.decodeG711(part, input.kind === 'ulaw' ? MULAW_TO_LINEAR : ALAW_TO_LINEAR);
          break;
      }
    }
    return voiced;
  }

  setMode(mode: VadMode): void {
    this.vad.setMode(mode);
  }

  isSpeech(data: Buffer): boolean {
    return this.voicedSubFrames(data) >= MIN_VOICED_SUB_FRAMES;
  }

  close(): void {
    this.vad.close();
  }

  get closed(): boolean {
    return this.vad.closed;
  }

  private decodeG711(data: Buffer, table: Int16Array): number {
    let voiced = 0;
    for (let at = 0; at < data.length; at += SCRATCH_SAMPLES) {
      const n = Math.min(SCRATCH_SAMPLES, data.length - at);
      for (let i = 0; i < n; i++) scratchOut[i] = table[data[at + i]!]!;
      voiced += this.vad.voicedInSamples(scratchOut, n);
    }
    return voiced;
  }
}

/** Where each 8 kHz output sample's input window ends, for one 80 ms frame, and 1 / window length. */
interface DecimationPlan {
  ends: Int32Array;
  inverse: Float64Array;
}
const plans = new Map<number, DecimationPlan>();

function planFor(rate: number): DecimationPlan {
  let plan = plans.get(rate);
  if (!plan) {
    const outs = (8000 * 80) / 1000;
    plan = { ends: new Int32Array(outs), inverse: new Float64Array(outs) };
    let start = 0;
    for (let k = 0; k < outs; k++) {
      const end = Math.floor(((k + 1) * rate) / 8000);
      plan.ends[k] = end;
      plan.inverse[k] = 1 / (end - start);
      start = end;
    }
    plans.set(rate, plan);
  }
  return plan;
}

/**
 * Box-averages s16le `data` (at most 80 ms) at `rate` into `scratchOut` at 8 kHz and returns the sample count.
 * Crude (the average is a weak low-pass), but the detector only needs the speech band's energy pattern, and
 * at 8 kHz WebRTC VAD does the least work (it analyses 0–4 kHz whatever the rate).
 */
function decimateTo8k(data: Buffer, rate: number): number {
  const inCount = data.length >> 1;
  // Copy into aligned memory: frame Buffers may start at an odd offset of their pool.
  data.copy(scratchBytes, 0, 0, inCount * 2);
  if (BIG_ENDIAN_HOST) scratchBytes.subarray(0, inCount * 2).swap16();
  const outCount = Math.floor((inCount * 8000) / rate);
  const { ends, inverse } = planFor(rate);
  let i = 0;
  for (let k = 0; k < outCount; k++) {
    const end = ends[k]!;
    let sum = 0;
    for (; i < end; i++) sum += scratchIn[i]!;
    scratchOut[k] = sum * inverse[k]!;
  }
  return outCount;
}
