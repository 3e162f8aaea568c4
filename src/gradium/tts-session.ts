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
import type WebSocket from 'ws';
import type { Clock } from '../common/clock';
import type { GradiumError } from './errors';
import { ProtocolSocket, SocketState, type SocketClose } from './protocol-socket';
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

/** The socket's states in this protocol's words (protocol-socket.ts holds the table of allowed moves). */
const STATE_OF: Record<SocketState, TtsSessionState> = {
  [SocketState.IDLE]: TtsSessionState.IDLE,
  [SocketState.CONNECTING]: TtsSessionState.CONNECTING,
  [SocketState.OPEN]: TtsSessionState.SYNTHESIZING,
  [SocketState.ENDING]: TtsSessionState.FINISHING,
  [SocketState.CLOSING]: TtsSessionState.CLOSING,
  [SocketState.CLOSED]: TtsSessionState.CLOSED,
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

export class TtsSession extends TypedEmitter<TtsSessionEvents> {
  private readonly socket: ProtocolSocket;
  private completed = false;
  private cancelled = false;
  /** Unknown message types already warned about (each once). */
  private readonly ignoredTypes = new Set<string>();
  readyMessage: TtsReadyMessage | null = null;

  constructor(private readonly options: TtsSessionOptions) {
    super();
    this.socket = new ProtocolSocket(
      {
        machine: 'TtsSession',
        url: options.url,
        apiKey: options.apiKey,
        clock: options.clock,
        handshakeTimeoutMs: this.responseTimeoutMs,
        closeTimeoutMs: options.closeTimeoutMs,
      },
      { open: this.onOpen, message: this.onMessage, close: this.onClose },
    );
  }

  get state(): TtsSessionState {
    return STATE_OF[this.socket.state];
  }

  connect(): void {
    this.socket.connect();
    this.armResponseTimer();
  }

  /** Stop now: close the socket (Gradium's way to cancel), emit nothing more but `close`. */
  cancel(): void {
    if (this.socket.state === SocketState.CLOSED || this.socket.state === SocketState.CLOSING) return;
    this.cancelled = true;
    this.socket.close('cancelled before connecting');
  }

  private get responseTimeoutMs(): number {
    return this.options.responseTimeoutMs ?? 10_000;
  }

  private armResponseTimer(): void {
    const ms = this.responseTimeoutMs;
    this.socket.expectAnswerWithin(ms, `Gradium sent nothing for ${ms} ms.`);
  }

  private readonly onOpen = (): void => {
    const { setup, text } = this.options;
    const message: Record<string, unknown> = {
      type: 'setup',
      model_name: setup.model,
      voice_id: setup.voice,
      output_format: setup.outputFormat,
    };
    if (setup.jsonConfig && Object.keys(setup.jsonConfig).length > 0) message.json_config = setup.jsonConfig;
    this.socket.send(JSON.stringify(message));
    for (const piece of text) this.socket.send(JSON.stringify({ type: 'text', text: piece }));
    this.socket.send('{"type":"end_of_stream"}');
  };

  private readonly onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (this.socket.state !== SocketState.OPEN) return;
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
        this.socket.stopWatchdog();
        this.socket.markOrderly();
        // The server closes next; if it does not, do not wait for it long.
        this.socket.endInOrder();
        this.emit('end');
        break;
      case 'error':
        this.socket.fail(ttsErrorFromServerFrame(m.code, m.message, this.options.setup.voice));
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

  private readonly onClose = (close: SocketClose): void => {
    this.emit('close', {
      ...close,
      error: this.completed || this.cancelled ? null : close.error,
      completed: this.completed,
      cancelled: this.cancelled,
    });
    this.removeAllListeners();
  };
}
