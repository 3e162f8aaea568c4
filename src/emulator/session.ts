/**
 * One accepted WebSocket connection speaking the Gradium ASR protocol: setup, ready, audio to steps and
 * scripted words, flush, end of stream, errors, and the injected faults. The socket handling (key check,
 * frame reading, error and close, timers that die with the socket) is SocketSession's.
 *
 *     awaiting-setup ──setup──▶ starting ──ready──▶ streaming ──end_of_stream (socket kept)──▶ awaiting-setup
 *     any phase ──error, close, end_of_stream with close, cut──▶ ended
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { TransitionTable } from '../common/state-table';
import type {
  AudioMessage,
  ClientMessage,
  FlushMessage,
  JsonConfig,
  ServerMessage,
  SetupMessage,
} from '../gradium/protocol';
import { AudioInput } from './audio-input';
import { ScriptCursor } from './script-cursor';
import { checkSetup, type AcceptedSetup } from './setup-check';
import { FRAME_SECONDS, SegmentEvent, SpeechTracker } from './speech-tracker';
import { ENDED, SocketSession, type Ended, type SocketSessionContext } from './socket-session';
import type { EmulatorSession, InvalidFrame } from './types';
import { WordSchedule, type ScheduledWord } from './word-schedule';

export const BAD_KEY_MESSAGE = 'API key is revoked or expired';
export const BINARY_FRAME_MESSAGE = 'binary frames are not supported; send JSON audio messages'; // UNCONFIRMED
export const SESSION_CAP_MESSAGE = 'Session exceeded the maximum duration'; // UNCONFIRMED
const DEFAULT_SESSION_CAP_SECONDS = 300;

/** Stand-in for every received audio message, so `received` keeps the order without the payloads. */
const AUDIO_RECORD: AudioMessage = Object.freeze({ type: 'audio', audio: '' }) as AudioMessage;

export interface SessionContext extends SocketSessionContext {
  /** Keep every audio message's bytes (receivedAudio). */
  recordAudio: boolean;
  /** The emulator-wide script position. */
  script: ScriptCursor;
  onEnd: (session: ProtocolSession) => void;
}

type Phase = 'awaiting-setup' | 'starting' | 'streaming';

const PHASES: TransitionTable<Phase | Ended> = {
  'awaiting-setup': ['starting', ENDED],
  starting: ['streaming', ENDED],
  streaming: ['awaiting-setup', ENDED],
  [ENDED]: [],
};

interface Stream {
  accepted: AcceptedSetup;
  delayS: number;
  input: AudioInput;
  tracker: SpeechTracker;
  words: WordSchedule;
  script: ScriptCursor;
  /** Audio messages processed in this stream (faults count these). */
  audioProcessed: number;
}

export class ProtocolSession extends SocketSession<Phase, ClientMessage, ServerMessage> implements EmulatorSession {
  setup?: SetupMessage;
  config?: JsonConfig;
  audioMessages = 0;
  audioBytes = 0;
  readonly receivedAudio: Buffer[] = [];
  samplesReceived = 0;
  invalidFrames: InvalidFrame[] = [];
  wordsSent: string[] = [];

  protected readonly binaryFrameMessage = BINARY_FRAME_MESSAGE;
  private stream: Stream | undefined;
  /** Messages held while `ready` is delayed or a `flushed` is pending; processed in order afterwards. */
  private readonly backlog: { msg: ClientMessage; index: number }[] = [];
  private flushPending = false;
  private endPending = false;
  private heldWord: ScheduledWord | undefined;
  /** Samples of earlier streams on this socket (close_ws_on_eos: false). */
  private samplesBefore = 0;

  constructor(
    ws: WebSocket,
    private readonly socket: Duplex,
    private readonly ctx: SessionContext,
  ) {
    super(ws, ctx, `session ${ctx.id}`, PHASES, 'awaiting-setup');
  }

  protected admit(): boolean {
    if (this.apiKeyAccepted) return true;
    this.fail(1008, BAD_KEY_MESSAGE);
    return false;
  }

  protected errorFrame(code: number, message: string): ServerMessage {
    return { type: 'error', client_req_id: this.setup?.client_req_id ?? null, message, code };
  }

  protected receive(message: ClientMessage): void {
    let index = 0;
    if (message.type === 'audio') {
      index = ++this.audioMessages;
      if (typeof message.audio === 'string') {
        this.audioBytes += Buffer.byteLength(message.audio, 'base64');
        if (this.ctx.recordAudio) this.receivedAudio.push(Buffer.from(message.audio, 'base64'));
      }
    }
    if (this.recording) this.received.push(message.type === 'audio' ? AUDIO_RECORD : message);
    if (this.isHolding()) this.backlog.push({ msg: message, index });
    else this.dispatch(message, index);
  }

