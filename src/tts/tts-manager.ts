/**
 * Speech for many keys under one node: a Speaker per key (utterances in order, barge-in, mute/unmute),
 * keys in parallel, the node's settings and each key's own (`msg.settings` with a key), and one summary
 * for the status. Plain TypeScript: the Node-RED node only translates messages to these calls and back.
 */
import { realClock, type Clock } from '../common/clock';
import { unplayableReason } from '../telephony/dialects';
import { TypedEmitter } from '../common/typed-emitter';
import { TtsError } from './errors';
import type { SpeakingAction } from './playback';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-plan';
import { Speaker } from './speaker';
import type { AudioOut, SpeakingFigures, TtsSettings, UtteranceOutcome } from './types';
import { DEFAULT_TIMING, type TtsConnection, type UtteranceTiming } from './utterance';

export interface TtsManagerOptions {
  settings: TtsSettings;
  connection: () => TtsConnection;
  clock?: Clock;
  limits?: Partial<RequestLimits>;
  timing?: Partial<UtteranceTiming>;
  /** Utterances waiting per key; default 20. */
  maxQueue?: number;
}

export type TtsManagerEvents<C> = {
  audio: (key: string, out: AudioOut, context: C) => void;
  speaking: (key: string, action: SpeakingAction, figures: SpeakingFigures) => void;
  finished: (key: string, context: C, outcome: UtteranceOutcome) => void;
  warning: (key: string, message: string) => void;
  /** Something the status shows changed. */
  changed: () => void;
};

export interface TtsSummary {
  keys: number;
  synthesizing: number;
  speaking: number;
  queued: number;
  /** The latest failure, until an utterance is spoken again. */
  lastError: TtsError | null;
}

/** Settings whose value fixes the sample rate, whatever sampleRate says. */
const FIXED_RATE: Partial<Record<TtsSettings['format'], number>> = { ulaw: 8000, alaw: 8000, opus: 48000 };

/**
 * Settings that cannot go together, named in words. `explicit` holds what the caller set in this change, so
 * a sampleRate left over from the node's defaults does not make `format: "ulaw"` fail.
 */
export function checkCombination(s: TtsSettings, explicit: Partial<TtsSettings> = s): void {
  if (s.delivery === 'media-stream') {
    const reason = unplayableReason(s.dialect, s.format, s.sampleRate);
    if (reason) throw new TtsError('SETTING_REFUSED', `delivery "media-stream": ${reason}.`);
  }
  if (s.format === 'wav' && s.delivery === 'stream') {
    throw new TtsError(
      'SETTING_REFUSED',
      'format "wav" needs delivery "file" (a WAV file holds a whole utterance); for streaming choose format "pcm", "opus", "ulaw" or "alaw".',
    );
  }
  const fixed = FIXED_RATE[s.format];
  if (fixed !== undefined && explicit.sampleRate !== undefined && explicit.sampleRate !== fixed) {
    throw new TtsError(
      'SETTING_REFUSED',
      `sampleRate ${explicit.sampleRate} does not apply to format "${s.format}", which is ${fixed} Hz only; leave sampleRate out or choose "pcm" or "wav".`,
    );
  }
}

export class TtsManager<C = unknown> extends TypedEmitter<TtsManagerEvents<C>> {
  private readonly speakers = new Map<string, Speaker<C>>();
  private settings: TtsSettings;
  private readonly clock: Clock;
  private readonly limits: RequestLimits;
  private readonly timing: UtteranceTiming;
  private readonly maxQueue: number;
  private lastError: TtsError | null = null;
  private closed = false;

  constructor(private readonly options: TtsManagerOptions) {
    super();
    // The node's saved sampleRate stays in the flow when the format does not use it: not a conflict.
    checkCombination(options.settings, {});
    this.settings = { ...options.settings };
    this.clock = options.clock ?? realClock;
    this.limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.maxQueue = options.maxQueue ?? 20;
  }

