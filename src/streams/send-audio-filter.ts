/**
 * The send-audio filter: the OutboundAudioFilter a key's channel gets by default (StreamManager), chosen by the
 * key's `sendAudio` setting and chosen again whenever the key's settings change:
 *
 *   sendAudio "speech" and a format the detector reads ─▶ VoiceGate (WebRTC VAD, pre-roll, hang-over)
 *   sendAudio "always", Ogg Opus, or the detector not loaded ─▶ PassThroughFilter (everything is sent)
 *
 * Switching mid-stream (msg.settings) replaces the gate this one wraps, at the next frame:
 *   speech → always: the voice gate is closed (its held pre-roll counts as kept back) and everything passes
 *     from the next frame on; an open turn simply goes on.
 *   always → speech: a fresh voice gate (it holds its warm-up, then waits for speech). A turn that was
 *     passing ends at once (a "closed" event, endOfTurn "gate"), as it would have if the gate had closed.
 * Counters add up over the gates a key went through, so the channel's counts never go back.
 */
import type { AudioFrame } from '../audio/types';
import type { InputFormat } from '../gradium/protocol';
import { checkGateable, isVoiceGatePrepared, VoiceGate, type SendAudio, type VoiceGateOptions } from '../voice-gate';
import { PassThroughFilter, type OutboundAudioFilter, type FilterCounts, type OutboundFilterFactory, type FilterStep } from './outbound-audio-filter';
import type { StreamSettings } from './settings';

/** What this filter needs of what it wraps (a VoiceGate takes its own options, not stream settings). */
type InnerFilter = Pick<OutboundAudioFilter, 'push' | 'isOpen' | 'counters' | 'reset' | 'close'>;

/** Keys remembered as already warned about; past this many the memory starts afresh (a key may be warned again). */
const WARNED_KEYS_MAX = 1000;

/** The voice gate's options among a stream's settings. */
export function voiceGateOptionsOf(s: StreamSettings): VoiceGateOptions {
  return { aggressiveness: s.gateAggressiveness, preRollMs: s.gatePreRoll, hangoverMs: s.gateHangover };
}

/**
 * The OutboundFilterFactory a StreamManager uses unless given another. `warn(key, message)` is called once per key when a key asks for the
 * voice gate and cannot have it (Ogg Opus, the detector not loaded): its audio is then sent whole, and says so.
 */
export function sendAudioFilters(warn: (key: string, message: string) => void): OutboundFilterFactory {
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string): void => {
    if (warned.has(key)) return;
    if (warned.size >= WARNED_KEYS_MAX) warned.clear();
    warned.add(key);
    warn(key, `stream "${key}": ${message}`);
  };
  return (key, inputFormat, settings) => new SendAudioFilter(inputFormat, settings, (message) => warnOnce(key, message));
}

export class SendAudioFilter implements OutboundAudioFilter {
  private inner: InnerFilter;
  /** The voice gate when `inner` is one (for configure). */
  private voice: VoiceGate | null = null;
  private sendAudio: SendAudio;
  private options: VoiceGateOptions;
  /** Counts of the gates replaced so far. */
  private retired = { passedMs: 0, keptBackMs: 0 };
  /** Set when a pass-through was replaced by a voice gate: the turn it was passing ends at the next frame. */
  private endPassingTurn = false;

  constructor(
    private readonly inputFormat: InputFormat,
    settings: StreamSettings,
    private readonly warn: (message: string) => void,
  ) {
    this.sendAudio = settings.sendAudio;
    this.options = voiceGateOptionsOf(settings);
    this.inner = this.makeInner();
  }

  /** "speech" when the voice gate decides, "always" when everything passes (asked for, or no other way). */
  get mode(): SendAudio {
    return this.voice ? 'speech' : 'always';
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  get counters(): FilterCounts {
    const c = this.inner.counters;
    return { passedMs: this.retired.passedMs + c.passedMs, keptBackMs: this.retired.keptBackMs + c.keptBackMs };
  }

  push(frame: AudioFrame): FilterStep {
    const step = this.inner.push(frame);
    if (!this.endPassingTurn) return step;
    this.endPassingTurn = false;
    // The new voice gate passes nothing yet (it warms up first): what the pass-through was sending is over.
    if (step.event === null && !this.inner.isOpen) return { frames: step.frames, event: { type: 'closed', reason: 'reset' } };
    return step;
  }

  reset(): FilterStep {
    this.endPassingTurn = false;
    return this.inner.reset();
  }

  configure(settings: StreamSettings): void {
    const options = voiceGateOptionsOf(settings);
    const changed =
      options.aggressiveness !== this.options.aggressiveness ||
      options.preRollMs !== this.options.preRollMs ||
      options.hangoverMs !== this.options.hangoverMs;
    this.options = options;
    if (settings.sendAudio !== this.sendAudio) {
      this.sendAudio = settings.sendAudio;
      const wasPassing = this.voice === null;
      this.retire();
      this.inner = this.makeInner();
      this.endPassingTurn = wasPassing && this.voice !== null;
    } else if (changed && this.voice) {
      this.voice.configure(options);
    }
  }

  close(): void {
    this.inner.close();
  }

  private retire(): void {
    this.inner.close();
    const c = this.inner.counters;
    this.retired = { passedMs: this.retired.passedMs + c.passedMs, keptBackMs: this.retired.keptBackMs + c.keptBackMs };
    this.voice = null;
  }

  private makeInner(): InnerFilter {
    if (this.sendAudio === 'always') return new PassThroughFilter();
    const format = checkGateable(this.inputFormat);
    if (!format.gateable) {
      this.warn(format.reason);
      return new PassThroughFilter();
    }
    if (!isVoiceGatePrepared()) {
      this.warn('the voice gate is not loaded (its WebAssembly module failed to load), so all of this stream is sent');
      return new PassThroughFilter();
    }
    const gate = new VoiceGate(this.inputFormat, this.options);
    this.voice = gate;
    return gate;
  }
}
