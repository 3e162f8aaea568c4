/**
 * Stands in for the WebSocket to Gradium, and only for it: the stream layer under test (SessionRun,
 * SpeechStream, StreamManager) is the real code, handed this factory instead of `gradiumTransport`.
 *
 * It behaves as GradiumSession does from the outside (audio accepted once the socket is open, before
 * `ready`; flush ids; end_of_stream then an orderly close; errors classified by the real functions of
 * src/gradium/errors) and every server → client event arrives `latencyMs` later on the test's ManualClock,
 * never synchronously inside a call, as a real socket would. The test scripts the server: acknowledge audio
 * or not, answer flushes or not, say words, crash, refuse.
 */
import type { SessionEvents, SessionOptions } from '../../src/gradium/session';
import { GradiumError, errorFromClose, errorFromHttpStatus, errorFromServerFrame } from '../../src/gradium/errors';
import type { ReadyMessage, StepMessage } from '../../src/gradium/protocol';
import { TypedEmitter } from '../../src/common/typed-emitter';
import type { SpeechTransport, TransportFactory } from '../../src/streams/transport';
import type { ManualClock } from '../helpers/manual-clock';

export interface ServerBehaviour {
  /** ms from connect() to the socket being open (audio accepted). */
  connectMs: number;
  /** ms from the socket opening to `ready`; null: never ready. */
  readyMs: number | null;
  /** Answer each audio frame with a `step` (an acknowledgement). */
  ack: boolean;
  /** Answer flush with `flushed`. */
  answerFlush: boolean;
  /** Refuse the upgrade with this HTTP status (401 bad key, 402 no credit, 503...). */
  refuseHttp: number | null;
  /** An `error` frame right after setup: {code, message} (1008 bad key, 1011 "Unsupported language"). */
  setupError: { code: number; message: string } | null;
  /** Close abruptly (1006) after this many audio frames. */
  crashAfterFrames: number | null;
}

const DEFAULTS: ServerBehaviour = {
  connectMs: 5,
  readyMs: 5,
  ack: true,
  answerFlush: true,
  refuseHttp: null,
  setupError: null,
  crashAfterFrames: null,
};

/** 80 ms of 16 kHz s16le: speech is every byte `tag` (non-zero, tags a frame to follow it), silence zeros. */
export function pcm(kind: 'speech' | 'silence' = 'speech', tag = 0x11): Buffer {
  return Buffer.alloc(2560, kind === 'speech' ? tag : 0);
}

/** `n` chunks of 80 ms; speech chunks tagged `firstTag`, `firstTag + 1`... (mod 255, never 0). */
export function pcmRun(n: number, kind: 'speech' | 'silence' = 'speech', firstTag = 1): Buffer[] {
  return Array.from({ length: n }, (_, i) => pcm(kind, ((firstTag - 1 + i) % 255) + 1));
}

/** The tag of a frame the server read (0 for silence). */
export function tagOf(data: Buffer): number {
  return data[0] ?? 0;
}

export class ScriptedSession extends TypedEmitter<SessionEvents> implements SpeechTransport {
  readonly id: number;
  /** Every audio frame the server read, in order (bytes). */
  readonly audio: Buffer[] = [];
  readonly flushes: number[] = [];
  /** How many audio frames the server had read when each flush came. */
  readonly flushesAfter: number[] = [];
  endOfStreamSent = false;
  closedBy: 'client' | 'server' | null = null;
  closed = false;
  private socketOpen = false;
  private state: 'idle' | 'connecting' | 'open' | 'closing' | 'closed' = 'idle';
  private nextFlushId = 1;
  private receivedMs = 0;
  private failure: GradiumError | null = null;

  constructor(
    readonly options: SessionOptions,
    private readonly server: ScriptedGradium,
    id: number,
  ) {
    super();
    this.id = id;
  }

  get behaviour(): ServerBehaviour {
    return this.server.behaviour;
  }

  get canSend(): boolean {
    return this.socketOpen && (this.state === 'connecting' || this.state === 'open');
  }

  get bufferedAmount(): number {
    return 0;
  }

  /** The language this session was set up with. */
  get language(): string {
    return this.options.setup.jsonConfig.language;
  }

  /** Seconds of audio the server read. */
  get audioSeconds(): number {
    return this.receivedMs / 1000;
  }

  override on<K extends keyof SessionEvents & string>(event: K, listener: SessionEvents[K]): this {
    return super.on(event, listener);
  }

  connect(): void {
    this.state = 'connecting';
    const b = this.behaviour;
    this.later(b.connectMs, () => {
      if (b.refuseHttp !== null) return this.fail(errorFromHttpStatus(b.refuseHttp));
      this.socketOpen = true;
      if (b.setupError) {
        const e = b.setupError;
        return this.later(1, () => this.fail(errorFromServerFrame(e.code, e.message)));
      }
      if (b.readyMs !== null) this.later(b.readyMs, () => this.ready());
    });
  }