  /** The settings an utterance for `key` would use now. */
  settingsFor(key: string): TtsSettings {
    return { ...this.settings, ...this.speakers.get(key)?.overrides };
  }

  /**
   * Change settings: for one key (its later utterances) or, with no key, for the node (every key that has
   * not set the same setting itself). Refused as a whole when the result cannot work.
   */
  updateSettings(update: Partial<TtsSettings>, key?: string): void {
    if (key === undefined) {
      const next = { ...this.settings, ...update };
      checkCombination(next, update);
      this.settings = next;
      return;
    }
    const speaker = this.speakerFor(key);
    const overrides = { ...speaker.overrides, ...update };
    checkCombination({ ...this.settings, ...overrides }, update);
    speaker.overrides = overrides;
  }

  /** Queue `text` for `key`. Throws TtsError (QUEUE_FULL, SETTING_REFUSED) when it cannot be taken. */
  speak(key: string, text: string, context: C): void {
    if (this.closed) throw new Error('TtsManager: speak after closeAll');
    const settings = this.settingsFor(key);
    checkCombination(settings, {});
    this.speakerFor(key).enqueue({ text, settings, context });
  }

  /** Barge-in on one key, or on every key (undefined). Returns how many queued utterances were dropped. */
  stop(key?: string): number {
    if (key === undefined) {
      let dropped = 0;
      for (const k of [...this.speakers.keys()]) dropped += this.stop(k);
      return dropped;
    }
    const speaker = this.speakers.get(key);
    if (!speaker) return 0;
    const dropped = speaker.stop();
    this.forgetIfDone(key, speaker);
    return dropped;
  }

  /**
   * `media-stream` delivery: the call's mark for the key's last utterance came back, so everything sent has
   * been played: the key unmutes now if it has nothing more to say (its next utterance sends its own mark).
   */
  heard(key: string): void {
    const speaker = this.speakers.get(key);
    if (!speaker) return;
    speaker.heard();
    this.forgetIfDone(key, speaker);
  }

  /** Redeploy: every key stops at once (unmute with reason `closed`); nothing more is emitted. */
  closeAll(): void {
    this.closed = true;
    for (const speaker of this.speakers.values()) speaker.close();
    this.speakers.clear();
    this.emit('changed');
  }

  summary(): TtsSummary {
    let synthesizing = 0;
    let speaking = 0;
    let queued = 0;
    for (const s of this.speakers.values()) {
      if (s.synthesizing) synthesizing++;
      if (s.speaking) speaking++;
      queued += s.queued;
    }
    return { keys: this.speakers.size, synthesizing, speaking, queued, lastError: this.lastError };
  }

  private speakerFor(key: string): Speaker<C> {
    let speaker = this.speakers.get(key);
    if (speaker) return speaker;
    speaker = new Speaker<C>({
      clock: this.clock,
      connection: this.options.connection,
      limits: this.limits,
      timing: this.timing,
      maxQueue: this.maxQueue,
    });
    const s = speaker;
    s.on('audio', (out, context) => this.emit('audio', key, out, context));
    s.on('speaking', (action, figures) => {
      this.emit('speaking', key, action, figures);
      if (action === 'unmute') this.forgetIfDone(key, s);
    });
    s.on('finished', (context, outcome) => {
      if (outcome.status === 'failed' && outcome.error instanceof TtsError) this.lastError = outcome.error;
      else if (outcome.status === 'spoken') this.lastError = null;
      this.emit('finished', key, context, outcome);
    });
    s.on('warning', (message) => this.emit('warning', key, message));
    s.on('changed', () => {
      this.forgetIfDone(key, s);
      this.emit('changed');
    });
    this.speakers.set(key, speaker);
    return speaker;
  }

  /** A key with nothing running, queued, muted or set is dropped, so keys do not accumulate. */
  private forgetIfDone(key: string, speaker: Speaker<C>): void {
    if (this.speakers.get(key) !== speaker || !speaker.disposable) return;
    this.speakers.delete(key);
    speaker.close();
  }
}
