/**
 * Speech to text over Wyoming, mapped onto the streams of a gradium-stt node's StreamManager: each request is a
 * stream with key `wyoming:<client address>:<client port>`, so the node's settings, gate, reconnects and
 * outputs apply as for any stream. One SttRequest per connection serves its requests one after another.
 *
 *     idle ──transcribe | audio-start | audio-chunk──▶ listening ──audio-stop──▶ stopping ──last final──▶ idle
 *       │                                                 │  └──15 s cap (gradium mode)──▶ stopping
 *       └──audio-stop, no audio: transcript "" ──▶ idle    └──first final (gradium mode)──▶ answered ──audio-stop──▶ idle
 *     every state ──connection gone──▶ closed
 *
 * `home-assistant` end of command: Home Assistant's voice detection sends audio-stop; the stream is stopped
 * (flush, last final) and its finals, joined, are the transcript. `gradium`: the first final of Gradium's turn
 * detection answers at once and ends the Gradium session; audio up to audio-stop is then ignored; a cap answers
 * with what was heard if no turn ends.
 *
 * Requests on one connection share the stream key, and the stream of the previous request may still be ending
 * (its socket closing) when the next one begins. A request therefore only hears the streams the key opened after
 * it began: the late events of an earlier request's stream (its disconnected report, a final) are not its own.
 */
import type { AudioFormat, SampleFormat } from '../audio/types';
import { CodedError, type ErrorCode } from '../common/error-codes';
import { realClock, TimerSlot, type Clock } from '../common/clock';
import type { GradiumError } from '../gradium/errors';
import { END_OF_COMMAND_MODES, type EndOfCommand } from '../settings/wyoming-spec';
import type { DisconnectedPayload, Transcript } from '../streams/events';
import { StateMachine, type TransitionTable } from '../common/state-table';
import type { StreamId, StreamManager } from '../streams/stream-manager';
import type { WyomingEvent } from './framing';
import { baseLanguage, type AsrDescription } from './info';
import { RequestError, type Outbox, type ProgramHandler, type RequestHandler, type WyomingClient } from './requests';

export { END_OF_COMMAND_MODES, type EndOfCommand };

/** With `gradium` end of command, Home Assistant's own 15 s cap no longer applies: this one does. */
export const COMMAND_CAP_MS = 15_000;

export type SttRequestState = 'idle' | 'listening' | 'stopping' | 'answered' | 'closed';

const TRANSITIONS: TransitionTable<SttRequestState> = {
  idle: ['listening', 'closed'],
  listening: ['stopping', 'answered', 'idle', 'closed'],
  stopping: ['idle', 'answered', 'closed'],
  answered: ['idle', 'listening', 'closed'],
  closed: [],
};

export interface SttBindingOptions<C> {
  manager: StreamManager<C>;
  /** Languages a request may ask for; the node's own is used when it asks for none. */
  languages: readonly string[];
  nodeLanguage: () => string;
  model: () => string;
  endOfCommand: EndOfCommand;
  /** The context (the node's msg) each request's stream carries: `msg.wyoming` and whatever the node adds. */
  context: (client: WyomingClient) => C;
  clock?: Clock;
  capMs?: number;
}

const WIDTHS: Record<number, SampleFormat> = { 1: 'u8', 2: 's16le', 3: 's24le', 4: 's32le' };

export class SttBinding<C> implements ProgramHandler {
  private readonly requests = new Map<string, SttRequest<C>>();
  private readonly clock: Clock;
  private readonly listeners: { off: () => void }[] = [];

  constructor(readonly options: SttBindingOptions<C>) {
    this.clock = options.clock ?? realClock;
    const m = options.manager;
    const onTranscript = (key: string, t: Transcript, _c: C | undefined, stream: StreamId): void => this.requests.get(key)?.transcript(t, stream);
    const onDisconnected = (key: string, p: DisconnectedPayload, _c: C | undefined, stream: StreamId | null): void =>
      this.requests.get(key)?.disconnected(p, stream);
    const onFailed = (key: string, err: GradiumError, _c: C | undefined, stream: StreamId): void => this.requests.get(key)?.streamFailed(err, stream);
    m.on('transcript', onTranscript);
    m.on('disconnected', onDisconnected);
    m.on('failed', onFailed);
    this.listeners.push(
      { off: () => m.off('transcript', onTranscript) },
      { off: () => m.off('disconnected', onDisconnected) },
      { off: () => m.off('failed', onFailed) },
    );
  }

  describe(): AsrDescription {
    return {
      model: this.options.model(),
      languages: [...this.options.languages].sort(),
      requiresExternalVad: this.options.endOfCommand === 'home-assistant',
    };
  }

  open(client: WyomingClient, out: Outbox): RequestHandler {
    const key = `wyoming:${client.address}:${client.port}`;
    const request = new SttRequest<C>(this, key, client, out, this.clock);
    this.requests.get(key)?.close();
    this.requests.set(key, request);
    return request;
  }

  /** Requests running now (for the benchmark and the status). */
  get active(): number {
    return this.requests.size;
  }

  forget(key: string, request: SttRequest<C>): void {
    if (this.requests.get(key) === request) this.requests.delete(key);
  }

