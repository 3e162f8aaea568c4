/**
 * One Gradium TTS request on its own WebSocket (docs/gradium-tts-protocol.md, "Connection"): connect, send
 * `setup`, the text and `end_of_stream` at once (Gradium accepts text before `ready`), receive audio and
 * word timings until the server's `end_of_stream`, then the server closes. There is no cancel message:
 * closing the socket is the cancel.
 *
 *     idle ──connect()──▶ connecting ──open──▶ synthesizing ──end_of_stream──▶ finishing ──close──▶ closed
 *       │                     │                     │                               │
 *       └──────cancel()───────┴──cancel()/failure───┴──────────▶ closing ───close───┴────────────▶ closed
 *
 * Every server message re-arms one response timer: Gradium silent for `responseTimeoutMs` is a failure
 * (retryable). After `close` nothing more is emitted; after cancel() no audio or word is emitted.
 */
import WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { realClock, TimerSlot, type Clock } from '../common/clock';
import { GradiumError, errorFromClose, errorFromHttpStatus } from './errors';
import { CloseCode } from './protocol';
import { MAX_SERVER_FRAME_BYTES } from './server-message-parser';
import { ttsErrorFromServerFrame } from './tts-errors';
import { parseTtsServerMessage } from './tts-message-parser';
import type { TtsJsonConfig, TtsOutputFormat, TtsReadyMessage } from './tts-protocol';
import { TypedEmitter } from '../common/typed-emitter';

export const TtsSessionState = {
  IDLE: 'idle',
  CONNECTING: 'connecting',
  SYNTHESIZING: 'synthesizing',
  /** The server sent end_of_stream; waiting for its close. */
  FINISHING: 'finishing',
  /** We are closing: cancel() or a failure. */
  CLOSING: 'closing',
  CLOSED: 'closed',
} as const;
export type TtsSessionState = (typeof TtsSessionState)[keyof typeof TtsSessionState];

const S = TtsSessionState;
/** The allowed transitions; setState refuses any other. */
const TRANSITIONS: Record<TtsSessionState, readonly TtsSessionState[]> = {
  [S.IDLE]: [S.CONNECTING, S.CLOSED],
  [S.CONNECTING]: [S.SYNTHESIZING, S.CLOSING, S.CLOSED],
  [S.SYNTHESIZING]: [S.FINISHING, S.CLOSING, S.CLOSED],
  [S.FINISHING]: [S.CLOSING, S.CLOSED],
  [S.CLOSING]: [S.CLOSED],
  [S.CLOSED]: [],
};

export interface TtsSetup {
  voice: string;
  model: string;
  outputFormat: TtsOutputFormat;
  jsonConfig?: TtsJsonConfig;
}

export interface TtsSessionOptions {
  url: string;
  apiKey: string;
  setup: TtsSetup;
  /** The text of the request, already cut at whitespace (tts-text.ts); sent as one message each. */
  text: readonly string[];
  clock?: Clock;
  /** Longest silence from Gradium, from connect() on, before the request fails. */
  responseTimeoutMs?: number;
  /** From our close (or the server's end_of_stream) to the socket being closed, before it is cut. */
  closeTimeoutMs?: number;
}

export interface TtsWord {
  text: string;
  /** Seconds from the start of this request's audio. */
  start: number;
  end: number;
}

export interface TtsSessionClose {
  code: number;
  reason: string;
  /** Set when the request failed; null for a completed or cancelled one. */
  error: GradiumError | null;
  /** The server's end_of_stream arrived: every audio of the request was received. */
  completed: boolean;
  cancelled: boolean;
}

export type TtsSessionEvents = {
  ready: (ready: TtsReadyMessage) => void;
  audio: (bytes: Buffer, startS: number, stopS: number) => void;
  word: (word: TtsWord) => void;
  /** The server's end_of_stream: no more audio for this request. */
  end: () => void;
  warning: (message: string) => void;
  /** Always the last event, exactly once. */
  close: (close: TtsSessionClose) => void;
};

