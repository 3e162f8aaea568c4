/**
 * What a stream tells the outside world: the payloads of the three outputs of `gradium-stt`
 * (README, "Outputs"). Plain data, shared by the stream layer, the Node-RED adapter, tests and docs.
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
  | 'redeploy'
  /** A URL source (msg.source) dropped; it is read again in retryInMs. */
  | 'source';

/** What ended a turn (transcript output, `transcript.endOfTurn`). */
export type EndOfTurn = 'vad' | 'flush' | 'stop' | 'idle' | 'rotation' | 'settings' | 'mute' | 'gate';

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
  /** Seconds of audio this session put on the wire, audio sent again after a reconnect included. */
  audioSeconds: number;
  /**
   * Seconds of audio Gradium received in this session and that was not sent again to the next one (the
   * unacknowledged tail of a session that died is counted by the session that replays it): summed over a
   * key's sessions, each second of audio sent counts once.
   */
  sentSeconds: number;
  /** Seconds of the key's audio kept back by mute since the key's previous disconnected report. */
  mutedSeconds: number;
  /** Seconds of the key's audio kept back by the voice gate since the key's previous report (0 without a gate). */
  gatedSeconds: number;
  /** Audio dropped in this stream because a buffer bound was hit (cumulative). */
  droppedAudioMs: number;
  latency: LatencySummary;
  /** With reason "source": the URL read, its credentials masked. */
  source?: string;
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
