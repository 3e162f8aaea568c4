/**
 * The Wyoming TCP server of a `wyoming-server` node: one listener, the allow-list and the connection cap
 * checked before a byte is read, `describe` answered from what is attached, and at most one speech-to-text
 * and one text-to-speech program attached at a time.
 *
 *     stopped ──listen()──▶ starting ──listening──▶ listening ──close()──▶ closed
 *                              └──port in use, bad address──▶ failed ──close()──▶ closed
 */
import * as net from 'node:net';
import { CodedError, type ErrorCode } from '../common/error-codes';
import { realClock, type Clock } from '../common/clock';
import { TypedEmitter } from '../common/typed-emitter';
import { StateMachine, type TransitionTable } from '../common/state-table';
import type { AllowList } from './allow-list';
import { WyomingConnection } from './connection';
import { infoData, type AsrDescription, type TtsDescription } from './info';
import type { ProgramHandler, WyomingClient } from './requests';

export type ServerState = 'stopped' | 'starting' | 'listening' | 'failed' | 'closed';

const TRANSITIONS: TransitionTable<ServerState> = {
  stopped: ['starting', 'closed'],
  starting: ['listening', 'failed', 'closed'],
  listening: ['closed'],
  failed: ['closed'],
  closed: [],
};

export interface AsrProgram extends ProgramHandler {
  describe(): AsrDescription;
}

export interface TtsProgram extends ProgramHandler {
  describe(): TtsDescription;
}

export interface WyomingServerOptions {
  /** What Home Assistant shows (the programs' name). */
  name: string;
  host: string;
  port: number;
  allow: AllowList;
  maxConnections: number;
  /** This package's version, in `info`. */
  version: string;
  clock?: Clock;
  /** Default 10 s. */
  partialEventTimeoutMs?: number;
}

export interface ServerCounters {
  connections: number;
  /** Connections accepted since the start. */
  accepted: number;
  refusedNotAllowed: number;
  refusedFull: number;
  /** Error events sent. */
  errors: number;
}

export type WyomingServerEvents = {
  /** Something the status shows changed. */
  changed: () => void;
  /** A connection was refused or ended with an error event (for the log). */
  refused: (client: WyomingClient, code: ErrorCode | 'NOT_ALLOWED' | 'FULL', text: string) => void;
};

export class ListenError extends CodedError {
  override readonly name = 'ListenError';
  constructor(message: string) {
    super('PORT_IN_USE', message);
  }
}

export class AttachError extends CodedError {
  override readonly name = 'AttachError';
  constructor(message: string) {
    super('WYOMING_TAKEN', message);
  }
}

interface Attached<P> {
  program: P;
  owner: string;
}

export class WyomingServer extends TypedEmitter<WyomingServerEvents> {
  private readonly machine = new StateMachine<ServerState>('wyoming server', TRANSITIONS, 'stopped');
  private readonly server: net.Server;
  private readonly connections = new Set<WyomingConnection>();
  private readonly clock: Clock;
  private asrProgram: Attached<AsrProgram> | null = null;
  private ttsProgram: Attached<TtsProgram> | null = null;
  private failure: ListenError | null = null;
  readonly counters: ServerCounters = { connections: 0, accepted: 0, refusedNotAllowed: 0, refusedFull: 0, errors: 0 };

  constructor(private readonly options: WyomingServerOptions) {
    super();
    this.clock = options.clock ?? realClock;
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get state(): ServerState {
    return this.machine.state;
  }

  /** Why listening failed, if it did. */
  get error(): ListenError | null {
    return this.failure;
  }

  /** The bound port (the configured one, or the one the system chose for port 0). */
  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : this.options.port;
  }

