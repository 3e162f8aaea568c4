/**
 * gradium-stt's side of a phone call: media-stream events from a `websocket in` node become the stream
 * layer's start, audio and stop, and a DTMF digit becomes a message on the transcript output. The calls
 * themselves (states, lost chunks, what is out of order) are src/telephony's; this only translates.
 */
import type { NodeMessage, NodeMessageInFlow } from 'node-red';
import type { AudioFormat } from '../audio/types';
import type { DisconnectedPayload } from '../streams/events';
import { NoStreamError, type StreamManager } from '../streams/stream-manager';
import { InboundCalls, looksLikeMediaEvent, parseInboundEvent, type CallAudioFormat, type InboundCall } from '../telephony';

/** Disconnect reasons after which the stream is over for good: the call is forgotten. */
const FINAL_REASONS = new Set(['stop', 'reset', 'closed', 'redeploy']);
/**
 * An idle end (the voice gate sent nothing for idleTimeout) leaves a live call known: its audio opens the next
 * stream. A call that stays silent this long (its socket dropped without `stop`) is forgotten at the next start.
 */
const STALE_CALL_MS = 60_000;

export interface SttMediaStreamHooks {
  manager: StreamManager<NodeMessageInFlow>;
  /** The node's own audio format (a call whose format equals it needs no per-message override). */
  nodeFormat: AudioFormat;
  /** `media-stream`: every payload is an event; `auto`: payloads that look like one are. */
  encoding: string;
  /** Sends a message out of the transcript output, built like the node's other outputs. */
  sendTranscriptOutput: (key: string, context: NodeMessageInFlow | undefined, extra: Record<string, unknown>) => void;
  warn: (message: string) => void;
}

export class SttMediaStream {
  private readonly calls = new InboundCalls<NodeMessageInFlow>();
  /** When each call's last event came (Date.now), for forgetting calls that vanished without `stop`. */
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly hooks: SttMediaStreamHooks) {}

  /** Is this message a media-stream event for this node? (`websocket in` "entire message" mode: msg.event.) */
  claims(m: Record<string, unknown>): boolean {
    // Instructions (gradium-tts's mute/unmute, settings, reset) are never events.
    if (m.action !== undefined || m.settings !== undefined || m.reset !== undefined) return false;
    const payload = m.payload;
    if (payload === undefined && typeof m.event === 'string') return true;
    if (this.hooks.encoding === 'media-stream') return payload !== undefined && payload !== null && payload !== '';
    return this.hooks.encoding === 'auto' && looksLikeMediaEvent(payload);
  }

  /** One event. Throws MediaEventError (BAD_MEDIA_EVENT) or the stream layer's errors; no other call is touched. */
  handle(msg: NodeMessageInFlow, namedKey: string | undefined): void {
    const m = msg as Record<string, unknown>;
    const ev = parseInboundEvent(m.payload === undefined ? m : m.payload);
    const step = this.calls.accept(ev, namedKey);
    const { manager } = this.hooks;
    if (step.kind === 'audio') this.lastSeen.set(step.key, Date.now());
    switch (step.kind) {
      case 'ignore':
        return;
      case 'warn':
        this.hooks.warn(step.key === undefined ? step.message : `"${step.key}": ${step.message}`);
        return;
      case 'start': {
        const call = step.call;
        call.context = contextOf(msg, call);
        this.forgetStale();
        manager.start(step.key, call.context, this.streamFormat(call.format));
        this.calls.opened(call);
        this.lastSeen.set(step.key, Date.now());
        return;
      }
      case 'audio':
        manager.pushAudio(step.key, step.audio, this.overrideFor(step.call.format), step.call.context);
        return;
      case 'dtmf':
        this.hooks.sendTranscriptOutput(step.key, step.call?.context ?? msg, { payload: step.digit, dtmf: step.digit });
        return;
      case 'stop':
        try {
          manager.stop(step.key, step.call.context);
        } catch (err) {
          // A stream that already ended (idle, an error) has nothing to stop: the call is simply over.
          if (!(err instanceof NoStreamError)) throw err;
          this.forget(step.key);
        }
        return;
    }
  }

  /** The disconnected output of a call's stream carries its lost chunks; a final end forgets the call. */
  disconnected(key: string, payload: DisconnectedPayload): DisconnectedPayload | (DisconnectedPayload & { lostChunks: number }) {
    const call = this.calls.get(key);
    if (!call) return payload;
    const over = FINAL_REASONS.has(payload.reason) || (payload.reason === 'idle' && call.state !== 'streaming');
    if (over && !payload.willReconnect) this.forget(key);
    return { ...payload, lostChunks: call.lostChunks };
  }

  close(): void {
    this.calls.clear();
    this.lastSeen.clear();
  }

  private forget(key: string): void {
    this.calls.forget(key);
    this.lastSeen.delete(key);
  }

  private forgetStale(): void {
    const before = Date.now() - STALE_CALL_MS;
    for (const [key, at] of this.lastSeen) if (at < before) this.forget(key);
  }

  private streamFormat(format: CallAudioFormat): AudioFormat {
    return { ...this.hooks.nodeFormat, ...format };
  }

  private overrideFor(format: CallAudioFormat): CallAudioFormat | undefined {
    const n = this.hooks.nodeFormat;
    return n.encoding === format.encoding && n.sampleRate === format.sampleRate && n.channels === format.channels ? undefined : format;
  }
}

/**
 * What every output message of the call carries: the start message's own properties (`_session`, so that
 * `websocket out` answers this call) and `msg.call` (stream and call ids, the provider's custom parameters).
 */
function contextOf(msg: NodeMessageInFlow, call: InboundCall<NodeMessageInFlow>): NodeMessageInFlow {
  const ctx: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(msg)) if (k !== 'payload' && k !== 'event' && k !== 'start') ctx[k] = v;
  ctx.call = { ...call.info };
  return ctx as NodeMessage as NodeMessageInFlow;
}
