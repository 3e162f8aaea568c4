/**
 * Which of the stream layer's frame formats the voice gate can analyse, and how it reads each one.
 * The gate only reads the audio to decide; the frames it passes are the caller's bytes, untouched.
 */
import type { InputFormat } from '../gradium/protocol';
import type { VadRate } from './webrtc-vad';

/** How the detector turns one frame into samples WebRTC VAD takes. */
export type DetectorInput =
  /** s16le at 8 or 16 kHz, analysed as it is: the bytes are copied into the module. */
  | { kind: 'pcm16'; vadRate: VadRate }
  /** s16le at 22050/24000/44100/48000 Hz: box-averaged down to 8 kHz, for the detector only. */
  | { kind: 'pcm16-decimate'; sourceRate: number; vadRate: 8000 }
  /** G.711 at 8 kHz: decoded to 16-bit for the detector only. */
  | { kind: 'ulaw' | 'alaw'; vadRate: 8000 };

export type GateableCheck =
  | { gateable: true; inputFormat: InputFormat; input: DetectorInput; bytesPerSecond: number }
  | { gateable: false; inputFormat: string; reason: string };

/**
 * Can frames in `inputFormat` (the audio pipeline's `inputFormat`) be gated? Ask before creating a gate; a
 * "no" carries a sentence the caller can show (the stream then sends everything, and should say so).
 */
export function checkGateable(inputFormat: InputFormat | string): GateableCheck {
  const pcm = /^pcm(?:_(\d+))?$/.exec(inputFormat);
  if (pcm) {
    const rate = pcm[1] === undefined ? 24000 : Number(pcm[1]);
    const bytesPerSecond = rate * 2;
    switch (rate) {
      case 8000:
      case 16000:
        return { gateable: true, inputFormat: inputFormat as InputFormat, input: { kind: 'pcm16', vadRate: rate }, bytesPerSecond };
      case 22050:
      case 24000:
      case 44100:
      case 48000:
        return {
          gateable: true,
          inputFormat: inputFormat as InputFormat,
          input: { kind: 'pcm16-decimate', sourceRate: rate, vadRate: 8000 },
          bytesPerSecond,
        };
    }
  }
  switch (inputFormat) {
    case 'ulaw_8000':
    case 'mulaw_8000':
      return { gateable: true, inputFormat: inputFormat as InputFormat, input: { kind: 'ulaw', vadRate: 8000 }, bytesPerSecond: 8000 };
    case 'alaw_8000':
      return { gateable: true, inputFormat: inputFormat as InputFormat, input: { kind: 'alaw', vadRate: 8000 }, bytesPerSecond: 8000 };
    case 'opus':
      return {
        gateable: false,
        inputFormat,
        reason:
          'the voice gate cannot analyse Ogg Opus (it is passed to Gradium undecoded), so all of this stream is sent; ' +
          'send PCM, WAV or G.711 to gate it, or set sendAudio to "always"',
      };
  }
  return {
    gateable: false,
    inputFormat,
    reason: `the voice gate cannot analyse ${JSON.stringify(inputFormat)} frames (it takes PCM at 8000, 16000, 22050, 24000, 44100 or 48000 Hz, μ-law or A-law), so all of this stream is sent`,
  };
}
