/**
 * What the emulator's two protocol sessions (ASR in session.ts, TTS in tts-session.ts) share: one accepted
 * WebSocket, the key check at the door, frames read as JSON objects with a string `type` (anything else is
 * refused with 1008), sends that check the socket is still open, an error frame followed by a close, timers
 * that die with the socket, and the close recorded and reported once. Each session brings its phases (a table
 * that always lets it reach `ended`) and what its protocol does with a message.
 *
 * Close codes: a fault may name any number (`--error-after-frames 2:1006`), but a close frame may carry only
 * 1000-1003, 1007-1014 and 3000-4999 (src/common/close-codes.ts). The error frame keeps the configured code;
 * the close uses it when it may, else 1011. `closeCode` records the code actually sent (1006 when the socket
 * was cut, as the client sees it).
 */
import { WebSocket, type RawData } from 'ws';
import { closeReason, sendableCloseCode } from '../common/close-codes';
import { StateMachine, type TransitionTable } from '../common/state-table';
import type { EmulatorFaults } from './types';

export const ENDED = 'ended';
export type Ended = typeof ENDED;

export interface SocketSessionContext {
  id: number;
  apiKeyAccepted: boolean;
  headers: Record<string, string | string[] | undefined>;
  faults: EmulatorFaults;
  record: boolean;
  log: (line: string) => void;
}

/** A frame read as a message: a JSON object with a string `type`. */
export interface TypedFrame {
  type: string;
}

export abstract class SocketSession<P extends string, In extends TypedFrame, Out extends TypedFrame> {
  readonly id: number;
  readonly apiKeyAccepted: boolean;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly received: In[] = [];
  readonly sent: Out[] = [];
  closeCode?: number;
  closed = false;

  protected readonly faults: EmulatorFaults;
  private readonly phases: StateMachine<P | Ended>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closeCodeSent: number | undefined;

  protected constructor(
    protected readonly ws: WebSocket,
    private readonly context: SocketSessionContext,
    /** How log lines name this session, e.g. "tts session 3". */
    private readonly label: string,
    table: TransitionTable<P | Ended>,
    initial: P,
  ) {
    this.id = context.id;
    this.apiKeyAccepted = context.apiKeyAccepted;
    this.headers = context.headers;
    this.faults = { ...context.faults };
    this.phases = new StateMachine<P | Ended>(label.replace(/ \d+$/, ''), table, initial);
  }

  /** Listen to the socket; `admit` runs the key check and returns false when it refused the session. */
  start(): void {
    this.ws.on('close', (code) => this.onSocketClose(code));
    this.ws.on('error', (err) => this.log(`socket error: ${err.message}`));
    if (!this.admit()) return;
    this.ws.on('message', (data, isBinary) => this.onSocketFrame(data, isBinary));
  }

  /** Close politely, then cut the socket if the peer does not finish the handshake in time. */
  shutdown(graceMs: number): void {
    if (this.closed) return;
    if (!this.ended) this.closeWith(1001, 'emulator shutting down');
    this.later(graceMs, () => this.ws.terminate());
  }

  /** Refuse the session at the door (bad or missing key); true lets it in. */
  protected abstract admit(): boolean;
  /** One message of the protocol, in order; called only before `ended`. */
  protected abstract receive(message: In): void;
  protected abstract errorFrame(code: number, message: string): Out;
  /** The refusal of a binary frame (the texts differ between the two protocols). */
  protected abstract readonly binaryFrameMessage: string;
  /** The socket closed: drop what is pending; returns what the close means for the log line ('' or e.g. a cancel). */
  protected abstract onClosed(endedByUs: boolean): string;
  /** Hand the finished session to the emulator. */
  protected abstract reportEnd(): void;

  protected get phase(): P | Ended {
    return this.phases.state;
  }

  protected get ended(): boolean {
    return this.phases.state === ENDED;
  }

  protected moveTo(phase: P | Ended): void {
    this.phases.to(phase);
  }

  protected log(line: string): void {
    this.context.log(`${this.label}: ${line}`);
  }

  private onSocketFrame(data: RawData, isBinary: boolean): void {
    if (this.ended) return;
    if (isBinary) {
      this.fail(1008, this.binaryFrameMessage);
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      this.fail(1008, 'Invalid message: not JSON'); // UNCONFIRMED text
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string') {
      this.fail(1008, 'Invalid message: expected a JSON object with a string "type"'); // UNCONFIRMED text
      return;
    }
    this.receive(msg as In);
  }

  protected send(msg: Out): void {
    this.sendRaw(JSON.stringify(msg), () => msg);
  }

  /** Send prepared JSON; `record` builds the message for `sent` only when recording. */
  protected sendRaw(json: string, record: () => Out): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(json);
    if (this.context.record) this.sent.push(record());
    return true;
  }

  protected get recording(): boolean {
    return this.context.record;
  }

  /** Error frame, then a close with the same code (or 1011 where a close frame may not carry it). */
  protected fail(code: number, message: string): void {
    if (this.ended) return;
    const first = message.split('\n')[0] ?? '';
    this.log(`error ${code}: ${first}`);
    this.send(this.errorFrame(code, message));
    this.closeWith(code, first);
  }

  protected closeWith(code: number, reason: string): void {
    this.moveTo(ENDED);
    this.closeCodeSent = sendableCloseCode(code);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(this.closeCodeSent, closeReason(reason));
    }
  }

  /** Cut the socket without a close frame (the client sees 1006): the abrupt-close faults. */
  protected cut(why: string): void {
    this.log(why);
    this.moveTo(ENDED);
    this.ws.terminate();
  }

  private onSocketClose(code: number): void {
    const endedByUs = this.ended;
    this.moveTo(ENDED);
    this.closed = true;
    this.closeCode = this.closeCodeSent ?? code;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const note = this.onClosed(endedByUs);
    this.log(`closed ${this.closeCode}${note}`);
    this.reportEnd();
  }

  protected later(ms: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}
