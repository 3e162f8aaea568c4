/**
 * The socket lifecycle both Gradium clients share (ASR in session.ts, TTS in tts-session.ts): connect with the
 * key header, hand every frame to the client, classify whatever ends the socket into a GradiumError with its
 * stable code, report the close exactly once, and own the two timers (the answer watchdog and the close
 * timer) so that none outlives the socket. Each client keeps only its protocol: what it sends on open, how it
 * reads a frame, and what its own states mean.
 *
 *     idle ──connect()──▶ connecting ──open──▶ open ──endInOrder()──▶ ending ──socket closed──▶ closed
 *       │                    │                  │                       │
 *       └─close()/fail()─────┴──close()/fail()──┴───────────────────────┴──▶ closing ──socket closed──▶ closed
 *
 * `ending`: an orderly end is under way (our end_of_stream sent, or the server's received) and the server
 * closes next; the close timer cuts the socket if it does not. `closing`: we are closing it (close() or a
 * failure). The first failure wins: later errors and close codes are its consequences. Nothing is recorded
 * as a failure once the session ended in order (close() called, or the server's end_of_stream received).
 */
import WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { NORMAL_CLOSE, isSendableCloseCode } from '../common/close-codes';
import { realClock, TimerSlot, type Clock } from '../common/clock';
import { StateMachine, type TransitionTable } from '../common/state-table';
import { GradiumError, errorFromClose, errorFromHttpStatus } from './errors';
import { CloseCode } from './protocol';
import { MAX_SERVER_FRAME_BYTES } from './server-message-parser';

export const SocketState = {
  IDLE: 'idle',
  CONNECTING: 'connecting',
  OPEN: 'open',
  ENDING: 'ending',
  CLOSING: 'closing',
  CLOSED: 'closed',
} as const;
export type SocketState = (typeof SocketState)[keyof typeof SocketState];

const S = SocketState;
const TRANSITIONS: TransitionTable<SocketState> = {
  [S.IDLE]: [S.CONNECTING, S.CLOSED],
  [S.CONNECTING]: [S.OPEN, S.CLOSING, S.CLOSED],
  [S.OPEN]: [S.ENDING, S.CLOSING, S.CLOSED],
  [S.ENDING]: [S.CLOSING, S.CLOSED],
  [S.CLOSING]: [S.CLOSED],
  [S.CLOSED]: [],
};

const HEADER_SOURCE = 'node-red';

export interface ProtocolSocketOptions {
  /** Names the machine in an illegal-transition error (the client's class name). */
  machine: string;
  url: string;
  apiKey: string;
  clock?: Clock;
  /** Longest wait for the HTTP upgrade (and the default for the client's answer watchdog). */
  handshakeTimeoutMs: number;
  /** From our close (or an orderly end) to the socket being closed, before it is cut. */
  closeTimeoutMs?: number;
}

export interface SocketClose {
  /** WebSocket close code (1006 when the socket died). */
  code: number;
  reason: string;
  /** The first failure; null when the session ended in order. */
  error: GradiumError | null;
}

export interface SocketHandlers {
  /** The upgrade succeeded: send the setup. */
  open: () => void;
  /** Every frame, in every state before `closed`; the client decides what its state accepts. */
  message: (data: WebSocket.RawData, isBinary: boolean) => void;
  /** Exactly once, last. */
  close: (close: SocketClose) => void;
}

export class ProtocolSocket {
  private ws: WebSocket | null = null;
  private readonly machine: StateMachine<SocketState>;
  private readonly watchdog: TimerSlot;
  private readonly closeTimer: TimerSlot;
  private failure: GradiumError | null = null;
  private orderly = false;
  /** The upgrade succeeded: later socket errors are a lost connection, not an unreachable server. */
  private opened = false;

  constructor(
    private readonly options: ProtocolSocketOptions,
    private readonly handlers: SocketHandlers,
  ) {
    this.machine = new StateMachine<SocketState>(options.machine, TRANSITIONS, S.IDLE);
    const clock = options.clock ?? realClock;
    this.watchdog = new TimerSlot(clock);
    this.closeTimer = new TimerSlot(clock);
  }

  get state(): SocketState {
    return this.machine.state;
  }

  /** The session ended in order (close() called, or the server's end_of_stream received). */
  get endedInOrder(): boolean {
    return this.orderly;
  }