  protected onClosed(): string {
    this.backlog.length = 0;
    return '';
  }

  protected reportEnd(): void {
    this.ctx.onEnd(this);
  }

  private isHolding(): boolean {
    return this.phase === 'starting' || this.flushPending || this.endPending;
  }

  private dispatch(msg: ClientMessage, index: number): void {
    if (this.phase === 'awaiting-setup') {
      if (msg.type === 'setup') this.handleSetup(msg);
      else this.fail(1008, `Missing setup message: the first message must have type "setup", got "${String(msg.type)}"`); // UNCONFIRMED text
      return;
    }
    const stream = this.stream;
    if (this.phase !== 'streaming' || !stream) return;
    switch (msg.type) {
      case 'audio':
        this.handleAudio(stream, msg, index);
        return;
      case 'flush':
        this.handleFlush(stream, msg);
        return;
      case 'end_of_stream':
        this.delayEndOfStream(stream);
        return;
      case 'setup':
        this.fail(1008, 'Setup already received for this session'); // UNCONFIRMED
        return;
      default:
        this.fail(1008, `Unknown message type "${String((msg as { type: unknown }).type)}"`); // UNCONFIRMED
    }
  }

  private drainBacklog(): void {
    while (this.backlog.length > 0 && !this.isHolding() && !this.ended) {
      const next = this.backlog.shift()!;
      this.dispatch(next.msg, next.index);
    }
  }

  // ------------------------------------------------------------------ setup

  private handleSetup(msg: SetupMessage): void {
    const checked = checkSetup(msg as unknown as Record<string, unknown>, this.faults.requireLanguage !== false);
    this.setup = msg;
    if (!checked.ok) {
      this.fail(checked.code, checked.message);
      return;
    }
    this.config = checked.config;
    const tracker = new SpeechTracker();
    const stream: Stream = {
      accepted: checked,
      delayS: checked.delayInFrames * FRAME_SECONDS,
      tracker,
      words: new WordSchedule(),
      script: checked.script ? new ScriptCursor(checked.script) : this.ctx.script,
      audioProcessed: 0,
      input: new AudioInput(
        checked.inputFormat,
        (meanSquare) => this.onFrame(stream, meanSquare),
        (index, reason) => this.invalidFrames.push({ index, reason }),
      ),
    };
    this.stream = stream;
    this.log(`setup ${checked.inputFormat} language=${String(checked.config.language)} delay=${checked.delayInFrames}`);
    if (this.faults.stopReading) this.stopReading();
    this.moveTo('starting');
    const delay = this.faults.connectDelayMs ?? 0;
    if (delay > 0) this.later(delay, () => this.sendReady(stream));
    else this.sendReady(stream);
  }

  private sendReady(stream: Stream): void {
    if (this.phase !== 'starting') return;
    this.send({
      type: 'ready',
      request_id: randomUUID(),
      model_name: stream.accepted.modelName,
      sample_rate: 24000,
      frame_size: 1920,
      delay_in_frames: stream.accepted.delayInFrames,
      text_stream_names: [],
    });
    this.moveTo('streaming');
    this.drainBacklog();
  }

  /** Pause the TCP socket so the client's writes pile up; ws resumes it on its own, so pause again. */
  private stopReading(): void {
    this.socket.pause();
    this.socket.on('resume', () => setImmediate(() => this.socket.pause()));
    this.log('stopped reading the socket (fault)');
  }

  // ------------------------------------------------------------------ audio

  private handleAudio(stream: Stream, msg: AudioMessage, index: number): void {
    if (typeof msg.audio !== 'string') {
      this.fail(1008, 'Audio message without a base64 string in "audio"'); // UNCONFIRMED
      return;
    }
    const result = stream.input.push(msg.audio, index);
    this.samplesReceived = stream.input.samples + this.samplesBefore;
    if (typeof result === 'object') {
      this.fail(1008, `Invalid audio: ${result.error}`); // UNCONFIRMED
      return;
    }
    if (result === 'halted' || this.phase !== 'streaming') return;
    stream.audioProcessed++;
    const { closeAfterFrames, errorAfterFrames } = this.faults;
    if (closeAfterFrames !== undefined && stream.audioProcessed === closeAfterFrames) {
      this.cut(`abrupt close after ${closeAfterFrames} audio messages (fault)`);
    } else if (errorAfterFrames && stream.audioProcessed === errorAfterFrames.frames) {
      this.fail(errorAfterFrames.code, errorAfterFrames.message);
    }
  }

