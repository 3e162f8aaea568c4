/**
 * Public shapes of the Gradium-protocol emulator. Tests, the demo and the benchmark code against these,
 * so the names are a contract.
 */
import type { ClientMessage, JsonConfig, ServerMessage, SetupMessage } from '../gradium/protocol';
import type { TtsClientMessage, TtsJsonConfig, TtsServerMessage, TtsSetupMessage } from '../gradium/tts-protocol';
import type { EmulatorVoice } from './tts-voices';

export type { EmulatorVoice };

export interface EmulatorOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Keys accepted; default: any non-empty key. */
  apiKeys?: string[];
  /**
   * Utterances. Each detected speech segment gets the next utterance's words, cycling when exhausted.
   * The position is shared by the whole emulator (not per session), so a client that reconnects or
   * rotates sessions gets the following utterance, never the same one again.
   */
  script?: string[];
  faults?: EmulatorFaults;
  /** Receives one line per notable event; never sees an API key. */
  log?: (line: string) => void;
  /**
   * Default true. False keeps `received`/`sent` empty (counters still run): for the benchmark, where
   * hundreds of long sessions would otherwise keep every step message in memory.
   */
  recordMessages?: boolean;
  /**
   * Default false. True keeps the decoded bytes of every audio message in each session's `receivedAudio`, so a
   * test can compare what the server heard with what the device recorded, byte for byte.
   */
  recordAudio?: boolean;
  /** The account's own voices (clones), listed with the catalogue and accepted as voice_id. */
  voices?: EmulatorVoice[];
}

export interface EmulatorFaults {
  /** Refuse the upgrade with HTTP 401. */
  http401?: boolean;
  /** Default true: a setup without json_config.language gets error 1011 and a close. */
  requireLanguage?: boolean;
  /**
   * Abrupt close (the client sees 1006) after N audio messages: the socket is destroyed as a crashing server's
   * would be, with no close frame. What was written before (the steps and words of those N messages) is on the
   * wire, but when client audio was still unread the kernel answers with a reset, and a client that writes
   * after it loses what it had not read yet: how many of the last steps arrive varies from run to run.
   */
  closeAfterFrames?: number;
  /** After N audio messages send this error frame, then close with its code. */
  errorAfterFrames?: { frames: number; code: number; message: string };
  /** Delay before answering `flushed`; the session processes nothing else meanwhile. */
  flushDelayMs?: number;
  /**
   * Delay before answering `end_of_stream` (its last words, end_of_stream, the close): a session that is slow to
   * end after its last final. The session processes nothing else meanwhile.
   */
  endOfStreamDelayMs?: number;
  /** Hold back the last pending word at a flush and send it this many ms after `flushed`. */
  lateTextAfterFlushMs?: number;
  /** Never answer a flush (the words are still sent). */
  dropFlushed?: boolean;
  /** Default 300: past this much audio, error 1011 and close. */
  sessionCapSeconds?: number;
  /** Stop reading the socket after setup, so the client's bufferedAmount grows. */
  stopReading?: boolean;
  /** Delay before `ready` (ASR and TTS); messages that arrive meanwhile are queued and processed afterwards. */
  connectDelayMs?: number;
  /** TTS: delay before the first audio message of a request (slow first audio). */
  ttsFirstAudioDelayMs?: number;
  /** TTS: delay between audio messages (default none: as fast as the socket takes them). */
  ttsChunkIntervalMs?: number;
  /** TTS: abrupt close (the client sees 1006) once N audio messages were sent (0: before any audio). */
  ttsCloseAfterChunks?: number;
  /** TTS: once N audio messages were sent, send this error frame, then close with its code. */
  ttsErrorAfterChunks?: { chunks: number; code: number; message: string };
}

export interface InvalidFrame {
  /** 1-based index of the audio message in the session. */
  index: number;
  reason: string;
}

export interface EmulatorSession {
  /** 1, 2, ... in order of acceptance. */
  readonly id: number;
  readonly apiKeyAccepted: boolean;
  /** Upgrade request headers with x-api-key removed. */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The latest setup as received. */
  setup?: SetupMessage;
  /** json_config of the latest setup, parsed to an object when it came as a string. */
  config?: JsonConfig;
  /**
   * Every client message in order. Audio messages are all the same frozen `{type:'audio', audio:''}`
   * object: the order is kept, the payload is not (see audioMessages/audioBytes).
   */
  readonly received: ClientMessage[];
  /** Every server message sent, in order. */
  readonly sent: ServerMessage[];
  audioMessages: number;
  audioBytes: number;
  /** The bytes of each audio message, decoded from base64, in order; empty unless the emulator has recordAudio. */
  readonly receivedAudio: Buffer[];
  /** Decoded samples per channel (pcm, G.711 and wav; opus is only counted in bytes). */
  samplesReceived: number;
  invalidFrames: InvalidFrame[];
  wordsSent: string[];
  closeCode?: number;
  closed: boolean;
}

/** One TTS request as the emulator saw it. */
export interface EmulatorTtsSession {
  readonly id: number;
  readonly apiKeyAccepted: boolean;
  /** Upgrade request headers with x-api-key removed. */
  readonly headers: Record<string, string | string[] | undefined>;
  setup?: TtsSetupMessage;
  config?: TtsJsonConfig;
  /** Client messages in order (setup, text…, end_of_stream). */
  readonly received: TtsClientMessage[];
  /** Server messages in order; audio messages keep their times but not their payload. */
  readonly sent: TtsServerMessage[];
  /** The text received, messages joined with one space as Gradium joins them. */
  text: string;
  textMessages: number;
  audioMessages: number;
  /** Bytes of audio sent (decoded from base64), headers and Ogg pages included. */
  audioBytes: number;
  /** Samples of audio sent at `sampleRate` (Opus: 48 kHz granules). */
  samplesSent: number;
  sampleRate: number;
  wordsSent: string[];
  /** Wall-clock time (ms, sub-ms precision) the first audio message was sent. */
  firstAudioAt?: number;
  /** Wall-clock time (ms, sub-ms precision) end_of_stream was sent. */
  finishedAt?: number;
  /** The client closed the socket before the end: a cancel. */
  cancelled: boolean;
  /** end_of_stream was sent. */
  completed: boolean;
  closeCode?: number;
  closed: boolean;
}

export interface Emulator {
  /** ws://<host>:<port>/api/speech/asr */
  readonly url: string;
  /** ws://<host>:<port>/api/speech/tts */
  readonly ttsUrl: string;
  /** Every TTS request ever accepted, in order. */
  readonly ttsSessions: EmulatorTtsSession[];
  on(event: 'tts-session' | 'tts-session-end', cb: (s: EmulatorTtsSession) => void): this;
  off(event: 'tts-session' | 'tts-session-end', cb: (s: EmulatorTtsSession) => void): this;
  readonly port: number;
  /** Every session ever accepted, in order. */
  readonly sessions: EmulatorSession[];
  /** Applies to sessions that start after the call. */
  setFaults(f: EmulatorFaults): void;
  setScript(s: string[]): void;
  on(event: 'session' | 'session-end', cb: (s: EmulatorSession) => void): this;
  off(event: 'session' | 'session-end', cb: (s: EmulatorSession) => void): this;
  /** Closes the server and every socket; resolves when all are closed. */
  close(): Promise<void>;
}
