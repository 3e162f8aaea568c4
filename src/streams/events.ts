/**
 * What a stream tells the outside world: the payloads of the three outputs of `gradium-stt`
 * (DESIGN.md §1). Plain data, shared by the stream layer, the Node-RED adapter, tests and docs.
 */

/** Why a session ended (disconnected output, `payload.reason`). */
export type DisconnectReason =
  | 'stop'
  | 'idle'
  | 'settings'
  | 'rotation'
  | 'reset'
  | 'error'
  | 'closed'
  | 'redeploy';

/** What ended a turn (transcript output, `transcript.endOfTurn`). */
export type EndOfTurn = 'vad' | 'flush' | 'stop' | 'idle' | 'rotation' | 'settings';

export interface ConnectedPayload {
  /** Sequence number of the Gradium session within this stream, from 1. */
  session: number;
  requestId: string;
  model: string;
  language: string;
  inputFormat: string;
  sampleRate: number;
  delayInFrames: number;
  /** Reconnects so far in this stream (after unexpected closes). */
  reconnects: number;
}

export interface LatencySummary {
  /** Finals measured so far in this stream. */
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface DisconnectedPayload {
  session: number;
  reason: DisconnectReason;
  /** WebSocket close code, or the `code` of a Gradium error frame. */
  code: number | null;
  message: string;
  willReconnect: boolean;
  retryInMs: number | null;
  /** Seconds of audio sent in this session. */
  audioSeconds: number;
  /** Audio dropped in this stream because a buffer bound was hit (cumulative). */
  droppedAudioMs: number;
  latency: LatencySummary;
}

export interface Word {
  text: string;
  /** Seconds from the start of the stream (decoder delay removed). */
  start: number;
  end: number | null;
}

export interface Transcript {
  text: string;
  /** `text` for matching: lower case, no punctuation (see normalized-text.ts). */
  normalized: string;
  final: boolean;
  words: Word[];
  start: number | null;
  end: number | null;
  /** Only on finals. */
  endOfTurn?: EndOfTurn;
  /** Only on finals: ms from end of speech (VAD step or flush request) to the final leaving. */
  latencyMs?: number;
  session: number;
  requestId: string;
  language: string;
}
