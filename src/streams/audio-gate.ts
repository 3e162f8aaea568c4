/**
 * Where a voice gate plugs into a stream channel: every 80 ms frame of a key's audio that is not muted goes
 * through the key's gate, which decides what reaches Gradium. The gate outlives Gradium sessions and
 * SpeechStreams (it lives in the key's StreamChannel), so it can hold a pre-roll through the silence after a
 * session ended and hand it to the next one.
 *
 * Until a real gate is configured every channel gets `passThroughGate`: everything passes, nothing is held.
 */
import type { AudioFrame } from '../audio/types';
import type { StreamSettings } from './settings';

/**
 * `opened`: speech began; the frames appended with it (pre-roll first) open a session if none is open.
 * `turnOver`: speech ended (after the hang-over); the channel ends the stream's turn (final, endOfTurn "gate").
 */
export type GateEvent = 'opened' | 'turnOver';

export interface AudioGate {
  /**
   * One frame in. Appends to `send`, in order, the frames to send now (none, this frame, or held pre-roll
   * then this frame); returns an event on the frame where one happens, else null. Called for every frame of
   * every stream: appending to the caller's array keeps it allocation-free.
   */
  push(frame: AudioFrame, send: AudioFrame[]): GateEvent | null;
  /** True while audio passes (speech, hang-over): a stream with no frame this message still counts as live. */
  readonly passing: boolean;
  /** Audio let through so far (ms). */
  readonly passedMs: number;
  /** Audio kept back so far (ms): silence never sent, pre-roll that aged out of the ring. */
  readonly heldBackMs: number;
  /** Audio stopped reaching the gate (mute, reset): the next frame starts afresh (empty pre-roll, closed). */
  reset(): void;
  /** The key's settings changed (msg.settings for the key or the node). */
  configure(settings: StreamSettings): void;
  /** The channel is dropped: free what the gate holds (WebAssembly memory of a detector...). */
  close(): void;
}

/** Makes the gate of a new channel, from the key's settings. */
export type GateFactory = (key: string, settings: StreamSettings) => AudioGate;

/** Everything passes: the behaviour of a node without a voice gate (`sendAudio: "always"`). */
export class PassThroughGate implements AudioGate {
  readonly passing = true;
  readonly heldBackMs = 0;
  private passed = 0;

  get passedMs(): number {
    return this.passed;
  }

  push(frame: AudioFrame, send: AudioFrame[]): GateEvent | null {
    this.passed += frame.durationMs;
    send.push(frame);
    return null;
  }

  reset(): void {}

  configure(): void {}

  close(): void {}
}

export const passThroughGate: GateFactory = () => new PassThroughGate();
