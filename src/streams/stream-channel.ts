/**
 * Everything one key (one microphone) keeps between Gradium sessions: its audio pipeline, its mute, its
 * voice gate, its counters, the latest input message, and the SpeechStreams it opens on demand.
 *
 *   payload ─▶ pipeline (80 ms frames) ─▶ muted? ─yes─▶ counted as muted, never sent
 *                                           │no
 *                                           ▼
 *                           gate (made once the format is known) ─held─▶ counted as gated, never sent
 *                                           │passed
 *                                           ▼
 *                          live SpeechStream (opened on demand) ─▶ Gradium sessions
 *
 * A SpeechStream ends (stop, idle, reset, refusal) while its key lives on: audio that comes after the end
 * began opens the next stream at once, while the old one drains its last final beside it. The channel itself
 * is dropped by its manager once it has no stream and no input came for a while.
 */
import type { AudioPipeline } from '../audio';
import type { AudioFrame } from '../audio/types';
import type { InputFormat } from '../gradium/protocol';
import type { OutboundAudioFilter } from './outbound-audio-filter';
import type { DisconnectReason } from './events';
import type { StreamSettings } from './settings';
import type { KeptBack, SpeechStream } from './speech-stream';

/** What a channel needs from its owner. */
export interface ChannelHost<C> {
  /** A new stream for the channel, wired to the outputs; null when sessions are held back (audio counted). */
  openStream(channel: StreamChannel<C>, frames: AudioFrame[]): SpeechStream | null;
  /** A stream of the channel ended for good. */
  streamEnded(channel: StreamChannel<C>): void;
}

export class StreamChannel<C> {
  context: C | undefined;
  private current: SpeechStream | null = null;
  /** Streams that were ending when new audio came: they finish their last final on their own. */
  private readonly draining = new Set<SpeechStream>();
  private mutedValue = false;
  /** Since the node started: audio passed to streams, kept back by mute, kept back by the gate (ms). */
  passedMs = 0;
  mutedMs = 0;
  gatedMs = 0;
  /** Kept back since the key's last disconnected report. */
  private unreported: KeptBack = { mutedMs: 0, gatedMs: 0 };
  /** Clock time of the last input message, and of the last audio passed to a stream. */
  lastInputAt = 0;
  private lastPassedAt = 0;
  /** Reused for every message: the frames the gate lets through. */
  private readonly passing: AudioFrame[] = [];
  private pipelineValue: AudioPipeline;
  private filter: OutboundAudioFilter | null = null;
  /** The gate's keptBackMs already counted. */
  private keptBackSeen = 0;

  constructor(
    readonly key: string,
    private readonly newPipeline: () => AudioPipeline,
    private readonly newFilter: (inputFormat: InputFormat) => OutboundAudioFilter,
    private readonly host: ChannelHost<C>,
    muted: boolean,
  ) {
    this.pipelineValue = newPipeline();
    this.mutedValue = muted;
  }

  get pipeline(): AudioPipeline {
    return this.pipelineValue;
  }

  get muted(): boolean {
    return this.mutedValue;
  }

  /** The stream that takes this key's audio now (not one that is ending), if any. */
  get stream(): SpeechStream | null {
    const s = this.current;
    if (s && !s.accepting) {
      this.draining.add(s);
      this.current = null;
    }
    return this.current;
  }

  /** Every stream of the key still alive: the live one and those draining their last final. */
  get streams(): SpeechStream[] {
    return this.current ? [this.current, ...this.draining] : [...this.draining];
  }

  /**
   * Frames of this key's input, taken at clock time `now`. Returns false when they were refused because new
   * sessions are held back (counted by the host). Throws StreamLimitError when a new stream would pass the cap.
   */
  accept(frames: AudioFrame[], now: number): boolean {
    this.lastInputAt = now;
    if (this.mutedValue) {
      const ms = durationOf(frames);
      this.mutedMs += ms;
      this.unreported.mutedMs += ms;
      return true;
    }
    // No format yet (a WAV header cut across messages): nothing was framed either.
    const gate = this.filterNow();
    if (!gate) return true;
    const send = this.passing;
    send.length = 0;
    let accepted = true;
    for (const f of frames) {
      const step = gate.push(f);
      for (const g of step.frames) send.push(g);
      if (step.event?.type === 'closed') {
        if (send.length > 0) accepted = this.deliver(send, now) && accepted;
        send.length = 0;
        this.stream?.flushTurn('gate');
      }
    }
    this.countGated(gate);
    // A chunk too short for a frame still keeps an open gate's stream alive (and opens the first one).
    if (send.length > 0 || gate.isOpen) accepted = this.deliver(send, now) && accepted;
    send.length = 0;
    return accepted;
  }

