/**
 * One Gradium ASR session: one WebSocket, one `setup`, audio in, typed events out.
 * It knows nothing of streams, turns or retries; the stream layer decides what to do with what it reports.
 */
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import type { ClientRequest } from 'node:http';
import {
  CloseCode,
  type EndTextMessage,
  type InputFormat,
  type JsonConfig,
  type ReadyMessage,
  type ServerMessage,
  type StepMessage,
  type TextMessage,
} from './protocol';
import { parseServerMessage, MAX_SERVER_FRAME_BYTES } from './server-message-parser';
import { readFrequentMessage } from './frequent-messages';
import { GradiumError, errorFromClose, errorFromHttpStatus, errorFromServerFrame } from './errors';
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
}

export interface SessionClose {
  /** WebSocket close code (1006 when the socket died). */
  code: number;
  reason: string;
  /** Set when the session ended for a reason other than an orderly end_of_stream or close(). */
  error: GradiumError | null;
}

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

const HEADER_SOURCE = 'node-red';

export class GradiumSession extends TypedEmitter<SessionEvents> {
  private ws: WebSocket | null = null;
  private stateValue: SessionState = SessionState.IDLE;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private nextFlushId = 1;
  /** The first error wins: later close codes are consequences of it. */
  private failure: GradiumError | null = null;
  private orderlyEnd = false;
  /** The upgrade succeeded: later socket errors are a lost connection, not an unreachable server. */
  private opened = false;
  readyMessage: ReadyMessage | null = null;
  /** Bytes of audio handed to the socket so far. */
  audioBytesSent = 0;

