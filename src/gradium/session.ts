/**
 * One Gradium ASR session: one WebSocket, one `setup`, audio in, typed events out.
 * It knows nothing of streams, turns or retries; the stream layer decides what to do with what it reports.
 * The socket's lifecycle (connect, failures, the one close) is ProtocolSocket's; this file is the ASR protocol.
 */
import type WebSocket from 'ws';
import type { Clock } from '../common/clock';
import {
  type EndTextMessage,
  type InputFormat,
  type JsonConfig,
  type ReadyMessage,
  type ServerMessage,
  type StepMessage,
  type TextMessage,
} from './protocol';
import { parseServerMessage } from './server-message-parser';
import { readFrequentMessage } from './frequent-messages';
import { GradiumError, errorFromServerFrame } from './errors';
import { ProtocolSocket, SocketState, type SocketClose } from './protocol-socket';
import { TypedEmitter } from '../common/typed-emitter';

/** Lifecycle of a session, in order. A session is used once: `closed` is final. */
export const SessionState = {
  IDLE: 'idle',
  /** Upgrade in progress, or setup sent and `ready` not yet received (audio is accepted once the socket is open). */
  CONNECTING: 'connecting',
  OPEN: 'open',
  /** end_of_stream sent, waiting for the server's end_of_stream and close. */
  CLOSING: 'closing',
  CLOSED: 'closed',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

export interface SessionSetup {
  model: string;
  inputFormat: InputFormat;
  /** Always carries `language` (required by Gradium since 2026-08-24). */
  jsonConfig: JsonConfig & { language: string };
}

export interface SessionOptions {
  url: string;
  apiKey: string;
  setup: SessionSetup;
  /** From connect() to `ready`. */
  handshakeTimeoutMs?: number;
  /** From end_of_stream/close() to the socket being closed, before it is terminated. */
  closeTimeoutMs?: number;
  clock?: Clock;
}

/** How the session ended; `error` is set when it ended for a reason other than an orderly end_of_stream or close(). */
export type SessionClose = SocketClose;

export type SessionEvents = {
  ready: (ready: ReadyMessage) => void;
  text: (text: TextMessage) => void;
  end_text: (endText: EndTextMessage) => void;
  step: (step: StepMessage) => void;
  flushed: (flushId: number | string) => void;
  end_of_stream: () => void;
  /** A frame that could not be understood; the session goes on. */
  warning: (message: string) => void;
  /** Always the last event, exactly once. */
  close: (close: SessionClose) => void;
};

export class GradiumSession extends TypedEmitter<SessionEvents> {
  private readonly socket: ProtocolSocket;
  private readonly handshakeTimeoutMs: number;
  private nextFlushId = 1;
  readyMessage: ReadyMessage | null = null;
  /** Bytes of audio handed to the socket so far. */
  audioBytesSent = 0;

  constructor(private readonly options: SessionOptions) {
    super();
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.socket = new ProtocolSocket(
      {
        machine: 'GradiumSession',
        url: options.url,
        apiKey: options.apiKey,
        clock: options.clock,
        handshakeTimeoutMs: this.handshakeTimeoutMs,
        closeTimeoutMs: options.closeTimeoutMs,
      },
      { open: this.onOpen, message: this.onMessage, close: this.onClose },
    );
  }

  /** The socket's state, with `open` meaning `ready` received (before it, the session is still connecting). */
  get state(): SessionState {
    switch (this.socket.state) {
      case SocketState.IDLE:
        return SessionState.IDLE;
      case SocketState.CONNECTING:
        return SessionState.CONNECTING;
      case SocketState.OPEN:
        return this.readyMessage ? SessionState.OPEN : SessionState.CONNECTING;
      case SocketState.ENDING:
      case SocketState.CLOSING:
        return SessionState.CLOSING;
      case SocketState.CLOSED:
        return SessionState.CLOSED;
    }
  }

  /** Bytes queued in the socket but not yet written to the network (backpressure). */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** True once the socket can carry audio (Gradium accepts audio before `ready`). */
  get canSend(): boolean {
    return this.socket.canSend;
  }

  connect(): void {
    if (this.socket.state !== SocketState.IDLE) throw new Error(`connect() in state ${this.state}`);
    this.socket.connect();
    this.socket.expectAnswerWithin(this.handshakeTimeoutMs, `No answer from Gradium within ${this.handshakeTimeoutMs} ms.`);
  }

  /** Send one frame of audio. Returns false when the socket cannot take it (caller keeps the audio). */
  sendAudio(frame: Buffer): boolean {
    if (!this.canSend) return false;
    // String concatenation: base64 never needs JSON escaping, and this skips JSON.stringify on the hot path.
    this.socket.send('{"type":"audio","audio":"' + frame.toString('base64') + '"}');
    this.audioBytesSent += frame.length;
    return true;
  }

  /** Ask Gradium to emit everything pending; resolves through the `flushed` event. Returns the flush id. */
  flush(): number | null {
    if (!this.canSend) return null;
    const id = this.nextFlushId++;
    this.socket.send(JSON.stringify({ type: 'flush', flush_id: id }));
    return id;
  }

  /** No more audio: Gradium drains, sends end_of_stream and closes. */
  endOfStream(): void {
    if (!this.canSend) {
      this.close();
      return;
    }
    this.socket.send(JSON.stringify({ type: 'end_of_stream' }));
    this.socket.endInOrder();
  }

  /** Close now without waiting for Gradium (reset, redeploy). Orderly: no error is reported. */
  close(): void {
    this.socket.close('closed before connecting');
  }

  /** The server stopped answering (no acknowledgement of audio): end the session as a retryable failure. */
  abortStalled(message: string): void {
    this.socket.fail(new GradiumError('timeout', message, null, 'transient'));
  }

  private readonly onOpen = (): void => {
    const { setup } = this.options;
    this.socket.send(
      JSON.stringify({
        type: 'setup',
        model_name: setup.model,
        input_format: setup.inputFormat,
        json_config: setup.jsonConfig,
      }),
    );
  };

  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (isBinary) {
      this.emit('warning', 'ignored a binary frame from Gradium');
      return;
    }
    // Steps (one per 80 ms per session) and words take the fast path; what it does not read, the full parser.
    let m: ServerMessage | undefined = Buffer.isBuffer(data) ? readFrequentMessage(data) : undefined;
    if (!m) {
      const parsed = parseServerMessage(data.toString());
      if (!parsed.ok) {
        this.emit('warning', `ignored a malformed frame from Gradium (${parsed.reason})`);
        return;
      }
      m = parsed.message;
    }
    switch (m.type) {
      case 'ready':
        this.socket.stopWatchdog();
        this.readyMessage = m;
        this.emit('ready', m);
        break;
      case 'text':
        this.emit('text', m);
        break;
      case 'end_text':
        this.emit('end_text', m);
        break;
      case 'step':
        this.emit('step', m);
        break;
      case 'flushed':
        this.emit('flushed', m.flush_id);
        break;
      case 'end_of_stream':
        this.socket.markOrderly();
        this.emit('end_of_stream');
        break;
      case 'error':
        this.socket.fail(errorFromServerFrame(m.code, m.message));
        break;
    }
  };

  private readonly onClose = (close: SocketClose): void => {
    this.emit('close', close);
    this.removeAllListeners();
  };
}