  /** True while the socket is open and no end is under way. */
  get canSend(): boolean {
    return this.machine.is(S.CONNECTING, S.OPEN) && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Bytes queued in the socket but not yet written to the network (backpressure). */
  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  connect(): void {
    this.machine.to(S.CONNECTING);
    const ws = new WebSocket(this.options.url, {
      headers: { 'x-api-key': this.options.apiKey, 'x-api-source': HEADER_SOURCE },
      handshakeTimeout: this.options.handshakeTimeoutMs,
      maxPayload: MAX_SERVER_FRAME_BYTES,
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('open', this.onOpen);
    ws.on('message', this.handlers.message);
    ws.on('unexpected-response', this.onUnexpectedResponse);
    ws.on('error', this.onSocketError);
    ws.on('close', this.onSocketClose);
  }

  /** Send a text frame; false when the socket is not open (nothing is sent). */
  send(text: string): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(text);
    return true;
  }

  /** (Re-)arm the watchdog: Gradium silent for `ms` fails the session as a retryable timeout. */
  expectAnswerWithin(ms: number, message: string): void {
    this.watchdog.set(() => this.fail(new GradiumError('timeout', message, null, 'transient')), ms);
  }

  stopWatchdog(): void {
    this.watchdog.cancel();
  }

  /** Nothing that follows is a failure (the server's end_of_stream came, or the client ended on purpose). */
  markOrderly(): void {
    this.orderly = true;
  }

  /** An orderly end is under way: the server closes next, and the close timer cuts it if it does not. */
  endInOrder(): void {
    if (!this.machine.is(S.CONNECTING, S.OPEN)) return;
    this.machine.to(S.ENDING);
    this.armCloseTimer();
  }

  /** Close now, in order: no error is reported. `reasonIfIdle` is the close reason when never connected. */
  close(reasonIfIdle: string): void {
    if (this.machine.is(S.CLOSED, S.CLOSING)) return;
    this.orderly = true;
    const ws = this.ws;
    if (!ws || this.machine.is(S.IDLE)) {
      this.finish(CloseCode.NORMAL, reasonIfIdle);
      return;
    }
    this.machine.to(S.CLOSING);
    this.closeSocket(ws, NORMAL_CLOSE);
  }

  /** Record the first failure and bring the socket down; the `close` handler reports it. */
  fail(error: GradiumError): void {
    if (this.machine.is(S.CLOSED)) return;
    if (!this.failure && !this.orderly) this.failure = error;
    if (this.machine.is(S.CLOSING)) return;
    const ws = this.ws;
    if (!ws) {
      this.finish(error.closeCode ?? CloseCode.ABNORMAL, error.message);
      return;
    }
    this.machine.to(S.CLOSING);
    // Echo a server error's code when a close frame may carry it (an error frame may name any number).
    const code = error.kind === 'server' && error.closeCode !== null && isSendableCloseCode(error.closeCode) ? error.closeCode : NORMAL_CLOSE;
    this.closeSocket(ws, code);
  }

  private closeSocket(ws: WebSocket, code: number): void {
    this.watchdog.cancel();
    if (ws.readyState === WebSocket.CONNECTING) {
      // ws throws on close() before the upgrade; terminate aborts the request instead.
      ws.terminate();
    } else if (ws.readyState === WebSocket.OPEN) {
      ws.close(code);
      this.armCloseTimer();
    } else if (ws.readyState === WebSocket.CLOSED) {
      this.finish(this.failure?.closeCode ?? CloseCode.ABNORMAL, this.failure?.message ?? '');
    } else {
      this.armCloseTimer();
    }
  }

  private armCloseTimer(): void {
    this.closeTimer.setIfIdle(() => this.ws?.terminate(), this.options.closeTimeoutMs ?? 2000);
  }

  private readonly onOpen = (): void => {
    this.opened = true;
    if (!this.machine.is(S.CONNECTING)) return;
    this.machine.to(S.OPEN);
    this.handlers.open();
  };

  private readonly onUnexpectedResponse = (req: ClientRequest, res: IncomingMessage): void => {
    res.resume();
    this.fail(errorFromHttpStatus(res.statusCode ?? 0));
    req.destroy();
  };

  private readonly onSocketError = (err: Error): void => {
    // Aborting our own upgrade (close() while connecting) surfaces as an error: not a failure.
    if (this.orderly) return;
    if ((err as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      const limit = `${MAX_SERVER_FRAME_BYTES / 1048576} MiB`;
      this.fail(new GradiumError('closed', `Gradium sent a frame over the ${limit} limit; the session was closed.`, 1009, 'transient'));
      return;
    }
    // Never echo request options: only the message, which carries no header.
    const what = this.opened ? 'Connection to Gradium lost' : 'Cannot reach Gradium';
    this.fail(new GradiumError('network', `${what}: ${err.message}`, null, 'transient'));
  };

  private readonly onSocketClose = (code: number, reason: Buffer): void => {
    const text = reason.toString();
    if (!this.failure && !this.orderly) this.failure = errorFromClose(code, text);
    this.finish(code, text);
  };

  private finish(code: number, reason: string): void {
    if (this.machine.is(S.CLOSED)) return;
    this.machine.to(S.CLOSED);
    this.watchdog.cancel();
    this.closeTimer.cancel();
    const ws = this.ws;
    if (ws) {
      ws.off('open', this.onOpen);
      ws.off('message', this.handlers.message);
      ws.off('unexpected-response', this.onUnexpectedResponse);
      ws.off('close', this.onSocketClose);
      // Keep a no-op error listener: ws may still emit one while tearing down, and an unhandled
      // 'error' event would crash Node-RED.
      ws.off('error', this.onSocketError);
      ws.on('error', () => undefined);
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    }
    this.handlers.close({ code, reason, error: this.failure });
  }
}