  constructor(private readonly options: SessionOptions) {
    super();
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** Bytes queued in the socket but not yet written to the network (backpressure). */
  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  /** True once the socket can carry audio (Gradium accepts audio before `ready`). */
  get canSend(): boolean {
    return (
      (this.stateValue === SessionState.CONNECTING || this.stateValue === SessionState.OPEN) &&
      this.ws?.readyState === WebSocket.OPEN
    );
  }

  connect(): void {
    if (this.stateValue !== SessionState.IDLE) throw new Error(`connect() in state ${this.stateValue}`);
    this.stateValue = SessionState.CONNECTING;
    const { url, apiKey, handshakeTimeoutMs = 10_000 } = this.options;
    this.handshakeTimer = setTimeout(() => {
      this.fail(new GradiumError('timeout', `No answer from Gradium within ${handshakeTimeoutMs} ms.`, null, 'transient'));
    }, handshakeTimeoutMs);
    const ws = new WebSocket(url, {
      headers: { 'x-api-key': apiKey, 'x-api-source': HEADER_SOURCE },
      handshakeTimeout: handshakeTimeoutMs,
      maxPayload: MAX_SERVER_FRAME_BYTES,
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('open', this.onOpen);
    ws.on('message', this.onMessage);
    ws.on('unexpected-response', this.onUnexpectedResponse);
    ws.on('error', this.onSocketError);
    ws.on('close', this.onSocketClose);
  }

  /** Send one frame of audio. Returns false when the socket cannot take it (caller keeps the audio). */
  sendAudio(frame: Buffer): boolean {
    if (!this.canSend || !this.ws) return false;
    // String concatenation: base64 never needs JSON escaping, and this skips JSON.stringify on the hot path.
    this.ws.send('{"type":"audio","audio":"' + frame.toString('base64') + '"}');
    this.audioBytesSent += frame.length;
    return true;
  }

  /** Ask Gradium to emit everything pending; resolves through the `flushed` event. Returns the flush id. */
  flush(): number | null {
    if (!this.canSend || !this.ws) return null;
    const id = this.nextFlushId++;
    this.ws.send(JSON.stringify({ type: 'flush', flush_id: id }));
    return id;
  }

  /** No more audio: Gradium drains, sends end_of_stream and closes. */
  endOfStream(): void {
    if (!this.canSend || !this.ws) {
      this.close();
      return;
    }
    this.stateValue = SessionState.CLOSING;
    this.ws.send(JSON.stringify({ type: 'end_of_stream' }));
    this.armCloseTimer();
  }

  /** Close now without waiting for Gradium (reset, redeploy). Orderly: no error is reported. */
  close(): void {
    if (this.stateValue === SessionState.CLOSED) return;
    this.orderlyEnd = true;
    if (!this.ws || this.stateValue === SessionState.IDLE) {
      this.finish(CloseCode.NORMAL, 'closed before connecting');
      return;
    }
    this.stateValue = SessionState.CLOSING;
    const ws = this.ws;
    if (ws.readyState === WebSocket.CONNECTING) {
      // ws throws if close() is called before the upgrade; terminate aborts the request instead.
      ws.terminate();
    } else if (ws.readyState === WebSocket.OPEN) {
      ws.close(CloseCode.NORMAL);
      this.armCloseTimer();
    }
  }

  /** The server stopped answering (no acknowledgement of audio): end the session as a retryable failure. */
  abortStalled(message: string): void {
    if (this.stateValue === SessionState.CLOSED) return;
    this.fail(new GradiumError('timeout', message, null, 'transient'));
  }

  private armCloseTimer(): void {
    if (this.closeTimer) return;
    this.closeTimer = setTimeout(() => this.ws?.terminate(), this.options.closeTimeoutMs ?? 2000);
  }

  private readonly onOpen = (): void => {
    this.opened = true;
    const { setup } = this.options;
    this.ws?.send(
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
        this.clearHandshakeTimer();
        this.readyMessage = m;
        if (this.stateValue === SessionState.CONNECTING) this.stateValue = SessionState.OPEN;
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
        this.orderlyEnd = true;
        this.emit('end_of_stream');
        break;
      case 'error':
        this.fail(errorFromServerFrame(m.code, m.message));
        break;
    }
  };

  private readonly onUnexpectedResponse = (req: ClientRequest, res: IncomingMessage): void => {
    res.resume();
    this.fail(errorFromHttpStatus(res.statusCode ?? 0));
    req.destroy();
  };

  private readonly onSocketError = (err: Error): void => {
    // Aborting our own upgrade (close() while connecting) surfaces as an error: not a failure.
    if (this.orderlyEnd) return;
    // Never echo request options: only the message, which carries no header.
    if ((err as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      const limit = `${MAX_SERVER_FRAME_BYTES / 1048576} MiB`;
      this.fail(new GradiumError('closed', `Gradium sent a frame over the ${limit} limit; the session was closed.`, 1009, 'transient'));
      return;
    }
    const what = this.opened ? 'Connection to Gradium lost' : 'Cannot reach Gradium';
    this.fail(new GradiumError('network', `${what}: ${err.message}`, null, 'transient'));
  };

  private readonly onSocketClose = (code: number, reason: Buffer): void => {
    const text = reason.toString();
    if (!this.failure && !this.orderlyEnd) this.failure = errorFromClose(code, text);
    this.finish(code, text);
  };

  /** Record the first failure and bring the socket down; `close` reports it. */
  private fail(error: GradiumError): void {
    if (!this.failure) this.failure = error;
    if (this.stateValue === SessionState.CLOSED) return;
    this.stateValue = SessionState.CLOSING;
    const ws = this.ws;
    if (!ws) {
      this.finish(error.closeCode ?? CloseCode.ABNORMAL, error.message);
      return;
    }
    if (ws.readyState === WebSocket.OPEN) {
      ws.close(error.kind === 'server' && error.closeCode ? error.closeCode : CloseCode.NORMAL);
      this.armCloseTimer();
    } else if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
    } else if (ws.readyState === WebSocket.CLOSED) {
      this.finish(error.closeCode ?? CloseCode.ABNORMAL, error.message);
    }
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  private finish(code: number, reason: string): void {
    if (this.stateValue === SessionState.CLOSED) return;
    this.stateValue = SessionState.CLOSED;
    this.clearHandshakeTimer();
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    const ws = this.ws;
    if (ws) {
      ws.off('open', this.onOpen);
      ws.off('message', this.onMessage);
      ws.off('unexpected-response', this.onUnexpectedResponse);
      ws.off('close', this.onSocketClose);
      // Keep a no-op error listener: ws may still emit one while tearing down, and an unhandled
      // 'error' event would crash Node-RED.
      ws.off('error', this.onSocketError);
      ws.on('error', () => undefined);
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    }
    this.emit('close', { code, reason, error: this.failure });
    this.removeAllListeners();
  }
}
