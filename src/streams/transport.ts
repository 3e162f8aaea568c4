/**
 * What a stream needs of one Gradium session: the part of GradiumSession it uses. Production opens a real
 * GradiumSession (a WebSocket); a test may hand in a factory of its own that stands in for the socket, so
 * the stream rules run against a peer it scripts, with no network.
 */
import { GradiumSession, type SessionEvents, type SessionOptions } from '../gradium/session';

export interface SpeechTransport {
  /** The socket can take audio now (Gradium accepts audio before `ready`). */
  readonly canSend: boolean;
  /** Bytes written to the socket but not yet to the network. */
  readonly bufferedAmount: number;
  on<K extends keyof SessionEvents & string>(event: K, listener: SessionEvents[K]): this;
  connect(): void;
  /** False when the socket cannot take the frame (the caller keeps it). */
  sendAudio(frame: Buffer): boolean;
  /** The flush id, or null when nothing could be sent. */
  flush(): number | null;
  endOfStream(): void;
  /** Close at once, orderly (no error reported). */
  close(): void;
  /** Fail the session as retryable: the server stopped acknowledging audio. */
  abortStalled(message: string): void;
}

export type TransportFactory = (options: SessionOptions) => SpeechTransport;

export const gradiumTransport: TransportFactory = (options) => new GradiumSession(options);