  /** The node goes (redeploy): its streams are closed by the node itself; requests just stop listening. */
  close(): void {
    for (const l of this.listeners.splice(0)) l.off();
    for (const r of [...this.requests.values()]) r.close();
  }
}

class SttRequest<C> implements RequestHandler {
  private readonly machine = new StateMachine<SttRequestState>('wyoming stt request', TRANSITIONS, 'idle');
  private language = '';
  private format: AudioFormat | null = null;
  private heardAudio = false;
  private audioStopped = false;
  private finals: string[] = [];
  private interim = '';
  /** Text already sent in transcript-chunks (their concatenation). */
  private sent = '';
  private streamingStarted = false;
  private readonly cap: TimerSlot;
  private lastLanguage = '';
  /** The context (msg) of this request's stream: made once per request, not per chunk. */
  private context: C | undefined;
  /** The key's streams that were alive when this request began: earlier requests', never this one's. */
  private earlier: ReadonlySet<StreamId> = new Set();

  constructor(
    private readonly binding: SttBinding<C>,
    private readonly key: string,
    private readonly client: WyomingClient,
    private readonly out: Outbox,
    clock: Clock,
  ) {
    this.cap = new TimerSlot(clock);
  }

  private get options(): SttBindingOptions<C> {
    return this.binding.options;
  }

  event(e: WyomingEvent): void {
    switch (e.type) {
      case 'transcribe':
        return this.transcribe(e.data);
      case 'audio-start':
        this.begin();
        this.format = formatOf(e.data, 'audio-start');
        return;
      case 'audio-chunk':
        return this.chunk(e);
      case 'audio-stop':
        return this.audioStop();
    }
  }

  transcript(t: Transcript, stream: StreamId): void {
    if (!this.machine.is('listening', 'stopping') || this.earlier.has(stream)) return;
    if (t.language) this.lastLanguage = t.language;
    if (!t.final) {
      this.interim = t.text;
      this.stream();
      return;
    }
    this.interim = '';
    if (t.text) this.finals.push(t.text);
    this.stream();
    if (this.machine.is('listening') && this.options.endOfCommand === 'gradium' && t.text) {
      // Gradium heard the end of the command: answer now, spend nothing more on this request.
      this.answer();
      this.options.manager.reset(this.key);
      return;
    }
    if (this.machine.is('stopping') && t.endOfTurn === 'stop') this.answer();
  }

  disconnected(p: DisconnectedPayload, stream: StreamId | null): void {
    // Not a stream's end (an input's report), or a session replaced by a fresh one (rotation, settings): the
    // stream goes on, and so does the request.
    if (stream === null || p.willReconnect || this.earlier.has(stream) || p.reason === 'rotation' || p.reason === 'settings') return;
    if (p.reason === 'error' && this.machine.is('listening', 'stopping')) {
      this.fail(p.code === 1008 ? 'KEY_REFUSED' : 'SERVER_ERROR', p.message || 'the Gradium session failed');
      return;
    }
    // The stream ended without its last final: what was heard is the answer, once no other stream of ours runs.
    if (this.machine.is('stopping') && this.ownStreams().every((id) => id === stream)) this.answer();
  }

  streamFailed(err: GradiumError, stream: StreamId): void {
    if (!this.earlier.has(stream)) this.fail(err.code, err.message);
  }

  close(): void {
    if (this.machine.is('closed')) return;
    const running = this.machine.is('listening', 'stopping');
    this.machine.to('closed');
    this.cap.cancel();
    // The client hung up mid-request: the Gradium session ends now, nothing more is billed.
    if (running) this.options.manager.reset(this.key);
    this.options.manager.forgetSettings(this.key);
    this.binding.forget(this.key, this);
  }

  private transcribe(data: Record<string, unknown>): void {
    const raw = data.language;
    let language = '';
    if (raw !== undefined && raw !== null && raw !== '') {
      if (typeof raw !== 'string') throw new RequestError('BAD_EVENT', 'transcribe: "language" is not a string');
      language = baseLanguage(raw);
      if (!this.options.languages.includes(language)) {
        throw new RequestError(
          'LANGUAGE_UNSUPPORTED',
          `language "${raw}" is not supported; supported: ${[...this.options.languages].sort().join(', ')}`,
        );
      }
    }
    if (this.machine.is('listening', 'stopping')) this.endWithoutAnswer();
    this.begin();
    this.language = language;
  }

  private begin(): void {
    if (this.machine.is('listening')) return;
    if (this.machine.is('stopping')) this.endWithoutAnswer();
    this.machine.to('listening');
    this.earlier = new Set(this.options.manager.streamsOf(this.key));
    this.language = '';
    this.format = null;
    this.heardAudio = false;
    this.audioStopped = false;
    this.finals = [];
    this.interim = '';
    this.sent = '';
    this.streamingStarted = false;
    this.lastLanguage = '';
    this.context = undefined;
  }

