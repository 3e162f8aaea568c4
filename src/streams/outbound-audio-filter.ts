/**
 * The outbound audio filter: the plug-in interface every 80 ms frame of a key's audio passes through (when not
 * muted) on its way to Gradium; it decides what is sent. Not a gate itself: the voice gate (src/voice-gate) is
 * one implementation, reached through the SendAudioFilter (send-audio-filter.ts), and PassThroughFilter below
 * is another. The filter lives in the key's StreamChannel, so it outlives Gradium sessions and SpeechStreams:
 * it holds a pre-roll through the silence after a session ended and hands it to the next one, and its detector
 * learns the room once.
 *
 * The channel makes its filter when the key's input format is known (its first frames), from an
 * OutboundFilterFactory; PassThroughFilter sends everything and holds nothing (`sendAudio: "always"`).
 */
import type { AudioFrame } from '../audio/types';
import type { InputFormat } from '../gradium/protocol';
import type { StreamSettings } from './settings';

/**
 * `opened`: speech began; the frames of this step (pre-roll first) open a session if none is open.
 * `closed`: the turn is over (after the hang-over, or reset()): the channel ends the stream's turn, whose final
 * carries endOfTurn "gate".
 */
export type FilterEvent = { readonly type: 'opened' } | { readonly type: 'closed'; readonly reason: 'silence' | 'reset' };

/** What one push yields: the frames to send now, in order, and at most one event. Valid until the next push. */
export interface FilterStep {
  readonly frames: readonly AudioFrame[];
  readonly event: FilterEvent | null;
}

export interface FilterCounts {
  /** Audio handed out to be sent (ms). */
  readonly passedMs: number;
  /** Audio that will never be sent: silence that aged out of the pre-roll, or was held at reset()/close(). */
  readonly keptBackMs: number;
}

export interface OutboundAudioFilter {
  /** One frame of the key's audio (at most 80 ms, in the input format the gate was made for). */
  push(frame: AudioFrame): FilterStep;
  /** Open or in its hang-over: frames pushed now are sent (a chunk too short for a frame keeps a stream alive). */
  readonly isOpen: boolean;
  readonly counters: FilterCounts;
  /** End the turn now and forget held audio (mute): nothing from before it is sent later. */
  reset(): FilterStep;
  /** The key's settings changed (msg.settings for the key or the node). */
  configure(settings: StreamSettings): void;
  /** The channel is dropped or its input starts afresh: free what the gate holds (held audio counts as kept back). */
  close(): void;
}

/** Makes a key's filter once its input format is known; a format that cannot be gated gets a PassThroughFilter. */
export type OutboundFilterFactory = (key: string, inputFormat: InputFormat, settings: StreamSettings) => OutboundAudioFilter;

/** Everything passes: the behaviour of a node without a voice gate. */
export class PassThroughFilter implements OutboundAudioFilter {
  readonly isOpen = true;
  private passedMs = 0;
  /** One reused step: this runs for every frame of every stream. */
  private readonly one: AudioFrame[] = [];
  private readonly step: FilterStep = { frames: this.one, event: null };
  private static readonly NOTHING: FilterStep = { frames: [], event: null };

  get counters(): FilterCounts {
    return { passedMs: this.passedMs, keptBackMs: 0 };
  }

  push(frame: AudioFrame): FilterStep {
    this.passedMs += frame.durationMs;
    this.one[0] = frame;
    return this.step;
  }

  reset(): FilterStep {
    return PassThroughFilter.NOTHING;
  }

  configure(): void {}

  close(): void {}
}

export const passThroughFilter: OutboundFilterFactory = () => new PassThroughFilter();
