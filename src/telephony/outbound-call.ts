/**
 * What gradium-tts sends to one call: its synthesized audio as the dialect's ready-to-send `media` events
 * (whole 20 ms frames, at most 100 ms each, base64, no header), a mark after each utterance, and `clear` on
 * barge-in. It also knows whether audio it sent may still be playing: from the first media after the last
 * returned mark (or clear) until the mark of the last utterance comes back.
 *
 *     quiet ──media──▶ playing ──its latest mark returns──▶ quiet
 *                        └────────clear()──────────────────▶ quiet
 */
import { StateMachine, type TransitionTable } from '../common/state-table';
import { PLAYABLE, type Dialect } from './dialects';

/** One event, exactly as the provider takes it (websocket out sends msg.payload as a JSON text frame). */
export type OutboundEvent = Record<string, unknown>;

export interface OutboundAudio {
  encoding: 'ulaw' | 'alaw' | 'pcm';
  sampleRate: number;
}

export type OutboundState = 'quiet' | 'playing';

const TRANSITIONS: TransitionTable<OutboundState> = {
  quiet: ['playing'],
  playing: ['quiet'],
};

/** The byte that is silence in each encoding (the padding of a last chunk where a minimum size applies). */
const SILENCE: Record<OutboundAudio['encoding'], number> = { ulaw: 0xff, alaw: 0xd5, pcm: 0 };

const EMPTY = Buffer.alloc(0);

export class OutboundCall {
  private readonly machine = new StateMachine<OutboundState>('OutboundCall', TRANSITIONS, 'quiet');
  private readonly frameBytes: number;
  private readonly maxBytes: number;
  private readonly minBytes: number;
  /** Bytes of an incomplete chunk, carried to the next audio (or sent at the end of the utterance). */
  private carry: Buffer = EMPTY;
  private latestMark: string | undefined;
  /** Media events and audio bytes sent to this call, for the figures. */
  mediaEvents = 0;
  bytesSent = 0;

  constructor(
    readonly streamId: string,
    readonly dialect: Dialect,
    readonly audio: OutboundAudio,
    /** The name of the next mark: unique, so a late mark of an earlier call state never matches. */
    private readonly nextMarkName: () => string = counterNames('gradium'),
  ) {
    const playable = PLAYABLE[dialect];
    const bytesPerMs = (audio.sampleRate / 1000) * (audio.encoding === 'pcm' ? 2 : 1);
    this.frameBytes = Math.max(1, Math.round(playable.frameMs * bytesPerMs));
    this.maxBytes = Math.max(this.frameBytes, Math.floor((playable.maxChunkMs * bytesPerMs) / this.frameBytes) * this.frameBytes);
    this.minBytes = Math.ceil((playable.minChunkMs * bytesPerMs) / this.frameBytes) * this.frameBytes;
  }

  get state(): OutboundState {
    return this.machine.state;
  }

  /** Audio of the current utterance: the media events that can leave now (whole frames; the rest waits). */
  send(bytes: Buffer): OutboundEvent[] {
    if (bytes.length === 0) return [];
    // The usual case, Gradium's 80 ms chunks of 8 kHz μ-law: one event, no copy.
    if (this.carry.length === 0 && bytes.length % this.frameBytes === 0 && bytes.length <= this.maxBytes && bytes.length >= this.minBytes) {
      return [this.media(bytes)];
    }
    const data = this.carry.length === 0 ? bytes : Buffer.concat([this.carry, bytes]);
    const out: OutboundEvent[] = [];
    let at = 0;
    const floor = Math.max(this.minBytes, this.frameBytes);
    while (data.length - at >= floor) {
      const size = Math.min(this.maxBytes, Math.floor((data.length - at) / this.frameBytes) * this.frameBytes);
      out.push(this.media(data.subarray(at, at + size)));
      at += size;
    }
    this.carry = at === data.length ? EMPTY : Buffer.from(data.subarray(at));
    return out;
  }

  /** The utterance is complete: what is left of its audio, then its mark. */
  endUtterance(): OutboundEvent[] {
    const out: OutboundEvent[] = [];
    if (this.carry.length > 0) {
      let last = this.carry;
      if (last.length < this.minBytes) last = Buffer.concat([last, Buffer.alloc(this.minBytes - last.length, SILENCE[this.audio.encoding])]);
      this.carry = EMPTY;
      out.push(this.media(last));
    }
    // No audio at all since the last mark (an utterance that produced nothing): nothing to confirm.
    if (this.machine.state !== 'playing') return out;
    this.latestMark = this.nextMarkName();
    out.push(this.mark(this.latestMark));
    return out;
  }

  /** Barge-in: the event that drops what the provider has not played yet, or undefined when nothing is. */
  clear(): OutboundEvent | undefined {
    this.carry = EMPTY;
    this.latestMark = undefined;
    if (this.machine.state !== 'playing') return undefined;
    this.machine.to('quiet');
    return clearEvent(this.dialect, this.streamId);
  }

  /** A mark came back: true when it is the latest one sent, i.e. everything sent so far has been played. */
  markReturned(name: string): boolean {
    if (this.machine.state !== 'playing' || name !== this.latestMark) return false;
    this.machine.to('quiet');
    return true;
  }

  private media(bytes: Buffer): OutboundEvent {
    if (this.machine.state === 'quiet') this.machine.to('playing');
    // Audio after a mark: that mark coming back no longer means everything has played.
    this.latestMark = undefined;
    this.mediaEvents += 1;
    this.bytesSent += bytes.length;
    const payload = bytes.toString('base64');
    switch (this.dialect) {
      case 'telnyx':
        return { event: 'media', media: { payload } };
      case 'plivo':
        return {
          event: 'playAudio',
          streamId: this.streamId,
          media: { contentType: this.audio.encoding === 'ulaw' ? 'audio/x-mulaw' : 'audio/x-l16', sampleRate: this.audio.sampleRate, payload },
        };
      case 'exotel':
        return { event: 'media', stream_sid: this.streamId, media: { payload } };
      default:
        return { event: 'media', streamSid: this.streamId, media: { payload } };
    }
  }

  private mark(name: string): OutboundEvent {
    switch (this.dialect) {
      case 'telnyx':
        return { event: 'mark', mark: { name } };
      case 'plivo':
        return { event: 'checkpoint', streamId: this.streamId, name };
      case 'exotel':
        return { event: 'mark', stream_sid: this.streamId, mark: { name } };
      default:
        return { event: 'mark', streamSid: this.streamId, mark: { name } };
    }
  }
}

/** `<prefix>-1`, `<prefix>-2`, … */
export function counterNames(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

export function clearEvent(dialect: Dialect, streamId: string): OutboundEvent {
  switch (dialect) {
    case 'telnyx':
      return { event: 'clear' };
    case 'plivo':
      return { event: 'clearAudio', streamId };
    case 'exotel':
      return { event: 'clear', stream_sid: streamId };
    default:
      return { event: 'clear', streamSid: streamId };
  }
}
