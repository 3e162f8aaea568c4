/**
 * The phone calls one gradium-stt node is hearing, by stream key: each media-stream event becomes the step
 * the stream layer takes (open now, audio, a digit, end), lost chunks are counted from the gaps in the
 * provider's sequence numbers, and anything out of order is a MediaEventError that touches no other call.
 *
 *     (unknown) ──start──▶ streaming ──stop──▶ stopped ──the stream's last report──▶ (forgotten)
 *
 * A call whose stream ends without a `stop` (idle: the provider's socket dropped) is forgotten when the
 * stream reports its end, so a lost `stop` does not keep the call forever.
 */
import { StateMachine, type TransitionTable } from '../common/state-table';
import { MediaEventError, streamName, type CallAudioFormat, type InboundEvent } from './inbound-event';

export type CallState = 'streaming' | 'stopped';

const TRANSITIONS: TransitionTable<CallState> = {
  streaming: ['stopped'],
  stopped: [],
};

/** What the node passes along for a call (its output messages' properties). */
export interface CallInfo {
  streamId: string | undefined;
  callId: string | undefined;
  customParameters: Record<string, unknown> | undefined;
}

export class InboundCall<C> {
  private readonly machine = new StateMachine<CallState>('InboundCall', TRANSITIONS, 'streaming');
  /** Set by the node once the stream is open: what every output message of this call carries. */
  context: C | undefined;
  lostChunks = 0;
  /** Outbound-track media seen (and not transcribed). */
  outboundChunks = 0;
  private lastSequence: number | undefined;

  constructor(
    readonly key: string,
    readonly info: CallInfo,
    readonly format: CallAudioFormat,
    sequence: number | undefined,
  ) {
    this.lastSequence = sequence;
  }

  get state(): CallState {
    return this.machine.state;
  }

  to(next: CallState): void {
    this.machine.to(next);
  }

  /** A gap in the sequence numbers is messages the provider sent and we never saw; a late one was not lost. */
  noteSequence(sequence: number | undefined): void {
    if (sequence === undefined) return;
    const last = this.lastSequence;
    if (last === undefined || sequence > last) {
      if (last !== undefined) this.lostChunks += sequence - last - 1;
      this.lastSequence = sequence;
    } else if (sequence < last && this.lostChunks > 0) {
      this.lostChunks -= 1;
    }
  }
}

export type CallStep<C> =
  | { kind: 'ignore' }
  | { kind: 'warn'; key: string | undefined; message: string }
  /** Not yet recorded: open the stream, then `opened(call)`. */
  | { kind: 'start'; key: string; call: InboundCall<C> }
  | { kind: 'audio'; key: string; audio: Buffer; call: InboundCall<C> }
  | { kind: 'dtmf'; key: string; digit: string; call: InboundCall<C> | undefined }
  | { kind: 'stop'; key: string; call: InboundCall<C> };

export class InboundCalls<C> {
  private readonly calls = new Map<string, InboundCall<C>>();

  get size(): number {
    return this.calls.size;
  }

  get(key: string): InboundCall<C> | undefined {
    return this.calls.get(key);
  }

  /**
   * The step for one event. `namedKey` is the message's own key (msg.topic) when set and not empty; else the
   * event's stream id is the key. Throws MediaEventError, changing nothing, for an event that cannot apply.
   */
  accept(ev: InboundEvent, namedKey: string | undefined): CallStep<C> {
    if (ev.kind === 'connected' || ev.kind === 'cleared') return IGNORE;
    const key = namedKey ?? ev.streamId;
    if (ev.kind === 'mark') {
      this.noteSequence(key, ev.sequence);
      return IGNORE;
    }
    if (ev.kind === 'error') return { kind: 'warn', key, message: `the provider reported an error on ${streamName(ev.streamId)}: ${ev.message}` };
    if (key === undefined) {
      throw new MediaEventError(`a ${ev.kind} event has no stream id (streamSid, stream_id, streamId or stream_sid) and the message has no key; the call cannot be told apart from others.`);
    }
    const call = this.calls.get(key);
    switch (ev.kind) {
      case 'start': {
        if (call?.state === 'streaming') {
          throw new MediaEventError(`a second start event for key "${key}" (${streamName(ev.streamId)}) while its call is streaming; each call needs its own key.`);
        }
        const info: CallInfo = { streamId: ev.streamId, callId: ev.callId, customParameters: ev.customParameters };
        return { kind: 'start', key, call: new InboundCall<C>(key, info, ev.format, ev.sequence) };
      }
      case 'media': {
        if (call?.state !== 'streaming') {
          throw new MediaEventError(
            `media for key "${key}" (${streamName(ev.streamId)}) ${call ? 'after its stop event' : 'before its start event'}; ` +
              'a call is opened by "start" (connect the websocket in node before the call begins).',
          );
        }
        call.noteSequence(ev.sequence);
        if (ev.outbound) {
          call.outboundChunks += 1;
          return IGNORE;
        }
        return { kind: 'audio', key, audio: ev.audio, call };
      }
      case 'dtmf':
        call?.noteSequence(ev.sequence);
        return { kind: 'dtmf', key, digit: ev.digit, call };
      case 'stop': {
        if (call?.state !== 'streaming') {
          throw new MediaEventError(`stop for key "${key}" (${streamName(ev.streamId)}), which ${call ? 'has already stopped' : 'never started'}.`);
        }
        call.noteSequence(ev.sequence);
        call.to('stopped');
        return { kind: 'stop', key, call };
      }
    }
  }

  /** The stream of a `start` step is open: the call is known from now on. */
  opened(call: InboundCall<C>): void {
    this.calls.set(call.key, call);
  }

  /** The key's stream ended for good (stop, idle, reset, redeploy): nothing more is kept about it. */
  forget(key: string): void {
    this.calls.delete(key);
  }

  clear(): void {
    this.calls.clear();
  }

  private noteSequence(key: string | undefined, sequence: number | undefined): void {
    if (key !== undefined) this.calls.get(key)?.noteSequence(sequence);
  }
}

const IGNORE = { kind: 'ignore' } as const;
