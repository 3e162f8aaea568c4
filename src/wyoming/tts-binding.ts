/**
 * Text to speech over Wyoming, on the TTS layer: each connection gets a Speaker (utterances in order) that
 * speaks with the gradium-tts node's settings, as raw PCM at the node's sample rate (Wyoming carries PCM: the
 * node's WAV/Opus/G.711 choice does not apply), delivered as it comes.
 *
 *     idle ──synthesize──▶ speaking ──utterance ends──▶ idle        (audio-start, audio-chunk…, audio-stop)
 *     idle ──synthesize-start──▶ streaming ──synthesize-stop──▶ finishing ──last utterance ends──▶ idle
 *                                                             (…audio-stop, synthesize-stopped)
 *     every state ──connection gone──▶ closed
 *
 * Streaming: each complete sentence of the synthesize-chunks is spoken as soon as it is complete, so its audio
 * starts before synthesize-stop; Home Assistant's compatibility copy (`synthesize` inside the stream) is not
 * spoken again. One audio-start for the whole stream (Home Assistant reads only the first).
 */
import { realClock, type Clock } from '../common/clock';
import { StateMachine, type TransitionTable } from '../common/state-table';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../tts/request-plan';
import { Speaker } from '../tts/speaker';
import type { AudioOut, TtsSettings, UtteranceOutcome } from '../tts/types';
import { DEFAULT_TIMING, type TtsConnection, type UtteranceTiming } from '../tts/utterance';
import type { WyomingEvent } from './framing';
import { baseLanguage, type TtsDescription, type VoiceDescription } from './info';
import { RequestError, type Outbox, type ProgramHandler, type RequestHandler, type WyomingClient } from './requests';

export type TtsRequestState = 'idle' | 'speaking' | 'streaming' | 'finishing' | 'closed';

const TRANSITIONS: TransitionTable<TtsRequestState> = {
  idle: ['speaking', 'streaming', 'closed'],
  speaking: ['idle', 'closed'],
  streaming: ['finishing', 'closed'],
  finishing: ['idle', 'closed'],
  closed: [],
};

/** Longest text a request may bring (Home Assistant's answers are a few sentences). */
export const MAX_TEXT_CHARS = 20_000;

export interface VoiceCatalogue {
  voices: VoiceDescription[];
  /** false: the catalogue could not be read and `voices` is only the node's own voice. */
  complete: boolean;
}

export interface TtsBindingOptions {
  /** The node's settings now (its dialog and msg.settings without a key). */
  settings: () => TtsSettings;
  connection: () => TtsConnection;
  catalogue: () => VoiceCatalogue;
  clock?: Clock;
  limits?: Partial<RequestLimits>;
  timing?: Partial<UtteranceTiming>;
}

/** Sentences spoken in a row before the stream must wait: far above any assistant's answer. */
const MAX_QUEUED_SENTENCES = 200;

export class TtsBinding implements ProgramHandler {
  private readonly requests = new Set<TtsRequest>();

  constructor(readonly options: TtsBindingOptions) {}

  describe(): TtsDescription {
    return { voices: this.options.catalogue().voices };
  }

  open(client: WyomingClient, out: Outbox): RequestHandler {
    const request = new TtsRequest(this, out);
    this.requests.add(request);
    void client;
    return request;
  }

  get active(): number {
    return this.requests.size;
  }

  forget(request: TtsRequest): void {
    this.requests.delete(request);
  }

  close(): void {
    for (const r of [...this.requests]) r.close();
  }

  /** The voice id for a request's `voice`: by name, else the first of its language, else the node's. */
  voiceFor(voice: unknown): string {
    const own = this.options.settings().voice;
    if (voice === undefined || voice === null) return own;
    if (typeof voice !== 'object' || Array.isArray(voice)) throw new RequestError('BAD_EVENT', '"voice" is not an object');
    const { name, language } = voice as Record<string, unknown>;
    const catalogue = this.options.catalogue();
    if (typeof name === 'string' && name !== '') {
      if (catalogue.complete && !catalogue.voices.some((v) => v.id === name)) {
        throw new RequestError('VOICE_UNKNOWN', `voice "${name}" is not in the account's voice list`);
      }
      return name;
    }
    if (typeof language === 'string' && language !== '') {
      const wanted = baseLanguage(language);
      return catalogue.voices.find((v) => v.languages.includes(wanted))?.id ?? own;
    }
    return own;
  }
}

interface Job {
  /** Set on the last job of a request: its end answers audio-stop (and synthesize-stopped when streaming). */
  last: boolean;
}

class TtsRequest implements RequestHandler {
  private readonly machine = new StateMachine<TtsRequestState>('wyoming tts request', TRANSITIONS, 'idle');
  private speaker: Speaker<Job> | null = null;
  private voice = '';
  private pendingText = '';
  private audioStarted = false;
  /** An odd byte of 16-bit audio kept for the next chunk, so every chunk holds whole samples. */
  private carry: Buffer | null = null;
  private outstanding = 0;

  constructor(
    private readonly binding: TtsBinding,
    private readonly out: Outbox,
  ) {}

  event(e: WyomingEvent): void {
    switch (e.type) {
      case 'synthesize':
        // Inside a stream this is Home Assistant's copy of the whole text: not spoken again.
        if (this.machine.is('streaming', 'finishing')) return;
        return this.synthesize(e.data);
      case 'synthesize-start':
        return this.start(e.data);
      case 'synthesize-chunk':
        return this.chunk(e.data);
      case 'synthesize-stop':
        return this.stop();
    }
  }

