/**
 * gradium-tts's side of a phone call (`delivery: "media-stream"`): each audio chunk becomes the dialect's
 * ready-to-send events for the call named by the key, a mark follows each utterance, barge-in sends `clear`
 * first; media-stream events coming back in (a `websocket in` wired to this node) are read for the call's
 * marks (playback confirmed: unmute) and its `stop` (the caller hung up: stop speaking). The events
 * themselves are src/telephony's; this only translates.
 */
import type { NodeMessageInFlow } from 'node-red';
import { counterNames, leadingEventName, looksLikeMediaEvent, OutboundCall, parseInboundEvent, type OutboundEvent } from '../telephony';
import type { TtsManager } from '../tts/tts-manager';
import type { AudioOut, TtsSettings } from '../tts/types';

/**
 * The events this node reads; any other (media comes 50 times a second) is left without parsing: gradium-stt,
 * wired to the same websocket in, reads and checks them.
 */
const FOR_TTS = new Set(['mark', 'playedStream', 'stop']);

/** A call this node speaks to, and the input message of its latest utterance (its `_session` routes the clear). */
interface CallOut {
  call: OutboundCall;
  source: NodeMessageInFlow;
}

export class TtsMediaStream<C> {
  private readonly calls = new Map<string, CallOut>();
  private readonly markName = counterNames('gradium');

  constructor(
    private readonly manager: TtsManager<C>,
    private readonly settingsFor: (key: string) => TtsSettings,
  ) {}

  /** Does this key's audio go out as media-stream events? */
  delivers(key: string): boolean {
    return this.settingsFor(key).delivery === 'media-stream';
  }

  /** Is the message a call's event (from `websocket in`) rather than text to speak? */
  claims(m: Record<string, unknown>): boolean {
    if (m.action !== undefined && m.action !== null && m.action !== '') return false;
    if (m.payload === undefined && typeof m.event === 'string') return true;
    if (leadingEventName(m.payload) !== undefined) return true;
    // A provider that does not put "event" first: a JSON object with an event is an event, other text is spoken.
    if (typeof m.payload !== 'string' || !looksLikeMediaEvent(m.payload)) return false;
    try {
      const parsed = JSON.parse(m.payload) as unknown;
      return typeof parsed === 'object' && parsed !== null && typeof (parsed as { event?: unknown }).event === 'string';
    } catch {
      return false;
    }
  }

  /** A call's event: a mark may end the key's speaking, a stop (hang-up) ends what it says. */
  handle(msg: NodeMessageInFlow, namedKey: string | undefined): void {
    const m = msg as Record<string, unknown>;
    const source = m.payload === undefined ? m : m.payload;
    const name = leadingEventName(source);
    if (name !== undefined && !FOR_TTS.has(name)) return;
    let ev;
    try {
      ev = parseInboundEvent(source);
    } catch {
      return; // not this node's to report
    }
    if (ev.kind !== 'mark' && ev.kind !== 'stop') return;
    const key = namedKey ?? ev.streamId;
    if (key === undefined) return;
    if (ev.kind === 'stop') {
      // The call is gone: nothing to clear, nothing more to say to it.
      this.calls.delete(key);
      this.manager.stop(key);
      return;
    }
    if (this.calls.get(key)?.call.markReturned(ev.name)) this.manager.heard(key);
  }

  /** One audio output of the key's utterance, as the events that leave now. */
  audio(key: string, out: AudioOut, source: NodeMessageInFlow): OutboundEvent[] {
    let entry = this.calls.get(key);
    if (!entry) {
      const { dialect } = this.settingsFor(key);
      const encoding = out.format.encoding === 'ulaw' || out.format.encoding === 'alaw' ? out.format.encoding : 'pcm';
      entry = { call: new OutboundCall(key, dialect, { encoding, sampleRate: out.format.sampleRate }, this.markName), source };
      this.calls.set(key, entry);
    }
    entry.source = source;
    const call = entry.call;
    const events = call.send(out.payload);
    if (out.final) events.push(...call.endUtterance());
    return events;
  }

  /** An utterance failed after some of its audio left: what is left of it, and a mark to confirm it. */
  failed(key: string): OutboundEvent[] {
    return this.calls.get(key)?.call.endUtterance() ?? [];
  }

  /**
   * Barge-in on one key, or (undefined) on every key: the `clear` to send before stopping for each call where
   * anything sent may still be playing.
   */
  clear(key: string | undefined): { key: string; source: NodeMessageInFlow; event: OutboundEvent }[] {
    const keys = key === undefined ? [...this.calls.keys()] : [key];
    const out: { key: string; source: NodeMessageInFlow; event: OutboundEvent }[] = [];
    for (const k of keys) {
      const entry = this.calls.get(k);
      const event = entry?.call.clear();
      if (entry && event) out.push({ key: k, source: entry.source, event });
    }
    return out;
  }

  /** The key stopped speaking (heard, stopped, or the fallback): its call state goes; the next utterance starts afresh. */
  unmuted(key: string): void {
    this.calls.delete(key);
  }

  close(): void {
    this.calls.clear();
  }
}
