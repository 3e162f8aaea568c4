/**
 * A program that is attached at once but can only serve once something has loaded (gradium-stt's WebAssembly
 * resampler and voice detector load after deploy). Attaching at once matters: Home Assistant reconnects as soon
 * as Node-RED listens, and an `info` sent before the program was attached would list no speech-to-text, and a
 * request would be refused. Events of a request that opens before the program is ready wait, in order, and are
 * handed over when it is; a connection that closes meanwhile opens nothing.
 *
 *   waiting ──ready──▶ serving          waiting ──close()──▶ closed        serving ──close()──▶ closed
 *   waiting ──load failed, or more than MAX_WAITING_EVENTS──▶ closed (an `error` event, the connection closes)
 */
import { StateMachine, type TransitionTable } from '../common/state-table';
import type { WyomingEvent } from './framing';
import { RequestError, type Outbox, type ProgramHandler, type RequestHandler, type WyomingClient } from './requests';

/** Events held per request while the program loads (loading takes well under a second; a client is not sent
 *  an answer meanwhile, so it has no reason to send more than a few seconds of audio chunks). */
export const MAX_WAITING_EVENTS = 1000;

type DeferredState = 'waiting' | 'serving' | 'closed';

const TRANSITIONS: TransitionTable<DeferredState> = {
  waiting: ['serving', 'closed'],
  serving: ['closed'],
  closed: [],
};

export interface Readiness {
  /** True once the program can serve. */
  isReady(): boolean;
  /** Settles when it can (rejects when it never will). */
  readonly ready: Promise<unknown>;
}

/** `program`, attached now, serving once `readiness` says so; what it describes is read from it at once. */
export function deferredProgram<D>(program: ProgramHandler & { describe(): D }, readiness: Readiness): ProgramHandler & { describe(): D } {
  return {
    describe: () => program.describe(),
    open(client: WyomingClient, out: Outbox): RequestHandler {
      if (readiness.isReady()) return program.open(client, out);
      return new DeferredRequest(program, readiness, client, out);
    },
  };
}

class DeferredRequest implements RequestHandler {
  private readonly machine = new StateMachine<DeferredState>('deferred Wyoming request', TRANSITIONS, 'waiting');
  private waiting: WyomingEvent[] = [];
  private inner: RequestHandler | null = null;

  constructor(
    program: ProgramHandler,
    readiness: Readiness,
    client: WyomingClient,
    private readonly out: Outbox,
  ) {
    readiness.ready.then(
      () => {
        if (this.machine.state !== 'waiting') return;
        this.machine.to('serving');
        const events = this.waiting;
        this.waiting = [];
        try {
          this.inner = program.open(client, out);
          for (const e of events) this.inner.event(e);
        } catch (err) {
          this.failWith(err);
        }
      },
      (err: unknown) => {
        if (this.machine.state !== 'waiting') return;
        this.close();
        out.fail('NOT_CONFIGURED', `speech-to-text could not start: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  event(e: WyomingEvent): void {
    if (this.inner) {
      this.inner.event(e);
      return;
    }
    if (this.machine.state !== 'waiting') return;
    if (this.waiting.length >= MAX_WAITING_EVENTS) {
      throw new RequestError('BAD_EVENT', `more than ${MAX_WAITING_EVENTS} events arrived while speech-to-text was still loading`);
    }
    this.waiting.push(e);
  }

  close(): void {
    if (this.machine.state === 'closed') return;
    this.machine.to('closed');
    this.waiting = [];
    this.inner?.close();
    this.inner = null;
  }

  /** A refusal raised while the held events were handed over: answered as the connection would have. */
  private failWith(err: unknown): void {
    this.close();
    if (err instanceof RequestError) this.out.fail(err.code, err.message);
    else this.out.fail('SERVER_ERROR', err instanceof Error ? err.message : String(err));
  }
}
