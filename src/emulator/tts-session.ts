/**
 * One accepted WebSocket on `/api/speech/tts`, speaking Gradium's TTS protocol (docs/gradium-tts-protocol.md): setup
 * first (voice, output_format, json_config checked as Gradium checks them), `ready`, text in any number of
 * messages (joined with one space), audio and word timings out in 80 ms messages, lagging two words
 * behind the text until `<flush>` or `end_of_stream`, then `end_of_stream` and a close. A client that
 * closes early cancels: nothing more is sent. Faults: refused key, unknown voice, abrupt close or an error
 * after N audio messages, slow `ready`, slow first audio, paced audio. The socket handling (key check, frame
 * reading, error and close, timers that die with the socket) is SocketSession's.
 *
 *     awaiting-setup ──setup──▶ starting ──ready──▶ streaming ──end_of_stream──▶ draining ──all sent──▶ ended
 *     any phase ──error, client close, cut──▶ ended
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { TransitionTable } from '../common/state-table';
import {
  TTS_OUTPUT_FORMATS,
  type TtsClientMessage,
  type TtsJsonConfig,
  type TtsOutputFormat,
  type TtsServerMessage,
  type TtsSetupMessage,
} from '../gradium/tts-protocol';
import { pcm16ToALaw, pcm16ToMuLaw } from './g711';
import { OggOpusWriter } from './ogg-opus';
import { messageTokens, SpeechSynth, type SynthWord } from './tts-synth';
import { DEFAULT_VOICE_ID, UNKNOWN_VOICE_MESSAGE, type EmulatorVoice } from './tts-voices';
import { parseJsonConfig } from './setup-check';
import { ENDED, SocketSession, type Ended, type SocketSessionContext } from './socket-session';
import type { EmulatorTtsSession } from './types';
import { streamingWavHeader } from './wav-header';

export const TTS_BAD_KEY_MESSAGE =
  'Invalid or expired API key\nIf you think this is a mistake, contact support@gradium.ai with your request id.';
export const TTS_NO_KEY_REASON = 'No authentication provided.';
/** Words the server holds back until more text, a `<flush>` or end_of_stream comes. */
const LAG_WORDS = 2;
const CHUNK_S = 0.08;

/** Audio message stand-in for `sent`: the order and timing are kept, the payload is not. */
type SentAudio = Extract<TtsServerMessage, { type: 'audio' }>;

export interface TtsSessionContext extends SocketSessionContext {
  keyGiven: boolean;
  voices: () => readonly EmulatorVoice[];
  onEnd: (session: TtsProtocolSession) => void;
}

type Phase = 'awaiting-setup' | 'starting' | 'streaming' | 'draining';

const PHASES: TransitionTable<Phase | Ended> = {
  'awaiting-setup': ['starting', ENDED],
  starting: ['streaming', ENDED],
  streaming: ['draining', ENDED],
  draining: [ENDED],
  [ENDED]: [],
};

interface Output {
  format: TtsOutputFormat;
  rate: number;
  encode: (samples: Int16Array, last: boolean) => Buffer;
  /** Samples the encoded stream holds, when encoding rounds them (Opus: whole 20 ms packets). */
  samplesWritten?: () => number;
}

export class TtsProtocolSession extends SocketSession<Phase, TtsClientMessage, TtsServerMessage> implements EmulatorTtsSession {
  setup?: TtsSetupMessage;
  config?: TtsJsonConfig;
  text = '';
  textMessages = 0;
  audioMessages = 0;
  audioBytes = 0;
  samplesSent = 0;
  sampleRate = 0;
  wordsSent: string[] = [];
  firstAudioAt?: number;
  finishedAt?: number;
  cancelled = false;
  completed = false;

  protected readonly binaryFrameMessage = 'binary frames are not supported; send JSON messages'; // UNCONFIRMED text
  private readonly backlog: TtsClientMessage[] = [];
  private synth: SpeechSynth | undefined;
  private output: Output | undefined;
  /** Tokens received and not yet voiced. */
  private tokens: string[] = [];
  /** Samples voiced and not yet sent, and the words whose end lies in them. */
  private pending: Int16Array[] = [];
  private pendingSamples = 0;
  private pendingWords: SynthWord[] = [];
  private sentSamples = 0;
  private endRequested = false;
  /** A `<flush>` came: send what is voiced even if it is less than a message. */
  private flushRequested = false;
  private pumping = false;