  sendAudio(data: Buffer): boolean {
    if (!this.canSend) return false;
    this.audio.push(data);
    this.receivedMs += data.length / 32;
    const b = this.behaviour;
    if (b.crashAfterFrames !== null && this.audio.length >= b.crashAfterFrames) {
      // The crash comes before this frame's acknowledgement.
      this.later(1, () => this.crash());
      return true;
    }
    if (b.ack) {
      const total = this.receivedMs / 1000;
      const silent = data.every((x) => x === 0);
      this.later(this.server.latencyMs, () => this.step(total, silent ? 0.99 : 0.01));
    }
    return true;
  }

  flush(): number | null {
    if (!this.canSend) return null;
    const id = this.nextFlushId++;
    this.flushes.push(id);
    this.flushesAfter.push(this.audio.length);
    if (this.behaviour.answerFlush) this.later(this.server.latencyMs, () => this.emitIfLive('flushed', id));
    return id;
  }

  endOfStream(): void {
    if (!this.canSend) return this.close();
    this.state = 'closing';
    this.endOfStreamSent = true;
    this.later(this.server.latencyMs, () => {
      this.emitIfLive('end_of_stream');
      this.finish(1000, '', 'server');
    });
  }

  close(): void {
    if (this.state === 'closed') return;
    if (this.state === 'idle') return this.finish(1000, 'closed before connecting', 'client');
    this.state = 'closing';
    this.later(this.server.latencyMs, () => this.finish(1000, '', 'client'));
  }

  abortStalled(message: string): void {
    this.fail(new GradiumError('timeout', message, null, 'transient'));
  }

  // ---------------------------------------------------------------- what the test makes the server do

  /** `ready`, with the delay the session was set up with (as Gradium answers). */
  ready(delayInFrames = Number(this.options.setup.jsonConfig.delay_in_frames ?? 10)): void {
    if (this.state === 'closed' || this.state === 'closing') return;
    if (this.state === 'connecting') this.state = 'open';
    const ready: ReadyMessage = {
      type: 'ready',
      request_id: `req-${this.id}`,
      model_name: this.options.setup.model,
      sample_rate: 16000,
      frame_size: 1280,
      delay_in_frames: delayInFrames,
      text_stream_names: [],
    };
    this.emit('ready', ready);
  }

  /** A step acknowledging audio up to `totalS`, with this inactivity probability at every horizon. */
  step(totalS = this.receivedMs / 1000, inactivity = 0.01): void {
    const vad = [0.5, 1, 2, 3].map((h) => ({ horizon_s: h, inactivity_prob: inactivity }));
    const step: StepMessage = { type: 'step', vad, step_idx: Math.round(totalS / 0.08), step_duration_s: 0.08, total_duration_s: totalS };
    this.emitIfLive('step', step);
  }

  /** A word whose audio starts at `audioS` on this session's clock (the decoder delay is added). */
  say(text: string, audioS: number, delayInFrames = Number(this.options.setup.jsonConfig.delay_in_frames ?? 10)): void {
    this.emitIfLive('text', { type: 'text', text, start_s: audioS + delayInFrames * 0.08, stream_id: null });
  }

  /** The socket dies (1006) or closes with a code, without end_of_stream. */
  crash(code = 1006): void {
    if (this.state === 'closed') return;
    this.failure = this.failure ?? errorFromClose(code, '');
    this.finish(code, '', 'server');
  }

  private fail(error: GradiumError): void {
    if (this.state === 'closed') return;
    this.failure = this.failure ?? error;
    this.state = 'closing';
    this.later(1, () => this.finish(error.closeCode ?? 1006, error.message, 'server'));
  }

  private finish(code: number, reason: string, by: 'client' | 'server'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.socketOpen = false;
    this.closed = true;
    this.closedBy = by;
    this.emit('close', { code, reason, error: this.failure });
    this.removeAllListeners();
  }

  private emitIfLive<K extends keyof SessionEvents & string>(event: K, ...args: Parameters<SessionEvents[K]>): void {
    if (this.state === 'closed') return;
    (this.emit as (e: string, ...a: unknown[]) => void)(event, ...(args as unknown[]));
  }

  private later(ms: number, fn: () => void): void {
    this.server.clock.setTimeout(() => {
      if (this.state !== 'closed') fn();
    }, ms);
  }
}

export class ScriptedGradium {
  readonly sessions: ScriptedSession[] = [];
  behaviour: ServerBehaviour;
  latencyMs = 1;

  constructor(
    readonly clock: ManualClock,
    behaviour: Partial<ServerBehaviour> = {},
  ) {
    this.behaviour = { ...DEFAULTS, ...behaviour };
  }

  readonly transport: TransportFactory = (options) => {
    const s = new ScriptedSession(options, this, this.sessions.length + 1);
    this.sessions.push(s);
    return s;
  };

  set(behaviour: Partial<ServerBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  /** The most recent session. */
  get last(): ScriptedSession {
    const s = this.sessions[this.sessions.length - 1];
    if (!s) throw new Error('no session was opened');
    return s;
  }

  session(id: number): ScriptedSession {
    const s = this.sessions[id - 1];
    if (!s) throw new Error(`no session ${id}`);
    return s;
  }

  /** Seconds of audio read across all sessions. */
  get audioSeconds(): number {
    return this.sessions.reduce((n, s) => n + s.audioSeconds, 0);
  }
}