  close(): void {
    if (this.machine.is('closed')) return;
    this.machine.to('closed');
    // Cancels the utterance in flight: its Gradium socket closes, nothing more is billed.
    this.speaker?.close();
    this.speaker = null;
    this.binding.forget(this);
  }

  private synthesize(data: Record<string, unknown>): void {
    if (!this.machine.is('idle')) throw new RequestError('BAD_EVENT', 'synthesize while another synthesis of this connection runs');
    const text = textOf(data.text, 'synthesize');
    if (text.trim() === '') throw new RequestError('BAD_TEXT', 'synthesize: "text" is empty');
    this.voice = this.binding.voiceFor(data.voice);
    this.machine.to('speaking');
    this.resetAudio();
    this.speak(text, true);
  }

  private start(data: Record<string, unknown>): void {
    if (!this.machine.is('idle')) throw new RequestError('BAD_EVENT', 'synthesize-start while another synthesis of this connection runs');
    this.voice = this.binding.voiceFor(data.voice);
    this.machine.to('streaming');
    this.resetAudio();
    this.pendingText = '';
  }

  private chunk(data: Record<string, unknown>): void {
    if (!this.machine.is('streaming')) throw new RequestError('BAD_EVENT', 'synthesize-chunk without synthesize-start');
    this.pendingText += textOf(data.text, 'synthesize-chunk');
    if (this.pendingText.length > MAX_TEXT_CHARS) throw new RequestError('BAD_TEXT', `the streamed text is longer than ${MAX_TEXT_CHARS} characters`);
    const cut = lastSentenceEnd(this.pendingText);
    if (cut <= 0) return;
    const sentences = this.pendingText.slice(0, cut);
    this.pendingText = this.pendingText.slice(cut);
    if (sentences.trim() !== '') this.speak(sentences.trim(), false);
  }

  private stop(): void {
    if (!this.machine.is('streaming')) throw new RequestError('BAD_EVENT', 'synthesize-stop without synthesize-start');
    this.machine.to('finishing');
    const rest = this.pendingText.trim();
    this.pendingText = '';
    if (rest !== '') this.speak(rest, true);
    else if (this.outstanding === 0) this.finish();
    else this.markLast = true;
  }

  /** Set when synthesize-stop came with nothing left to add: the job running now is the last. */
  private markLast = false;

  private speak(text: string, last: boolean): void {
    const speaker = this.speakerOf();
    const settings: TtsSettings = { ...this.binding.options.settings(), voice: this.voice, format: 'pcm', delivery: 'stream' };
    this.outstanding += 1;
    speaker.enqueue({ text, settings, context: { last } });
  }

  private speakerOf(): Speaker<Job> {
    if (this.speaker) return this.speaker;
    const o = this.binding.options;
    const speaker = new Speaker<Job>({
      clock: o.clock ?? realClock,
      connection: o.connection,
      limits: { ...DEFAULT_REQUEST_LIMITS, ...o.limits },
      timing: { ...DEFAULT_TIMING, ...o.timing },
      maxQueue: MAX_QUEUED_SENTENCES,
    });
    speaker.on('audio', (a) => this.audio(a));
    speaker.on('finished', (job, outcome) => this.finished(job, outcome));
    this.speaker = speaker;
    return speaker;
  }

  private audio(a: AudioOut): void {
    if (this.machine.is('closed', 'idle')) return;
    let pcm = a.payload;
    if (this.carry) {
      pcm = Buffer.concat([this.carry, pcm]);
      this.carry = null;
    }
    if (pcm.length % 2 === 1) {
      this.carry = Buffer.from(pcm.subarray(pcm.length - 1));
      pcm = pcm.subarray(0, pcm.length - 1);
    }
    if (pcm.length === 0) return;
    const format = { rate: a.format.sampleRate, width: 2, channels: 1 };
    if (!this.audioStarted) {
      this.audioStarted = true;
      this.out.send('audio-start', format);
    }
    this.out.send('audio-chunk', format, pcm);
  }

  private finished(job: Job, outcome: UtteranceOutcome): void {
    if (this.machine.is('closed')) return;
    this.outstanding -= 1;
    if (outcome.status === 'failed') {
      this.out.fail(outcome.error.code, outcome.error.message);
      return;
    }
    if (outcome.status !== 'spoken') return;
    if (job.last || (this.markLast && this.outstanding === 0)) this.finish();
  }

  private finish(): void {
    const streaming = this.machine.is('finishing');
    if (this.audioStarted) this.out.send('audio-stop');
    if (streaming) this.out.send('synthesize-stopped');
    this.markLast = false;
    this.machine.to('idle');
  }

  private resetAudio(): void {
    this.audioStarted = false;
    this.carry = null;
    this.markLast = false;
  }
}

function textOf(v: unknown, event: string): string {
  if (typeof v !== 'string') throw new RequestError('BAD_TEXT', `${event}: "text" is not a string`);
  return v;
}

/** The index just past the last sentence end (., !, ?, …, or a line break, followed by whitespace), or 0. */
function lastSentenceEnd(text: string): number {
  let end = 0;
  for (const m of text.matchAll(/[.!?…。！？]+["')\]]*\s+|\n+/g)) end = m.index + m[0].length;
  return end;
}