  /** action start: a session now, muted or not (an explicit request). */
  open(): SpeechStream | null {
    const stream = this.stream ?? this.openStream([]);
    stream?.open();
    return stream;
  }

  /** Mute or unmute. Muting ends the current turn: what came before it still reaches its final. */
  setMuted(muted: boolean, now: number): void {
    if (muted === this.mutedValue) return;
    if (muted) {
      // The partial frame in the pipeline was heard before the mute.
      const rest = this.pipeline.flush();
      if (rest.length > 0) this.accept(rest, now);
      // Held pre-roll is from before the mute: never sent after it.
      if (this.filter) {
        this.filter.reset();
        this.countGated(this.filter);
      }
      this.mutedValue = true;
      this.stream?.flushTurn('mute');
    } else {
      // The partial frame in the pipeline came while muted: it stays unsent.
      this.accept(this.pipeline.flush(), now);
      this.mutedValue = false;
    }
  }

  applySettings(update: Partial<StreamSettings>, next: StreamSettings): void {
    this.filter?.configure(next);
    this.stream?.applySettings(update, next);
  }

  /**
   * The end of a stream takes the input's last partial frame, but only when the input has gone quiet: an
   * always-on microphone whose stream ended because the gate or a mute sent it nothing is still mid-input.
   * Input that went quiet starts afresh with the next stream (a new WAV file may bring another format).
   */
  drainForEnd(reason: DisconnectReason): AudioFrame[] {
    if (reason !== 'redeploy' && this.lastInputAt > this.lastPassedAt) return [];
    const rest = this.pipeline.flush();
    const send: AudioFrame[] = [];
    if (rest.length > 0 && this.mutedValue) {
      this.accept(rest, this.lastInputAt);
    } else if (rest.length > 0) {
      const gate = this.filterNow();
      if (gate) {
        for (const f of rest) send.push(...gate.push(f).frames);
        this.countGated(gate);
        this.passedMs += durationOf(send);
      }
    }
    if (reason !== 'redeploy') this.renewPipeline();
    return send;
  }

  /** What mute and gate kept back since the last report; the count starts again from zero. */
  takeKeptBack(): KeptBack {
    const taken = this.unreported;
    this.unreported = { mutedMs: 0, gatedMs: 0 };
    return taken;
  }

  /** A stream of this channel ended: forget it. */
  forget(stream: SpeechStream): void {
    if (this.current === stream) this.current = null;
    this.draining.delete(stream);
  }

  /** Drop this key's streams at once (reset): no final, sockets closed; the input starts afresh. */
  reset(): number {
    const streams = this.streams;
    for (const s of streams) s.abort('reset');
    this.renewPipeline();
    return streams.length;
  }

  /** The channel is dropped: its pipeline and gate let go of what they hold. */
  close(): void {
    this.pipeline.close();
    this.closeFilter();
  }

  private deliver(frames: AudioFrame[], now: number): boolean {
    const stream = this.stream ?? this.openStream(frames);
    if (!stream) return false;
    this.passedMs += durationOf(frames);
    this.lastPassedAt = now;
    stream.pushFrames(frames);
    return true;
  }

  /** A fresh input: new pipeline, and a new gate once the new input's format is known. */
  private renewPipeline(): void {
    this.pipelineValue.close();
    this.pipelineValue = this.newPipeline();
    this.closeFilter();
  }

  private filterNow(): OutboundAudioFilter | null {
    if (!this.filter) {
      const format = this.pipeline.inputFormat;
      if (format === undefined) return null;
      this.filter = this.newFilter(format);
      this.keptBackSeen = 0;
    }
    return this.filter;
  }

  private closeFilter(): void {
    const gate = this.filter;
    if (!gate) return;
    gate.close();
    this.countGated(gate);
    this.filter = null;
  }

  private openStream(frames: AudioFrame[]): SpeechStream | null {
    const stream = this.host.openStream(this, frames);
    if (!stream) return null;
    this.current = stream;
    stream.on('ended', () => {
      this.forget(stream);
      this.host.streamEnded(this);
    });
    return stream;
  }

  /** Count what the gate kept back since the last look. */
  private countGated(gate: OutboundAudioFilter): void {
    const total = gate.counters.keptBackMs;
    const ms = total - this.keptBackSeen;
    this.keptBackSeen = total;
    if (ms <= 0) return;
    this.gatedMs += ms;
    this.unreported.gatedMs += ms;
  }
}

function durationOf(frames: AudioFrame[]): number {
  let ms = 0;
  for (const f of frames) ms += f.durationMs;
  return ms;
}