  listen(): Promise<void> {
    this.machine.to('starting');
    return new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        const where = `${this.options.host}:${this.options.port}`;
        const why =
          err.code === 'EADDRINUSE'
            ? `port ${this.options.port} is already in use (another Wyoming service, or another wyoming-server node?)`
            : err.code === 'EADDRNOTAVAIL'
              ? `address ${this.options.host} is not one of this machine's`
              : err.code === 'EACCES'
                ? `no permission to listen on port ${this.options.port}`
                : err.message;
        this.failure = new ListenError(`Wyoming server cannot listen on ${where}: ${why}.`);
        if (this.machine.is('starting')) this.machine.to('failed');
        this.emit('changed');
        reject(this.failure);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        if (this.machine.is('starting')) this.machine.to('listening');
        this.emit('changed');
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host: this.options.host, port: this.options.port, exclusive: true });
    });
  }

  /** Closes the listener and every connection (their requests end at once); resolves when the port is free. */
  async close(): Promise<void> {
    if (this.machine.is('closed')) return;
    const wasListening = this.machine.is('listening', 'starting');
    this.machine.to('closed');
    for (const c of [...this.connections]) c.close();
    await new Promise<void>((resolve) => {
      if (!wasListening) return resolve();
      this.server.close(() => resolve());
      // Connections still open after their close() do not hold the port: destroy them.
      this.clock.setTimeout(() => {
        for (const c of [...this.connections]) c.destroy();
      }, 500);
    });
    this.removeAllListeners();
  }

  /** Attach the speech-to-text program; throws AttachError when another node already serves it. */
  attachAsr(program: AsrProgram, owner: string): () => void {
    if (this.asrProgram) throw new AttachError(`this Wyoming server already serves speech-to-text for ${this.asrProgram.owner}; one gradium-stt per server`);
    const entry = { program, owner };
    this.asrProgram = entry;
    this.emit('changed');
    return () => {
      if (this.asrProgram === entry) this.asrProgram = null;
      this.emit('changed');
    };
  }

  attachTts(program: TtsProgram, owner: string): () => void {
    if (this.ttsProgram) throw new AttachError(`this Wyoming server already serves text-to-speech for ${this.ttsProgram.owner}; one gradium-tts per server`);
    const entry = { program, owner };
    this.ttsProgram = entry;
    this.emit('changed');
    return () => {
      if (this.ttsProgram === entry) this.ttsProgram = null;
      this.emit('changed');
    };
  }

  get programs(): { asr: boolean; tts: boolean } {
    return { asr: this.asrProgram !== null, tts: this.ttsProgram !== null };
  }

  /** The `info` data as sent now. */
  info(): Record<string, unknown> {
    return infoData(
      this.options.name,
      this.options.version,
      this.asrProgram?.program.describe() ?? null,
      this.ttsProgram?.program.describe() ?? null,
    );
  }

  private accept(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '';
    const port = socket.remotePort ?? 0;
    const client: WyomingClient = { address, port, id: address.includes(':') ? `[${address}]:${port}` : `${address}:${port}` };
    if (!this.machine.is('listening')) {
      socket.destroy();
      return;
    }
    if (!this.options.allow.allows(address)) {
      this.counters.refusedNotAllowed += 1;
      socket.destroy();
      this.emit('refused', client, 'NOT_ALLOWED', `connection from ${address} refused: not in allow (${this.options.allow.text})`);
      this.emit('changed');
      return;
    }
    if (this.connections.size >= this.options.maxConnections) {
      this.counters.refusedFull += 1;
      socket.destroy();
      this.emit('refused', client, 'FULL', `connection from ${client.id} refused: ${this.options.maxConnections} connections are open (maxConnections)`);
      this.emit('changed');
      return;
    }
    const connection = new WyomingConnection(socket, client, {
      info: () => this.info(),
      asr: () => this.asrProgram?.program ?? null,
      tts: () => this.ttsProgram?.program ?? null,
      clock: this.clock,
      partialEventTimeoutMs: this.options.partialEventTimeoutMs ?? 10_000,
      closed: (c) => {
        this.connections.delete(c);
        this.counters.connections = this.connections.size;
        this.emit('changed');
      },
      refused: (c, code, text) => {
        this.counters.errors += 1;
        this.emit('refused', c, code, text);
      },
    });
    this.connections.add(connection);
    this.counters.connections = this.connections.size;
    this.counters.accepted += 1;
    this.emit('changed');
  }
}
