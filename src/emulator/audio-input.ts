/**
 * The audio side of one session: base64 payloads in the declared `input_format` to 80 ms frame
 * energies. It also checks each message against our client contract (whole samples, at most 80 ms,
 * valid base64, sane WAV) and reports deviations without rejecting them, as Gradium accepts them.
 */
import type { InputFormat } from '../gradium/protocol';
import { FrameMeter, SampleCodec, type FrameSink } from './frame-meter';
import { WavHeaderReader, type WavFormat } from './wav-header';

const WAV_CODEC_BY_BITS: Record<number, SampleCodec> = {
  8: SampleCodec.U8,
  16: SampleCodec.S16LE,
  24: SampleCodec.S24LE,
  32: SampleCodec.S32LE,
};

export type AudioPushResult = 'ok' | 'halted' | { error: string };
export type InvalidFrameReporter = (index: number, reason: string) => void;

interface RawFormat {
  codec: SampleCodec;
  channels: number;
  sampleRate: number;
}

function rawFormat(format: InputFormat): RawFormat | undefined {
  switch (format) {
    case 'pcm':
      return { codec: SampleCodec.S16LE, channels: 1, sampleRate: 24000 };
    case 'ulaw_8000':
    case 'mulaw_8000':
      return { codec: SampleCodec.MuLaw, channels: 1, sampleRate: 8000 };
    case 'alaw_8000':
      return { codec: SampleCodec.ALaw, channels: 1, sampleRate: 8000 };
    case 'wav':
    case 'opus':
      return undefined;
    default:
      return { codec: SampleCodec.S16LE, channels: 1, sampleRate: Number(format.slice('pcm_'.length)) };
  }
}

export class AudioInput {
  private meter: FrameMeter | undefined;
  private wavHeader: WavHeaderReader | undefined;
  /** Bytes of the WAV data chunk still expected, when the header declared a size. */
  private wavDataLeft: number | undefined;
  private scratch: Buffer = Buffer.allocUnsafe(16384);
  private messages = 0;

  constructor(
    private readonly format: InputFormat,
    private readonly sink: FrameSink,
    private readonly reportInvalid: InvalidFrameReporter,
  ) {
    const raw = rawFormat(format);
    if (raw) this.meter = new FrameMeter(raw.codec, raw.channels, raw.sampleRate, sink);
    else if (format === 'wav') this.wavHeader = new WavHeaderReader();
  }

  /** Decoded samples per channel so far. */
  get samples(): number {
    return this.meter?.samples ?? 0;
  }

  /** Decode one message; `index` is its 1-based position among the session's audio messages. */
  push(base64: string, index: number): AudioPushResult {
    this.messages++;
    const bytes = this.decode(base64);
    if (!isPaddedBase64(base64, bytes.length)) this.reportInvalid(index, 'not valid padded base64');
    if (bytes.length === 0) {
      this.reportInvalid(index, 'empty audio');
      return 'ok';
    }
    if (this.format === 'opus') {
      if (this.messages === 1 && bytes.toString('latin1', 0, 4) !== 'OggS') this.reportInvalid(index, 'opus input does not start with an Ogg page (OggS)');
      return 'ok';
    }
    let audio = bytes;
    if (this.wavHeader) {
      const header = this.wavHeader.push(bytes);
      if (header.status === 'need-more') return 'ok';
      if (header.status === 'error') return { error: header.reason };
      this.wavHeader = undefined;
      this.startWav(header.format, index);
      audio = header.audio;
      if (audio.length === 0) return 'ok';
    } else if (this.format === 'wav' && audio.length >= 4 && audio.toString('latin1', 0, 4) === 'RIFF') {
      this.reportInvalid(index, 'a RIFF header in the middle of the wav stream (each chunk sent as a file?)');
    }
    if (this.wavDataLeft !== undefined) {
      audio = audio.subarray(0, Math.min(audio.length, this.wavDataLeft));
      this.wavDataLeft -= audio.length;
    }
    const meter = this.meter;
    if (!meter) return 'ok';
    this.checkFraming(audio.length, meter, index);
    return meter.push(audio) ? 'ok' : 'halted';
  }

  /** Complete the current partial frame with silence (flush, end of stream). */
  padPartialFrame(): boolean {
    return this.meter ? this.meter.padPartialFrame() : true;
  }

  private startWav(format: WavFormat, index: number): void {
    for (const warning of format.warnings) this.reportInvalid(index, warning);
    this.wavDataLeft = format.dataBytes;
    this.meter = new FrameMeter(WAV_CODEC_BY_BITS[format.bitsPerSample]!, format.channels, format.sampleRate, this.sink);
  }

  private checkFraming(length: number, meter: FrameMeter, index: number): void {
    if (length % meter.blockAlign !== 0) {
      this.reportInvalid(index, `not sample-aligned: ${length} bytes with ${meter.blockAlign}-byte samples`);
    }
    const samples = Math.floor(length / meter.blockAlign);
    if (samples > meter.samplesPerFrame) {
      const ms = Math.round((samples / meter.samplesPerFrame) * 80);
      this.reportInvalid(index, `longer than 80 ms: ${ms} ms in one message`);
    }
  }

  /** Decode into a reused buffer: the bytes are consumed (or copied) before the next message. */
  private decode(base64: string): Buffer {
    const max = Buffer.byteLength(base64, 'base64');
    if (max > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(max, this.scratch.length * 2));
    const written = this.scratch.write(base64, 'base64');
    return this.scratch.subarray(0, written);
  }
}

/**
 * Node's decoder skips characters outside the alphabet, so a string is clean padded base64 exactly when
 * its length is a multiple of 4 and every character turned into bits (cheaper than a regex per message).
 */
function isPaddedBase64(text: string, decodedBytes: number): boolean {
  if (text.length % 4 !== 0) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return decodedBytes === (text.length / 4) * 3 - padding;
}
