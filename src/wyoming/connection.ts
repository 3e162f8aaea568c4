/**
 * One client connection: bytes in through the EventReader, events dispatched to the server (describe, ping) or
 * to this connection's STT and TTS requests, events out. Every refusal is an `error` event {text, code} and a
 * close; a client that goes quiet in the middle of an event is closed too.
 *
 *     open ──error event sent / client gone / server closing──▶ closing ──socket closed──▶ closed
 */
import type { Socket } from 'node:net';
import type { ErrorCode } from '../common/error-codes';
import { TimerSlot, type Clock } from '../common/clock';
import { StateMachine, type TransitionTable } from '../common/state-table';
import { encodeEvent, EventReader, FramingError, type WyomingEvent } from './framing';
import { RequestError, type Outbox, type ProgramHandler, type RequestHandler, type WyomingClient } from './requests';

export type ConnectionState = 'open' | 'closing' | 'closed';

const TRANSITIONS: TransitionTable<ConnectionState> = {
  open: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

const STT_EVENTS = new Set(['transcribe', 'audio-start', 'audio-chunk', 'audio-stop']);
const TTS_EVENTS = new Set(['synthesize', 'synthesize-start', 'synthesize-chunk', 'synthesize-stop']);

/** What a connection needs from its server. */
export interface ConnectionHost {
  info(): Record<string, unknown>;
  asr(): ProgramHandler | null;
  tts(): ProgramHandler | null;
  clock: Clock;
  /** A connection that stops in the middle of an event for this long is closed. */
  partialEventTimeoutMs: number;
  closed(connection: WyomingConnection): void;
  /** An error event was sent to a client (for the server's counters and log). */
  refused(client: WyomingClient, code: ErrorCode, text: string): void;
}

export class WyomingConnection implements Outbox {
  private readonly machine = new StateMachine<ConnectionState>('wyoming connection', TRANSITIONS, 'open');
  private readonly reader = new EventReader();
  private stt: RequestHandler | null = null;
  private tts: RequestHandler | null = null;
  private readonly partial: TimerSlot;

  constructor(
    private readonly socket: Socket,
    readonly client: WyomingClient,
    private readonly host: ConnectionHost,
  ) {
    this.partial = new TimerSlot(host.clock);
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.receive(bytes));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClosed());
  }

  get state(): ConnectionState {
    return this.machine.state;
  }

  send(type: string, data?: Record<string, unknown>, payload?: Buffer): void {
    if (!this.machine.is('open')) return;
    this.socket.write(encodeEvent(type, data, payload));
  }

  fail(code: ErrorCode, text: string): void {
    if (!this.machine.is('open')) return;
    this.send('error', { text, code });
    this.host.refused(this.client, code, text);
    this.close();
  }

  /** Ends the connection (after what was written is sent); requests end at once. */
  close(): void {
    if (!this.machine.is('open')) return;
    this.machine.to('closing');
    this.endRequests();
    this.socket.end();
    // A client that does not read what is left must not keep the socket.
    this.partial.set(() => this.socket.destroy(), 2000);
  }

  /** Drops the socket at once (redeploy past its grace). */
  destroy(): void {
    this.socket.destroy();
  }

  private receive(bytes: Buffer): void {
    if (!this.machine.is('open')) return;
    let events: WyomingEvent[];
    try {
      events = this.reader.push(bytes);
    } catch (err) {
      this.fail('BAD_EVENT', err instanceof FramingError ? err.message : String(err));
      return;
    }
    for (const e of events) {
      if (!this.machine.is('open')) return;
      try {
        this.dispatch(e);
      } catch (err) {
        if (err instanceof RequestError) this.fail(err.code, err.message);
        else this.fail('SERVER_ERROR', err instanceof Error ? err.message : String(err));
      }
    }
    if (!this.machine.is('open')) return;
    // Bytes of an unfinished event wait only so long.
    if (this.reader.bufferedBytes > 0) {
      this.partial.set(() => this.fail('BAD_EVENT', 'an event stayed incomplete for too long'), this.host.partialEventTimeoutMs);
    } else this.partial.cancel();
  }

  private dispatch(e: WyomingEvent): void {
    if (e.type === 'describe') {
      this.send('info', this.host.info());
      return;
    }
    if (e.type === 'ping') {
      this.send('pong', typeof e.data.text === 'string' ? { text: e.data.text } : undefined);
      return;
    }
    if (STT_EVENTS.has(e.type)) {
      if (!this.stt) {
        const asr = this.host.asr();
        if (!asr) throw new RequestError('NOT_CONFIGURED', 'this Wyoming server has no speech-to-text (no gradium-stt is attached)');
        this.stt = asr.open(this.client, this);
      }
      this.stt.event(e);
      return;
    }
    if (TTS_EVENTS.has(e.type)) {
      if (!this.tts) {
        const tts = this.host.tts();
        if (!tts) throw new RequestError('NOT_CONFIGURED', 'this Wyoming server has no text-to-speech (no gradium-tts is attached)');
        this.tts = tts.open(this.client, this);
      }
      this.tts.event(e);
    }
    // Anything else (select-program, satellite events, future types) is ignored, as the protocol asks.
  }

  private endRequests(): void {
    this.stt?.close();
    this.tts?.close();
    this.stt = null;
    this.tts = null;
  }

  private onClosed(): void {
    if (this.machine.is('closed')) return;
    this.endRequests();
    this.partial.cancel();
    this.machine.to('closed');
    this.host.closed(this);
  }
}
