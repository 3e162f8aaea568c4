/**
 * One stream's voice gate: decides, frame by frame, which audio reaches Gradium.
 *
 *            first WARMUP_MS of audio
 *   warming ─────────────────────────► closed ◄───────────────────────┐
 *                                        │ speech frame               │ HANGOVER ms without speech
 *                                        │ (sends the pre-roll ring,  │ ("closed": the caller ends the
 *                                        ▼  then the frame: "opened") │  turn: flush → final)
 *                                       open ──────────────────────► hangover
 *                                        ▲   frame without speech     │
 *                                        └────────────────────────────┘ speech frame
 *   reset(): open/hangover → closed ("closed", reason "reset"), the ring emptied
 *   close(): any state → released (the WebRTC VAD handle freed)
 *
 * While warming or closed, frames are copied into the pre-roll ring (pre-roll-ring.ts; the caller's Buffers are
 * never kept) and nothing is sent. Frames that fall out of the ring unsent are counted as kept back. The ring only ever holds
 * audio that was not sent, so a turn that opens soon after another one closed never repeats audio.
 *
 * Pure and synchronous: time is the audio's own clock (the bytes of each frame), there are no timers, and
 * the output of a push is the frames to send now plus at most one event.
 */
import { FRAME_MS } from '../gradium/protocol';
import type { AudioFrame } from '../audio/types';
import { describeValue } from '../common/describe-value';
import { checkValue } from '../settings/spec';
import { GATE_SPEC } from './gate-settings';
import { checkGateable } from './gateable-format';
import { PreRollRing } from './pre-roll-ring';
import { SpeechDetector } from './speech-detector';
import type { VadMode } from './webrtc-vad';
import { StateMachine, type TransitionTable } from '../common/state-table';

export type GateState = 'warming' | 'closed' | 'open' | 'hangover' | 'released';

/** The allowed transitions; setState refuses any other. */
const TRANSITIONS: TransitionTable<GateState> = {
  warming: ['closed', 'released'],
  closed: ['open', 'released'],
  open: ['hangover', 'closed', 'released'],
  hangover: ['open', 'closed', 'released'],
  released: [],
};

/**
 * The gate ignores the detector for this much audio at the start of a stream. A fresh WebRTC VAD calls its
 * very first 80 ms frame voiced on nearly every stream with a steady noise bed (40 of 40 fresh detectors on
 * the pink-noise and fan beds at 8, 16 and 48 kHz), and later frames far less often (at most 14 of 40 in the
 * first 1.28 s, as it slowly learns the bed): test/voice-gate/warm-up.test.ts. Two frames: the one measured
 * and one to spare. The held frames go into the ring, so speech that starts meanwhile is sent, from its
 * first frame, as soon as it is detected after the hold.
 */
export const WARMUP_MS = 2 * FRAME_MS;

export interface VoiceGateOptions {
  /** WebRTC VAD mode 0–3 (gateAggressiveness). */
  aggressiveness: number;
  /** Audio from before the first speech frame that is sent first (gatePreRoll), ms. */
  preRollMs: number;
  /** Audio sent after the last speech frame before the turn ends (gateHangover), ms. */
  hangoverMs: number;
}

export const DEFAULT_GATE_OPTIONS: Readonly<VoiceGateOptions> = {
  aggressiveness: GATE_SPEC.gateAggressiveness.default,
  preRollMs: GATE_SPEC.gatePreRoll.default,
  hangoverMs: GATE_SPEC.gateHangover.default,
};

export type GateEvent =
  /** The gate opened: a turn starts. `preRollMs` of held audio lead the frames of this step. */
  | { type: 'opened'; preRollMs: number; atMs: number }
  /**
   * The gate closed: the turn is over (send flush, wait for the final). `silence` after the hang-over;
   * `reset` when the caller called reset().
   */
  | { type: 'closed'; reason: 'silence' | 'reset'; atMs: number };

export interface GateStep {
  /** Frames to send now, in order. Pre-roll frames are the gate's own copies, now the caller's. */
  readonly frames: readonly AudioFrame[];
  readonly event: GateEvent | null;
}