  private chunk(e: WyomingEvent): void {
    if (this.machine.is('answered', 'stopping')) return; // the command is over: later audio is not sent
    this.begin();
    const format = Object.keys(e.data).length > 0 ? formatOf(e.data, 'audio-chunk') : this.format;
    if (!format) throw new RequestError('BAD_EVENT', 'audio-chunk: no rate/width/channels and no audio-start before it');
    if (!e.payload || e.payload.length === 0) return;
    const m = this.options.manager;
    if (!this.heardAudio) {
      this.heardAudio = true;
      const language = this.language || this.options.nodeLanguage();
      if (language !== this.options.nodeLanguage() || m.settingsFor(this.key).language !== language) {
        m.updateSettings({ language }, this.key);
      }
      if (this.options.endOfCommand === 'gradium') this.cap.set(() => this.capReached(), this.options.capMs ?? COMMAND_CAP_MS);
    }
    let accepted: boolean;
    try {
      this.context ??= this.options.context(this.client);
      accepted = m.pushAudio(this.key, e.payload, format, this.context);
    } catch (err) {
      throw asRequestError(err, 'BAD_AUDIO');
    }
    if (!accepted) {
      const blocked = m.summary().blocked;
      if (blocked) throw new RequestError(blocked.code, blocked.message);
    }
  }

  private audioStop(): void {
    this.audioStopped = true;
    if (this.machine.is('answered')) {
      this.machine.to('idle');
      return;
    }
    if (this.machine.is('stopping')) return;
    if (!this.heardAudio) {
      // Nothing to transcribe: answer at once, without a Gradium session.
      if (this.machine.is('listening')) this.machine.to('idle');
      this.out.send('transcript', { text: '', language: this.language || this.options.nodeLanguage() });
      return;
    }
    this.stopStream();
  }

  private capReached(): void {
    if (this.machine.is('listening')) this.stopStream();
  }

  private stopStream(): void {
    this.machine.to('stopping');
    this.cap.cancel();
    // No stream of ours left (it ended on its own, or the gate never opened one): what was heard is the answer.
    // An earlier request's stream still ending beside it is not waited for.
    if (this.ownStreams().length === 0) {
      this.answer();
      return;
    }
    this.options.manager.stop(this.key, this.context ?? this.options.context(this.client));
  }

  /** The key's streams alive now that this request opened. */
  private ownStreams(): StreamId[] {
    return this.options.manager.streamsOf(this.key).filter((id) => !this.earlier.has(id));
  }

  private fail(code: ErrorCode, message: string): void {
    if (this.machine.is('closed', 'idle')) return;
    this.out.fail(code, message);
  }

  /** transcript-start once, then the words that are new since the last chunk. */
  private stream(): void {
    const full = this.textSoFar();
    if (!full.startsWith(this.sent) || full.length === this.sent.length) return;
    if (!this.streamingStarted) {
      this.streamingStarted = true;
      this.out.send('transcript-start', { language: this.replyLanguage() });
    }
    this.out.send('transcript-chunk', { text: full.slice(this.sent.length) });
    this.sent = full;
  }

  private textSoFar(): string {
    return [...this.finals, this.interim].filter((s) => s !== '').join(' ');
  }

  private answer(): void {
    if (!this.machine.is('listening', 'stopping')) return;
    this.cap.cancel();
    this.interim = '';
    const text = this.finals.join(' ');
    if (!this.streamingStarted) this.out.send('transcript-start', { language: this.replyLanguage() });
    this.streamingStarted = true;
    if (text.startsWith(this.sent) && text.length > this.sent.length) this.out.send('transcript-chunk', { text: text.slice(this.sent.length) });
    this.sent = text;
    this.out.send('transcript', { text, language: this.replyLanguage() });
    this.out.send('transcript-stop');
    this.machine.to(this.audioStopped ? 'idle' : 'answered');
    this.options.manager.forgetSettings(this.key);
  }

  /** A new request while one runs: the old one's stream goes without an answer. */
  private endWithoutAnswer(): void {
    this.cap.cancel();
    // Idle first: whatever the reset reports (its disconnected) is not taken as this request's answer.
    this.machine.to('idle');
    this.options.manager.reset(this.key);
  }

  private replyLanguage(): string {
    const own = this.language || this.options.nodeLanguage();
    return own === 'any' ? this.lastLanguage || own : own;
  }
}

function formatOf(data: Record<string, unknown>, event: string): AudioFormat {
  const { rate, width, channels } = data;
  const ok = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (!ok(rate, 4000, 384000)) throw new RequestError('BAD_EVENT', `${event}: "rate" must be a whole number of Hz from 4000 to 384000`);
  if (!ok(width, 1, 4)) throw new RequestError('BAD_EVENT', `${event}: "width" must be 1, 2, 3 or 4 bytes`);
  if (!ok(channels, 1, 32)) throw new RequestError('BAD_EVENT', `${event}: "channels" must be a whole number from 1 to 32`);
  return { encoding: 'pcm', sampleRate: rate, channels, sampleFormat: WIDTHS[width]! };
}

function asRequestError(err: unknown, fallback: ErrorCode): RequestError {
  if (err instanceof RequestError) return err;
  if (err instanceof CodedError) return new RequestError(err.code, err.message);
  return new RequestError(fallback, err instanceof Error ? err.message : String(err));
}