  constructor(
    ws: WebSocket,
    private readonly ctx: TtsSessionContext,
  ) {
    super(ws, ctx, `tts session ${ctx.id}`, PHASES, 'awaiting-setup');
  }

  protected admit(): boolean {
    if (!this.ctx.keyGiven) {
      // Observed: a missing key gets a bare close, no error frame.
      this.closeWith(1008, TTS_NO_KEY_REASON);
      return false;
    }
    if (this.apiKeyAccepted) return true;
    this.fail(1008, TTS_BAD_KEY_MESSAGE);
    return false;
  }

  protected errorFrame(code: number, message: string): TtsServerMessage {
    return { type: 'error', message, code, client_req_id: null };
  }

  protected receive(message: TtsClientMessage): void {
    if (this.recording) this.received.push(message);
    if (this.phase === 'starting') this.backlog.push(message);
    else this.dispatch(message);
  }

  protected onClosed(endedByUs: boolean): string {
    if (!endedByUs && !this.completed) this.cancelled = this.setup !== undefined;
    this.backlog.length = 0;
    this.pending = [];
    return this.cancelled ? ' (cancelled by the client)' : '';
  }

  protected reportEnd(): void {
    this.ctx.onEnd(this);
  }

  private dispatch(msg: TtsClientMessage): void {
    if (this.phase === 'awaiting-setup') {
      if (msg.type === 'setup') this.handleSetup(msg);
      else this.fail(1008, `Missing setup message: the first message must have type "setup", got "${String(msg.type)}"`); // UNCONFIRMED text
      return;
    }
    if (this.phase !== 'streaming') return;
    switch (msg.type) {
      case 'text':
        if (typeof msg.text !== 'string') {
          this.fail(1008, 'Text message without a string in "text"'); // UNCONFIRMED text
          return;
        }
        this.handleText(msg.text);
        return;
      case 'end_of_stream':
        this.endRequested = true;
        this.moveTo('draining');
        this.voice(Infinity);
        this.pump();
        return;
      case 'setup':
        this.fail(1008, 'Setup already received for this request'); // UNCONFIRMED text
        return;
      default:
        this.fail(1008, `Unknown message type "${String((msg as { type: unknown }).type)}"`); // UNCONFIRMED text
    }
  }

  // ------------------------------------------------------------------ setup

  private handleSetup(msg: TtsSetupMessage): void {
    this.setup = msg;
    const format = msg.output_format === undefined ? 'wav' : msg.output_format;
    if (typeof format !== 'string' || !(TTS_OUTPUT_FORMATS as readonly string[]).includes(format)) {
      this.fail(1008, `Unsupported output_format ${JSON.stringify(format)}. Supported formats: ${TTS_OUTPUT_FORMATS.join(', ')}.`); // UNCONFIRMED text
      return;
    }
    const config = parseJsonConfig<TtsJsonConfig>(msg.json_config);
    if (!config) {
      this.fail(1011, 'json_config must be a JSON object or a string holding one'); // UNCONFIRMED text
      return;
    }
    const range = checkRanges(config);
    if (range) {
      this.fail(1011, range);
      return;
    }
    this.config = config;
    const voiceId = this.voiceOf(msg);
    if (voiceId === undefined) return;
    const output = outputFor(format as TtsOutputFormat, this.id);
    this.output = output;
    this.sampleRate = output.rate;
    this.synth = new SpeechSynth(output.rate, typeof config.padding_bonus === 'number' ? config.padding_bonus : 0);
    this.log(`setup ${format} voice=${voiceId}`);
    this.moveTo('starting');
    const ready = (): void => {
      if (this.phase !== 'starting') return;
      this.send({
        type: 'ready',
        request_id: randomUUID(),
        model_name: typeof msg.model_name === 'string' && msg.model_name ? msg.model_name : 'default',
        sample_rate: output.rate,
        frame_size: Math.round(output.rate * CHUNK_S),
        audio_stream_names: ['audio'],
        text_stream_names: ['text'],
      });
      this.moveTo('streaming');
      this.queue(this.synth!.lead());
      for (const m of this.backlog.splice(0)) if (!this.ended) this.dispatch(m);
    };
    const delay = this.faults.connectDelayMs ?? 0;
    if (delay > 0) this.later(delay, ready);
    else ready();
  }