export interface GateCounters {
  /** Audio pushed into the gate. */
  pushedMs: number;
  /** Audio the gate handed out to be sent, and in how many frames. */
  passedMs: number;
  passedFrames: number;
  /** Audio that will never be sent: fell out of the ring, or was in it at reset() or close(). */
  keptBackMs: number;
  /** Audio in the ring now (sent if speech comes, kept back otherwise). */
  heldMs: number;
  /** Times the gate opened (turns). */
  opens: number;
  /** Frames the detector called speech (the warm-up's included). */
  speechFrames: number;
}

const NOTHING: GateStep = Object.freeze({ frames: Object.freeze([]) as readonly AudioFrame[], event: null });

/** The options checked against their declarations (GATE_SPEC); throws naming what came and what is accepted. */
function checkOptions(o: VoiceGateOptions): VoiceGateOptions {
  return {
    aggressiveness: checkOption('gateAggressiveness', o.aggressiveness),
    preRollMs: checkOption('gatePreRoll', o.preRollMs),
    hangoverMs: checkOption('gateHangover', o.hangoverMs),
  };
}

function checkOption(name: keyof typeof GATE_SPEC, value: unknown): number {
  const r = checkValue(GATE_SPEC[name], value);
  if (!r.ok) throw new RangeError(`voice gate: ${name} got ${describeValue(value)}; expected ${r.expected}`);
  return r.value as number;
}

export class VoiceGate {
  private readonly bytesPerSecond: number;
  private readonly detector: SpeechDetector;
  private readonly machine = new StateMachine<GateState>('voice gate', TRANSITIONS, 'warming');

  /** Copies of unsent frames, oldest first, covering at least preRollMs when full. */
  private readonly ring: PreRollRing;
  // Every count below is kept in bytes, exact over any length of stream, and read as ms.
  /** Bytes without speech since the last speech frame, while the hang-over runs. */
  private silentBytes = 0;
  private options: VoiceGateOptions;
  private hangoverBytes = 0;
  private preRollBytes = 0;
  private pushedBytes = 0;
  private passedBytes = 0;
  private keptBackBytes = 0;
  private passedFrames = 0;
  private opens = 0;
  private speechFrames = 0;
  private lastSpeechEndBytes: number | undefined;

  /**
   * @param inputFormat the Gradium input_format of the frames (the audio pipeline's `inputFormat`); throws
   *   for a format that cannot be gated: ask `checkGateable()` first to report it.
   */
  constructor(inputFormat: string, options: VoiceGateOptions = DEFAULT_GATE_OPTIONS) {
    const checked = checkOptions(options);
    const format = checkGateable(inputFormat);
    if (!format.gateable) throw new Error(format.reason);
    this.bytesPerSecond = format.bytesPerSecond;
    this.options = checked;
    this.applyLengths();
    // Room for the pre-roll and the 80 ms frame that joins it before the oldest falls out.
    this.ring = new PreRollRing(Math.ceil(this.preRollBytes + (FRAME_MS * this.bytesPerSecond) / 1000));
    this.detector = new SpeechDetector(format.input, checked.aggressiveness as VadMode);
  }

  get settings(): Readonly<VoiceGateOptions> {
    return this.options;
  }

  /**
   * Changes settings mid-stream (msg.settings) without a new detector, which would have to learn the room's
   * noise again. A shorter pre-roll trims the ring at once (the trimmed audio counts as kept back); a new
   * hang-over applies from the next frame. Throws, changing nothing, for a value out of range.
   */
  configure(change: Partial<VoiceGateOptions>): void {
    if (this.machine.state === 'released') throw new Error('voice gate used after close()');
    const next = checkOptions({ ...this.options, ...change });
    if (next.aggressiveness !== this.options.aggressiveness) this.detector.setMode(next.aggressiveness as VadMode);
    this.options = next;
    this.applyLengths();
    this.trimRing(0);
  }

  get state(): GateState {
    return this.machine.state;
  }

  /** Open or in its hang-over: frames pushed now are sent. */
  get isOpen(): boolean {
    return this.machine.state === 'open' || this.machine.state === 'hangover';
  }

  /** Audio pushed so far: the stream's own clock. */
  get streamMs(): number {
    return this.ms(this.pushedBytes);
  }

  /**
   * Stream time at the end of the last speech frame after the warm-up, if any. An idle timeout should count
   * from here, not from the last audio: an always-on microphone never stops sending.
   */
  get lastSpeechAtMs(): number | undefined {
    return this.lastSpeechEndBytes === undefined ? undefined : this.ms(this.lastSpeechEndBytes);
  }

