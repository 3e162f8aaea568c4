/**
 * Energy-based speech detection over 80 ms frames, and the VAD probabilities the emulator reports in
 * `step` messages. Real Gradium's VAD is semantic; here the inactivity probability simply rises with
 * the length of the silence since speech ended, which is enough for clients' turn detection.
 */
import type { VadEntry } from '../gradium/protocol';

export const FRAME_SECONDS = 0.08;
/**
 * A frame is speech when its RMS is above -50 dBFS: espeak speech frames measure -14..-42 dBFS and a
 * 440 Hz tone at -12 dBFS about -15 dBFS RMS, while digital silence and faint noise sit far below.
 */
export const SPEECH_RMS_DBFS = -50;
const SPEECH_MEAN_SQUARE = (32768 * 10 ** (SPEECH_RMS_DBFS / 20)) ** 2;
/** A speech segment ends after this much silence (5 x 80 ms = 400 ms). */
export const SEGMENT_END_SILENCE_FRAMES = 5;

export const HORIZONS_S = [0.5, 1, 2, 3] as const;
/** Seconds of silence at which each horizon's probability crosses one half, and how fast it rises. */
const MIDPOINT_S = [0.16, 0.2, 0.25, 0.32];
const RISE_S = 0.06;
/** Past this many silent frames every probability has saturated; the table stops there. */
const VAD_TABLE_FRAMES = 48;

function inactivity(horizon: number, silenceS: number): number {
  const p = 0.02 + 0.97 / (1 + Math.exp(-(silenceS - MIDPOINT_S[horizon]!) / RISE_S));
  return Math.round(p * 1000) / 1000;
}

/** VAD arrays by number of silent frames, built once and shared by every step of every session. */
const VAD_BY_SILENCE: readonly (readonly VadEntry[])[] = Array.from({ length: VAD_TABLE_FRAMES + 1 }, (_, n) =>
  Object.freeze(
    HORIZONS_S.map((horizon_s, h) => Object.freeze({ horizon_s, inactivity_prob: inactivity(h, n * FRAME_SECONDS) })),
  ),
);
const VAD_JSON_BY_SILENCE: readonly string[] = VAD_BY_SILENCE.map((v) => JSON.stringify(v));

/** What a frame did to the segmentation. */
export const enum SegmentEvent {
  None,
  Opened,
  Closed,
}

export class SpeechTracker {
  /** Frames processed so far. */
  frames = 0;
  /** Start of the current (or last) segment, seconds of audio. */
  segmentStartS = 0;
  /** End of the last speech frame, seconds of audio. */
  speechEndS = 0;
  private open = false;
  /**
   * Silent frames since speech last ended. A stream starts as after a long silence: no one has spoken yet, so its
   * first silent frames report silence (a client whose stream begins with a voice gate's pre-roll of quiet must
   * not see speech there and end a turn just as the first word starts).
   */
  private silentFrames = VAD_TABLE_FRAMES;

  /** Account one frame. */
  push(meanSquare: number): SegmentEvent {
    const frame = this.frames++;
    if (meanSquare > SPEECH_MEAN_SQUARE) {
      this.speechEndS = (frame + 1) * FRAME_SECONDS;
      this.silentFrames = 0;
      if (this.open) return SegmentEvent.None;
      this.open = true;
      this.segmentStartS = frame * FRAME_SECONDS;
      return SegmentEvent.Opened;
    }
    this.silentFrames++;
    return this.silentFrames >= SEGMENT_END_SILENCE_FRAMES && this.closeOpenSegment() ? SegmentEvent.Closed : SegmentEvent.None;
  }

  /** Close the open segment now (flush, end of stream); false when none was open. */
  closeOpenSegment(): boolean {
    if (!this.open) return false;
    this.open = false;
    return true;
  }

  get vad(): readonly VadEntry[] {
    return VAD_BY_SILENCE[Math.min(this.silentFrames, VAD_TABLE_FRAMES)]!;
  }

  get vadJson(): string {
    return VAD_JSON_BY_SILENCE[Math.min(this.silentFrames, VAD_TABLE_FRAMES)]!;
  }
}