  private onFrame(stream: Stream, meanSquare: number): boolean {
    if (this.ended) return false;
    const frame = stream.tracker.frames;
    const endS = (frame + 1) * FRAME_SECONDS;
    const capS = this.faults.sessionCapSeconds ?? DEFAULT_SESSION_CAP_SECONDS;
    if (endS > capS + 1e-9) {
      this.fail(1011, SESSION_CAP_MESSAGE);
      return false;
    }
    const { tracker, words } = stream;
    const event = tracker.push(meanSquare);
    this.sendStep(frame, endS, tracker);
    if (event === SegmentEvent.Opened) words.openSegment(tracker.segmentStartS, stream.script.next());
    else if (event === SegmentEvent.Closed) words.closeSegment(tracker.speechEndS);
    for (const word of words.takeDue(tracker.speechEndS, endS - stream.delayS)) this.sendWord(stream, word);
    return true;
  }

  private sendStep(frame: number, endS: number, tracker: SpeechTracker): void {
    const total = roundMs(endS);
    // Built by hand: this is the one message sent every 80 ms by every session.
    const json = `{"type":"step","vad":${tracker.vadJson},"step_idx":${frame},"step_duration_s":0.08,"total_duration_s":${total}}`;
    this.sendRaw(json, () => ({
      type: 'step',
      vad: tracker.vad as StepVad,
      step_idx: frame,
      step_duration_s: 0.08,
      total_duration_s: total,
    }));
  }

  private sendWord(stream: Stream, word: ScheduledWord): void {
    this.releaseHeldWord(stream);
    this.send({ type: 'text', text: word.text, start_s: roundMs(word.startS + stream.delayS), stream_id: 0 });
    this.wordsSent.push(word.text);
    if (!word.endsUtterance) this.send({ type: 'end_text', stop_s: roundMs(word.endS + stream.delayS), stream_id: 0 });
  }

  /** Send every word of the audio so far: pad the partial frame, close the open segment, drain. */
  private forceOutWords(stream: Stream): ScheduledWord[] | undefined {
    if (!stream.input.padPartialFrame() || this.ended) return undefined;
    if (stream.tracker.closeOpenSegment()) stream.words.closeSegment(stream.tracker.speechEndS);
    return stream.words.takeAll();
  }

  // ------------------------------------------------------------------ flush and end of stream

  private handleFlush(stream: Stream, msg: FlushMessage): void {
    const words = this.forceOutWords(stream);
    if (!words) return;
    const lateMs = this.faults.lateTextAfterFlushMs;
    const late = lateMs !== undefined && !this.faults.dropFlushed ? words.pop() : undefined;
    for (const word of words) this.sendWord(stream, word);
    if (this.faults.dropFlushed) return;
    const answer = (): void => {
      this.send({ type: 'flushed', flush_id: msg.flush_id });
      if (late) {
        this.heldWord = late;
        this.later(lateMs ?? 0, () => this.releaseHeldWord(stream));
      }
    };
    const delay = this.faults.flushDelayMs ?? 0;
    if (delay <= 0) {
      answer();
      return;
    }
    this.flushPending = true;
    this.later(delay, () => {
      this.flushPending = false;
      answer();
      this.drainBacklog();
    });
  }

  private releaseHeldWord(stream: Stream): void {
    const word = this.heldWord;
    if (!word) return;
    this.heldWord = undefined;
    this.sendWord(stream, word);
  }

  private delayEndOfStream(stream: Stream): void {
    const delay = this.faults.endOfStreamDelayMs ?? 0;
    if (delay <= 0) {
      this.handleEndOfStream(stream);
      return;
    }
    this.endPending = true;
    this.later(delay, () => {
      this.endPending = false;
      this.handleEndOfStream(stream);
      this.drainBacklog();
    });
  }

  private handleEndOfStream(stream: Stream): void {
    const words = this.forceOutWords(stream);
    if (!words) return;
    this.releaseHeldWord(stream);
    for (const word of words) this.sendWord(stream, word);
    this.send({ type: 'end_of_stream' });
    if (stream.accepted.closeOnEndOfStream) {
      this.closeWith(1000, '');
      return;
    }
    // Sequential reuse: the socket stays open for another setup.
    this.samplesBefore += stream.input.samples;
    this.stream = undefined;
    this.moveTo('awaiting-setup');
  }
}

type StepVad = Extract<ServerMessage, { type: 'step' }>['vad'];

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