  get counters(): GateCounters {
    return {
      pushedMs: this.ms(this.pushedBytes),
      passedMs: this.ms(this.passedBytes),
      passedFrames: this.passedFrames,
      keptBackMs: this.ms(this.keptBackBytes),
      heldMs: this.ms(this.ring.bytes),
      opens: this.opens,
      speechFrames: this.speechFrames,
    };
  }

  /** One frame of the stream (at most 80 ms, in the gate's input format): what to send now, and what happened. */
  push(frame: AudioFrame): GateStep {
    if (this.machine.state === 'released') throw new Error('voice gate used after close()');
    const bytes = frame.data.length;
    if (bytes === 0) return NOTHING;
    const speech = this.detector.isSpeech(frame.data);
    const start = this.pushedBytes;
    this.pushedBytes += bytes;
    if (speech) this.speechFrames++;

    if (this.machine.state === 'warming') {
      if (this.ms(start) < WARMUP_MS) {
        this.hold(frame);
        return NOTHING;
      }
      this.setState('closed');
    }
    if (speech) this.lastSpeechEndBytes = this.pushedBytes;

    switch (this.machine.state) {
      case 'closed': {
        if (!speech) {
          this.hold(frame);
          return NOTHING;
        }
        this.setState('open');
        const held = this.ring.bytes;
        const frames = this.ring.drain();
        frames.push(frame);
        this.pass(frames, held + bytes);
        this.opens++;
        return { frames, event: { type: 'opened', preRollMs: this.ms(held), atMs: this.ms(start) } };
      }
      case 'open':
        if (!speech) {
          this.setState('hangover');
          this.silentBytes = 0;
        }
        break;
      case 'hangover':
        if (speech) this.setState('open');
        break;
    }
    const frames = [frame];
    this.pass(frames, bytes);
    if (this.machine.state === 'hangover') {
      this.silentBytes += bytes;
      if (this.silentBytes >= this.hangoverBytes) {
        this.setState('closed');
        return { frames, event: { type: 'closed', reason: 'silence', atMs: this.ms(this.pushedBytes) } };
      }
    }
    return { frames, event: null };
  }

  /**
   * Ends a turn now (e.g. for mute): an open gate closes with a "closed" event, and the ring's audio is
   * dropped (kept back), so nothing from before the reset is sent later. A warming gate keeps warming.
   */
  reset(): GateStep {
    this.dropRing();
    if (!this.isOpen) return NOTHING;
    this.setState('closed');
    return { frames: [], event: { type: 'closed', reason: 'reset', atMs: this.ms(this.pushedBytes) } };
  }

  /** Frees the detector; the ring's audio counts as kept back. Safe to call twice. */
  close(): void {
    if (this.machine.state === 'released') return;
    this.dropRing();
    this.setState('released');
    this.detector.close();
  }

  private setState(next: GateState): void {
    this.machine.to(next);
  }

  private ms(bytes: number): number {
    return (bytes * 1000) / this.bytesPerSecond;
  }

  private pass(frames: readonly AudioFrame[], bytes: number): void {
    this.passedBytes += bytes;
    this.passedFrames += frames.length;
  }

  private applyLengths(): void {
    this.preRollBytes = (this.options.preRollMs * this.bytesPerSecond) / 1000;
    this.hangoverBytes = (this.options.hangoverMs * this.bytesPerSecond) / 1000;
  }

  /**
   * Lets the oldest frames fall out (kept back) while the rest, plus `incoming` bytes about to join, still
   * cover the pre-roll: the ring is the fewest whole frames that reach preRollMs back.
   */
  private trimRing(incoming: number): void {
    const reach = this.preRollBytes;
    while (this.ring.frames > 0 && (reach === 0 || this.ring.bytes + incoming - this.ring.oldestBytes >= reach)) {
      this.keptBackBytes += this.ring.dropOldest();
    }
  }

  /** Copies an unsent frame into the ring, letting the oldest fall out once preRollMs is covered without it. */
  private hold(frame: AudioFrame): void {
    const size = frame.data.length;
    if (this.preRollBytes === 0) {
      this.keptBackBytes += size;
      return;
    }
    this.trimRing(size);
    this.ring.push(frame);
  }

  private dropRing(): void {
    this.keptBackBytes += this.ring.clear();
  }
}