const HEADER_SOURCE = 'node-red';

export class TtsSession extends TypedEmitter<TtsSessionEvents> {
  private ws: WebSocket | null = null;
  private stateValue: TtsSessionState = S.IDLE;
  private readonly clock: Clock;
  private readonly responseTimer: TimerSlot;
  private readonly closeTimer: TimerSlot;
  private failure: GradiumError | null = null;
  private completed = false;
  private cancelled = false;
  private opened = false;
  /** Unknown message types already warned about (each once). */
  private readonly ignoredTypes = new Set<string>();
  readyMessage: TtsReadyMessage | null = null;

  constructor(private readonly options: TtsSessionOptions) {
    super();
    this.clock = options.clock ?? realClock;
    this.responseTimer = new TimerSlot(this.clock);
    this.closeTimer = new TimerSlot(this.clock);
  }

  get state(): TtsSessionState {
    return this.stateValue;
  }

  connect(): void {
    this.setState(S.CONNECTING);
    const { url, apiKey } = this.options;
    this.armResponseTimer();
    const ws = new WebSocket(url, {
      headers: { 'x-api-key': apiKey, 'x-api-source': HEADER_SOURCE },
      handshakeTimeout: this.responseTimeoutMs,
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

  /** Stop now: close the socket (Gradium's way to cancel), emit nothing more but `close`. */
  cancel(): void {
    if (this.stateValue === S.CLOSED || this.stateValue === S.CLOSING) return;
    this.cancelled = true;
    const ws = this.ws;
    if (!ws || this.stateValue === S.IDLE) {
      this.finish(CloseCode.NORMAL, 'cancelled before connecting');
      return;
    }
    this.setState(S.CLOSING);
    this.closeSocket(ws, CloseCode.NORMAL);
  }

  private get responseTimeoutMs(): number {
    return this.options.responseTimeoutMs ?? 10_000;
  }

  private setState(next: TtsSessionState): void {
    if (!TRANSITIONS[this.stateValue].includes(next)) {
      throw new Error(`TtsSession: ${this.stateValue} → ${next} is not allowed`);
    }
    this.stateValue = next;
  }

  private armResponseTimer(): void {
    const ms = this.responseTimeoutMs;
    this.responseTimer.set(() => this.fail(new GradiumError('timeout', `Gradium sent nothing for ${ms} ms.`, null, 'transient')), ms);
  }

  private readonly onOpen = (): void => {
    this.opened = true;
    if (this.stateValue !== S.CONNECTING || !this.ws) return;
    this.setState(S.SYNTHESIZING);
    const { setup, text } = this.options;
    const ws = this.ws;
    const message: Record<string, unknown> = {
      type: 'setup',
      model_name: setup.model,
      voice_id: setup.voice,
      output_format: setup.outputFormat,
    };
    if (setup.jsonConfig && Object.keys(setup.jsonConfig).length > 0) message.json_config = setup.jsonConfig;
    ws.send(JSON.stringify(message));
    for (const piece of text) ws.send(JSON.stringify({ type: 'text', text: piece }));
    ws.send('{"type":"end_of_stream"}');
  };

  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (this.stateValue !== S.SYNTHESIZING) return;
    this.armResponseTimer();
    if (isBinary) {
      this.emit('warning', 'ignored a binary frame from Gradium');
      return;
    }
    const parsed = parseTtsServerMessage(data.toString());
    if (!parsed.ok) {
      if (parsed.unknownType !== undefined) this.ignore(parsed.unknownType);
      else this.emit('warning', `ignored a malformed frame from Gradium (${parsed.reason})`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'audio':
        this.emit('audio', Buffer.from(m.audio, 'base64'), m.start_s, m.stop_s);
        break;
      case 'text':
        this.emit('word', { text: m.text, start: m.start_s, end: m.stop_s });
        break;
      case 'ready':
        this.readyMessage = m;
        this.emit('ready', m);
        break;
      case 'end_of_stream':
        this.completed = true;
        this.responseTimer.cancel();
        this.setState(S.FINISHING);
        this.emit('end');
        // The server closes next; if it does not, do not wait for it long.
        this.armCloseTimer();
        break;
      case 'error':
        this.fail(ttsErrorFromServerFrame(m.code, m.message, this.options.setup.voice));
        break;
      case 'need_more_text':
        // All text and end_of_stream were sent already; nothing to answer (docs/gradium-tts-protocol.md, "Messages").
        this.ignore('need_more_text');
        break;
    }
  };

  private ignore(type: string): void {
    if (this.ignoredTypes.has(type)) return;
    this.ignoredTypes.add(type);
    this.emit('warning', `ignored Gradium message type "${type}"`);
  }

  private readonly onUnexpectedResponse = (req: ClientRequest, res: IncomingMessage): void => {
    res.resume();
    this.fail(errorFromHttpStatus(res.statusCode ?? 0));
    req.destroy();
  };

  private readonly onSocketError = (err: Error): void => {
    if (this.cancelled || this.completed) return;
    if ((err as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      const limit = `${MAX_SERVER_FRAME_BYTES / 1048576} MiB`;
      this.fail(new GradiumError('closed', `Gradium sent a frame over the ${limit} limit.`, 1009, 'transient'));
      return;
    }
    // Never echo request options: only the message, which carries no header.
    const what = this.opened ? 'Connection to Gradium lost' : 'Cannot reach Gradium';
    this.fail(new GradiumError('network', `${what}: ${err.message}`, null, 'transient'));
  };

  private readonly onSocketClose = (code: number, reason: Buffer): void => {
    const text = reason.toString();
    if (!this.failure && !this.completed && !this.cancelled) this.failure = errorFromClose(code, text);
    this.finish(code, text);
  };

  private fail(error: GradiumError): void {
    if (this.stateValue === S.CLOSED) return;
    if (!this.failure && !this.cancelled && !this.completed) this.failure = error;
    if (this.stateValue === S.CLOSING) return;
    const ws = this.ws;
    if (!ws) {
      this.finish(error.closeCode ?? CloseCode.ABNORMAL, error.message);
      return;
    }
    this.setState(S.CLOSING);
    this.closeSocket(ws, CloseCode.NORMAL);
  }

  private closeSocket(ws: WebSocket, code: number): void {
    this.responseTimer.cancel();
    if (ws.readyState === WebSocket.CONNECTING) {
      // ws throws on close() before the upgrade; terminate aborts the request instead.
      ws.terminate();
    } else if (ws.readyState === WebSocket.OPEN) {
      ws.close(code);
      this.armCloseTimer();
    } else if (ws.readyState === WebSocket.CLOSED) {
      this.finish(CloseCode.ABNORMAL, '');
    } else {
      this.armCloseTimer();
    }
  }

  private armCloseTimer(): void {
    this.closeTimer.setIfIdle(() => this.ws?.terminate(), this.options.closeTimeoutMs ?? 2000);
  }

  private finish(code: number, reason: string): void {
    if (this.stateValue === S.CLOSED) return;
    this.setState(S.CLOSED);
    this.responseTimer.cancel();
    this.closeTimer.cancel();
    const ws = this.ws;
    if (ws) {
      ws.off('open', this.onOpen);
      ws.off('message', this.onMessage);
      ws.off('unexpected-response', this.onUnexpectedResponse);
      ws.off('close', this.onSocketClose);
      // ws may still emit an error while tearing down; unhandled, it would crash Node-RED.
      ws.off('error', this.onSocketError);
      ws.on('error', () => undefined);
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    }
    this.emit('close', {
      code,
      reason,
      error: this.completed || this.cancelled ? null : this.failure,
      completed: this.completed,
      cancelled: this.cancelled,
    });
    this.removeAllListeners();
  }
}
