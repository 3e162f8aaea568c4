/**
 * What a connection hands its requests to, and what they answer through. A connection has at most one STT
 * and one TTS request handler, created on the first event of their kind and reused for later requests.
 */
import type { ErrorCode } from '../common/error-codes';
import type { WyomingEvent } from './framing';

/** The client as flows see it (`msg.wyoming.client`): `address:port`. */
export interface WyomingClient {
  address: string;
  port: number;
  /** `address:port` ([v6]:port for IPv6). */
  id: string;
}

export interface Outbox {
  send(type: string, data?: Record<string, unknown>, payload?: Buffer): void;
  /** An `error` event, then the connection closes (older Home Assistant waits for ever otherwise). */
  fail(code: ErrorCode, text: string): void;
}

export interface RequestHandler {
  event(e: WyomingEvent): void;
  /** The connection is gone (client hung up, redeploy): end whatever runs, release everything. */
  close(): void;
}

export interface ProgramHandler {
  open(client: WyomingClient, out: Outbox): RequestHandler;
}

/** A refusal that ends the connection with an `error` event. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