  /** The voice the setup names, or undefined after refusing it. */
  private voiceOf(msg: TtsSetupMessage): string | undefined {
    const known = this.ctx.voices();
    const raw = msg as unknown as Record<string, unknown>;
    if (typeof raw.voice_id === 'string' && raw.voice_id !== '') {
      if (known.some((v) => v.uid === raw.voice_id)) return raw.voice_id;
      this.fail(1011, UNKNOWN_VOICE_MESSAGE(raw.voice_id));
      return undefined;
    }
    if (typeof raw.voice === 'string' && raw.voice !== '' && raw.voice !== 'default') {
      const byName = known.find((v) => v.name.toLowerCase() === (raw.voice as string).toLowerCase());
      if (byName) return byName.uid;
      this.fail(1011, UNKNOWN_VOICE_MESSAGE(raw.voice));
      return undefined;
    }
    return DEFAULT_VOICE_ID;
  }

  // ------------------------------------------------------------------ text to audio

  private handleText(text: string): void {
    this.textMessages++;
    // The server puts one space between consecutive text messages.
    this.text = this.text === '' ? text : `${this.text} ${text}`;
    this.tokens.push(...messageTokens(text));
    const flushAt = this.tokens.lastIndexOf('<flush>');
    if (flushAt >= 0) this.flushRequested = true;
    this.voice(flushAt >= 0 ? flushAt + 1 : this.tokens.length - LAG_WORDS);
    this.pump();
  }

  /** Voice the first `count` tokens (Infinity: all, then the closing silence). */
  private voice(count: number): void {
    const synth = this.synth;
    if (!synth) return;
    const take = this.tokens.splice(0, Math.max(0, Math.min(count, this.tokens.length)));
    for (const token of take) {
      if (token.startsWith('<') && token.endsWith('>')) {
        if (/^<break\b/i.test(token)) this.queue(synth.pause(token));
        continue; // <flush> and unknown tags are not spoken
      }
      const { samples, word } = synth.word(token);
      this.queue(samples);
      this.pendingWords.push(word);
    }
    if (count === Infinity) this.queue(synth.tail());
  }

  private queue(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.pending.push(samples);
    this.pendingSamples += samples.length;
  }

  /** Send whole 80 ms messages of what is voiced (and the rest when ending), paced as the faults say. */
  private pump(): void {
    const output = this.output;
    if (this.pumping || !output) return;
    const frame = Math.round(output.rate * CHUNK_S);
    while (this.phase === 'streaming' || this.phase === 'draining') {
      const drain = this.endRequested || this.flushRequested;
      const available = this.pendingSamples >= frame || (drain && this.pendingSamples > 0);
      if (!available) {
        this.flushRequested = false;
        if (this.endRequested && this.pendingSamples === 0) this.finish();
        return;
      }
      const delay = this.audioMessages === 0 ? (this.faults.ttsFirstAudioDelayMs ?? 0) : (this.faults.ttsChunkIntervalMs ?? 0);
      if (delay > 0) {
        this.pumping = true;
        this.later(delay, () => {
          this.pumping = false;
          if (this.phase !== 'streaming' && this.phase !== 'draining') return;
          this.sendChunk(frame);
          this.pump();
        });
        return;
      }
      this.sendChunk(frame);
    }
  }

