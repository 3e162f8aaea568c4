/**
 * The audio of one utterance as it leaves: Gradium's chunks in, whole samples out (an odd byte is carried
 * to the next chunk), the duration counted (samples for PCM and G.711, Ogg granule positions for Opus),
 * and for `file` delivery the whole utterance kept until its end and then made into one payload (a WAV
 * file with real header sizes for `wav`). An utterance may span several Gradium requests; a request that is
 * retried is discarded before it is replayed.
 */
import { OggPageClock, OPUS_GRANULE_RATE } from '../audio/ogg-page-clock';
import { wavFile } from '../audio/wav-writer';
import { layoutOf, ttsPcmFormat, type TtsOutputFormat } from '../gradium/tts-protocol';
import type { OutputEncoding, OutputFormat, TtsSettings, SpokenWord } from './types';

/** The output_format to ask Gradium for: raw PCM at the rate for `wav` (the header is written here). */
export function gradiumFormatFor(encoding: OutputEncoding, sampleRate: number): TtsOutputFormat {
  switch (encoding) {
    case 'opus':
      return 'opus';
    case 'ulaw':
      return 'ulaw_8000';
    case 'alaw':
      return 'alaw_8000';
    default: {
      const format = ttsPcmFormat(sampleRate);
      if (!format) throw new RangeError(`Gradium does not synthesise PCM at ${sampleRate} Hz`);
      return format;
    }
  }
}

export interface AudioPiece {
  payload: Buffer;
  durationMs: number;
}

export class UtteranceAudio {
  readonly gradiumFormat: TtsOutputFormat;
  private fmt: OutputFormat;
  private readonly bytesPerSample: number;
  private readonly keep: boolean;
  /** Whole-sample chunks kept for `file` delivery; `requestStart` marks where the current request began. */
  private readonly kept: Buffer[] = [];
  private requestStart = 0;
  private carry: Buffer | null = null;
  private ogg: OggPageClock | null = null;
  /** Samples (at format.sampleRate) of the finished requests, and of the current one. */
  private committedSamples = 0;
  private requestSamples = 0;
  private readonly committedWords: SpokenWord[] = [];
  private requestWords: SpokenWord[] = [];

  constructor(settings: Pick<TtsSettings, 'format' | 'sampleRate' | 'delivery'>) {
    this.gradiumFormat = gradiumFormatFor(settings.format, settings.sampleRate);
    const layout = layoutOf(this.gradiumFormat);
    this.fmt = { encoding: settings.format, sampleRate: layout.sampleRate, channels: 1 };
    this.bytesPerSample = layout.bytesPerSample;
    this.keep = settings.delivery === 'file';
  }

  /**
   * Gradium reports the rate it synthesises at in `ready`. For PCM that is the rate of the bytes, so it wins
   * over the one asked for; the caller warns. Returns the rate now in force.
   */
  adoptRate(reported: number): number {
    if (this.bytesPerSample === 2 && reported > 0 && reported !== this.format.sampleRate && this.totalSamples === 0) {
      this.fmt = { ...this.fmt, sampleRate: reported };
    }
    return this.fmt.sampleRate;
  }

  get format(): OutputFormat {
    return this.fmt;
  }

  beginRequest(): void {
    this.requestStart = this.kept.length;
    this.requestSamples = 0;
    this.requestWords = [];
    this.carry = null;
    this.ogg = this.format.encoding === 'opus' ? new OggPageClock() : null;
  }

  /** Forget the current request's audio and words (it will be sent again). */
  discardRequest(): void {
    this.kept.length = this.requestStart;
    this.beginRequest();
  }

  endRequest(): void {
    this.committedSamples += this.requestSamples;
    for (const w of this.requestWords) this.committedWords.push(w);
    this.requestWords = [];
    this.requestSamples = 0;
    this.carry = null;
  }

  /** A chunk from Gradium. Returns what may leave now (whole samples), or null when nothing does. */
  push(bytes: Buffer): AudioPiece | null {
    let data = bytes;
    let samples: number;
    if (this.bytesPerSample === 0) {
      samples = this.ogg!.advance(bytes);
    } else {
      if (this.bytesPerSample === 2) {
        if (this.carry) {
          data = Buffer.concat([this.carry, data]);
          this.carry = null;
        }
        if (data.length % 2 === 1) {
          this.carry = Buffer.from(data.subarray(data.length - 1));
          data = data.subarray(0, data.length - 1);
        }
      }
      samples = data.length / this.bytesPerSample;
    }
    if (data.length === 0) return null;
    this.requestSamples += samples;
    if (this.keep) this.kept.push(data);
    return { payload: data, durationMs: (samples * 1000) / this.sampleRateOfCount };
  }

  /** A word of the current request, its times made relative to the utterance. */
  word(text: string, start: number, end: number): void {
    const offset = this.committedSamples / this.sampleRateOfCount;
    this.requestWords.push({ text, start: round3(start + offset), end: round3(end + offset) });
  }

  get words(): SpokenWord[] {
    return [...this.committedWords, ...this.requestWords];
  }

  get totalSamples(): number {
    return this.committedSamples + this.requestSamples;
  }

  get durationMs(): number {
    return (this.totalSamples * 1000) / this.sampleRateOfCount;
  }

  /** The whole utterance as one payload (`file` delivery). */
  filePayload(): Buffer {
    if (this.format.encoding === 'wav') {
      return wavFile(this.kept, { sampleRate: this.format.sampleRate, channels: 1, bitsPerSample: 16 });
    }
    return this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept);
  }

  /** Opus durations count 48 kHz granules whatever the format says. */
  private get sampleRateOfCount(): number {
    return this.bytesPerSample === 0 ? OPUS_GRANULE_RATE : this.format.sampleRate;
  }
}

function round3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