  private sendChunk(frame: number): void {
    const output = this.output;
    if (!output || this.ended) return;
    const n = Math.min(frame, this.pendingSamples);
    if (n === 0) return;
    const samples = this.take(n);
    const last = this.endRequested && this.pendingSamples === 0;
    const bytes = output.encode(samples, last);
    const startS = this.sentSamples / output.rate;
    this.sentSamples += samples.length;
    const stopS = this.sentSamples / output.rate;
    const { ttsCloseAfterChunks, ttsErrorAfterChunks } = this.faults;
    if (ttsCloseAfterChunks !== undefined && this.audioMessages >= ttsCloseAfterChunks) {
      this.cut(`abrupt close after ${this.audioMessages} audio messages (fault)`);
      return;
    }
    if (ttsErrorAfterChunks && this.audioMessages >= ttsErrorAfterChunks.chunks) {
      this.fail(ttsErrorAfterChunks.code, ttsErrorAfterChunks.message);
      return;
    }
    const [start, stop] = [round(startS), round(stopS)];
    const json = `{"type":"audio","audio":"${bytes.toString('base64')}","start_s":${start},"stop_s":${stop},"stream_id":0}`;
    const record = (): SentAudio => ({ type: 'audio', audio: '', start_s: start, stop_s: stop, stream_id: 0 });
    if (!this.sendRaw(json, record)) return;
    this.firstAudioAt ??= performance.timeOrigin + performance.now();
    this.audioMessages++;
    this.audioBytes += bytes.length;
    this.samplesSent = output.samplesWritten?.() ?? this.sentSamples;
    // Words whose sound has been sent.
    while (this.pendingWords.length > 0 && this.pendingWords[0]!.stopS <= stopS + 1e-9) {
      const w = this.pendingWords.shift()!;
      this.send({ type: 'text', text: w.text, start_s: round(w.startS), stop_s: round(w.stopS), stream_id: 0 });
      this.wordsSent.push(w.text);
    }
  }

  private take(n: number): Int16Array {
    const out = new Int16Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.pending[0]!;
      const k = Math.min(head.length, n - filled);
      out.set(head.subarray(0, k), filled);
      filled += k;
      if (k === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(k);
    }
    this.pendingSamples -= n;
    return out;
  }

  private finish(): void {
    if (this.ended) return;
    for (const w of this.pendingWords.splice(0)) {
      this.send({ type: 'text', text: w.text, start_s: round(w.startS), stop_s: round(w.stopS), stream_id: 0 });
      this.wordsSent.push(w.text);
    }
    this.send({ type: 'end_of_stream' });
    this.finishedAt = performance.timeOrigin + performance.now();
    this.completed = true;
    this.closeWith(1000, '');
  }
}

function outputFor(format: TtsOutputFormat, serial: number): Output {
  const pcm = (samples: Int16Array): Buffer => {
    const b = Buffer.allocUnsafe(samples.length * 2);
    for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, i * 2);
    return b;
  };
  const g711 = (encode: (s: number) => number) => (samples: Int16Array): Buffer => {
    const b = Buffer.allocUnsafe(samples.length);
    for (let i = 0; i < samples.length; i++) b[i] = encode(samples[i]!);
    return b;
  };
  switch (format) {
    case 'wav': {
      let headerSent = false;
      return {
        format,
        rate: 48000,
        encode: (samples) => {
          const data = pcm(samples);
          if (headerSent) return data;
          headerSent = true;
          return Buffer.concat([streamingWavHeader(48000), data]);
        },
      };
    }
    case 'pcm':
      return { format, rate: 48000, encode: pcm };
    case 'opus': {
      const writer = new OggOpusWriter(serial);
      return {
        format,
        rate: 48000,
        encode: (samples, last) => writer.write(samples.length, last),
        samplesWritten: () => writer.samples,
      };
    }
    case 'ulaw_8000':
    case 'mulaw_8000':
      return { format, rate: 8000, encode: g711(pcm16ToMuLaw) };
    case 'alaw_8000':
      return { format, rate: 8000, encode: g711(pcm16ToALaw) };
    default:
      return { format, rate: Number(format.slice('pcm_'.length)), encode: pcm };
  }
}

/** Ranges from docs/gradium-tts-protocol.md, "Setup"; the texts are ours (UNCONFIRMED). */
function checkRanges(c: TtsJsonConfig): string | undefined {
  const bad = (name: string, v: unknown, min: number, max: number): string | undefined =>
    v === undefined || (typeof v === 'number' && v >= min && v <= max) ? undefined : `json_config.${name} must be a number from ${min} to ${max}`;
  return bad('temp', c.temp, 0, 1.4) ?? bad('padding_bonus', c.padding_bonus, -4, 4) ?? bad('cfg_coef', c.cfg_coef, 1, 4);
}

function round(seconds: number): number {
  return Math.round(seconds * 10000) / 10000;
}
