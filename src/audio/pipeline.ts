/**
 * One stream's audio path: payload → bytes → (WAV header | Ogg | raw) → 16-bit mono at a native rate
 * (or G.711 / Opus passed through) → 80 ms frames. One pipeline per stream: it keeps the partial sample,
 * the WAV position, the resampler state and the partial frame between chunks.
 */
import { FRAME_MS, pcmInputFormat, type InputFormat } from '../gradium/protocol';
import { FrameAssembler } from './frame-assembler';
import { validateFormat, validateFormatOverride } from './format-override';
import { linearToALaw, linearToMuLaw } from './g711';
import { OggPageClock, OPUS_GRANULE_RATE } from './ogg-page-clock';
import { isNativeRate, outputRateFor } from './output-rate';
import { payloadToBytes } from './payload';
import { StreamResampler } from './resampler';
import { bytesPerSample, decodeToMono, type SourceSampleFormat } from './sample-decoder';
import { AudioInputError, type AudioFormat, type AudioFrame, type AudioPipelineOptions } from './types';
import { looksLikeWav, MAX_HEADER_BYTES, parseWavHeader, type WavFormat } from './wav-header';

/**
 * Ogg Opus is passed through in pieces of at most this many bytes: about 80 ms at 400 kbit/s, far above
 * speech bitrates, so no audio message is ever large.
 */
export const OPUS_MAX_FRAME_BYTES = 4000;

/** How the bytes of one stretch of input are laid out. */
interface SampleSource {
  sampleRate: number;
  channels: number;
  sampleFormat: SourceSampleFormat;
}

/** The chunk starts like a RIFF header but ends before it can be recognised. */
function isRiffPrefix(bytes: Buffer, at: number): boolean {
  const n = Math.min(4, bytes.length - at);
  return bytes.toString('latin1', at, at + n) === 'RIFF'.slice(0, n);
}

type OutputKind = 'pcm' | 'ulaw' | 'alaw' | 'opus';

/** Shared empty buffers: never written (every write first grows the buffer into a new one). */
const NO_BYTES = Buffer.alloc(0);
const NO_SAMPLES = new Int16Array(0);

/** Which sample layout a carried partial sample belongs to (built only when there is one). */
function layoutOf(s: SampleSource): string {
  return `${s.sampleFormat}/${s.channels}`;
}

function describeSource(s: SampleSource): string {
  return `${s.sampleFormat} ${s.channels === 1 ? 'mono' : `${s.channels} channels`} ${s.sampleRate} Hz`;
}

export class AudioPipeline {
  private readonly format: AudioFormat;
  private readonly onWarning: (message: string) => void;
  private readonly targetRate: number | undefined;
  private readonly warned = new Set<string>();

  private kind: OutputKind | undefined;
  private outRate = 0;
  private fixedInputFormat: InputFormat | undefined;
  private framer: FrameAssembler | undefined;
  private firstSourceRate: number | undefined;
  private resampler: StreamResampler | undefined;
  private oggClock: OggPageClock | undefined;
  private samples = 0;

  /**
   * Decoded mono samples of the current chunk (reused, grown on demand). Empty until a conversion needs it:
   * audio already in the output format never does, and 8 KB per stream adds up over hundreds of streams.
   */
  private mono = NO_SAMPLES;
  /** G.711-encoded bytes of the current chunk when the output is G.711 (reused). */
  private encoded = NO_BYTES;

  /** Bytes of an incomplete sample frame, waiting for the next chunk. */
  private carry = NO_BYTES;
  private carryLayout = '';

  private wav: WavFormat | undefined;
  /** Audio bytes left in the current WAV data chunk (Infinity for a streamed WAV). */
  private wavDataLeft = 0;
  /** Bytes of trailing chunks after the data chunk, still to skip. */
  private wavSkipLeft = 0;
  private wavTrailing = 0;
  /** Start of a WAV file whose header was cut across messages. */
  private headerPending: Buffer | undefined;

  constructor(opts: AudioPipelineOptions) {
    this.format = validateFormat(opts.format);
    this.onWarning = opts.onWarning ?? (() => undefined);
    if (opts.targetRate !== undefined && !isNativeRate(opts.targetRate)) {
      throw new AudioInputError(`targetRate ${opts.targetRate} is not a rate Gradium takes; use 8000, 16000, 22050, 24000, 44100 or 48000`);
    }
    this.targetRate = opts.targetRate;
  }

  /** The Gradium `input_format` of every frame; fixed by the first successful push. */
  get inputFormat(): InputFormat | undefined {
    return this.fixedInputFormat;
  }

  /** Output sample rate (48000 for Opus, whose clock runs at 48 kHz), once known. */
  get sampleRate(): number | undefined {
    return this.kind === undefined ? undefined : this.outRate;
  }

  /** Samples per channel at the output rate produced so far (for Opus: estimated from Ogg granules). */
  get samplesOut(): number {
    return this.samples;
  }

  push(payload: unknown, override?: unknown): AudioFrame[] {
    // Most messages carry no msg.format: skip building a merged copy for them (hot path).
    const fmt = override === undefined ? this.format : { ...this.format, ...validateFormatOverride(override) };
    const { bytes, sampleFormat } = payloadToBytes(payload);
    const out: AudioFrame[] = [];
    if (sampleFormat) {
      // Typed sample arrays are raw PCM whatever the configured encoding.
      this.feedSamples(bytes, 0, bytes.length, { sampleRate: fmt.sampleRate, channels: fmt.channels, sampleFormat }, out);
    } else {
      this.consume(bytes, fmt, out);
    }
    this.count(out);
    return out;
  }

  /** The samples still inside the resampler and the partial last frame, at a turn or stream end. */
  flush(): AudioFrame[] {
    if (!this.framer) return [];
    const out: AudioFrame[] = [];
    if (this.resampler) this.emitMono(this.resampler.drain(), out);
    out.push(...this.framer.flush());
    this.count(out);
    return out;
  }

  /** Frees the resampler's WebAssembly memory when the stream ends (a later push would make a new one). */
  close(): void {
    this.resampler?.close();
    this.resampler = undefined;
  }

  // ------------------------------------------------------------------ input parsing

  private consume(input: Buffer, fmt: AudioFormat, out: AudioFrame[]): void {
    let bytes = input;
    if (this.headerPending) {
      bytes = Buffer.concat([this.headerPending, input]);
      this.headerPending = undefined;
    }
    const enc = fmt.encoding;
    const sniff = enc === 'auto' || enc === 'wav';
    let at = 0;
    let afterWavData = false;
    while (at < bytes.length) {
      if (this.wavSkipLeft > 0) {
        const n = Math.min(this.wavSkipLeft, bytes.length - at);
        this.wavSkipLeft -= n;
        at += n;
        continue;
      }
      if (sniff && looksLikeWav(bytes, at)) {
        const header = parseWavHeader(bytes, at);
        if (!header.complete) {
          if (bytes.length - at > MAX_HEADER_BYTES) {
            throw new AudioInputError(`WAV header without a data chunk in the first ${MAX_HEADER_BYTES} bytes`);
          }
          this.headerPending = Buffer.from(bytes.subarray(at));
          return;
        }
        this.startWav(header.format);
        this.wavDataLeft = header.dataBytes ?? Infinity;
        this.wavTrailing = header.trailingBytes;
        at = header.dataOffset;
        afterWavData = false;
        continue;
      }
      if (sniff && this.wavDataLeft === 0 && bytes.length - at < 12 && isRiffPrefix(bytes, at)) {
        // Too short to tell yet; held bytes go in front of the next chunk, so nothing is lost either way.
        this.headerPending = Buffer.from(bytes.subarray(at));
        return;
      }
      if (sniff && this.wavDataLeft > 0 && this.wav) {
        const n = Math.min(this.wavDataLeft, bytes.length - at);
        this.feedSamples(bytes, at, at + n, this.wav, out);
        this.wavDataLeft -= n;
        at += n;
        if (this.wavDataLeft === 0) {
          this.wavSkipLeft = this.wavTrailing;
          afterWavData = true;
        }
        continue;
      }
      // Trailing chunks of a WAV whose RIFF size did not say how long they are.
      if (afterWavData) return;
      if (enc === 'wav') {
        throw new AudioInputError(
          'msg.payload has no RIFF/WAVE header and no WAV stream is in progress, but the encoding is "wav"; ' +
            'send the WAV header first, or set the encoding to "pcm" or "auto"',
        );
      }
      const rest = at === 0 ? bytes : bytes.subarray(at);
      if (enc === 'opus' || (enc === 'auto' && (this.kind === 'opus' || rest.toString('latin1', 0, 4) === 'OggS'))) {
        this.feedOpus(rest, out);
      } else if (enc === 'ulaw' || enc === 'alaw') {
        this.feedSamples(rest, 0, rest.length, { sampleRate: fmt.sampleRate, channels: fmt.channels, sampleFormat: enc }, out);
      } else {
        this.feedSamples(rest, 0, rest.length, fmt, out);
      }
      return;
    }
  }

  private startWav(next: WavFormat): void {
    const prev = this.wav;
    if (prev) {
      if (prev.sampleRate !== next.sampleRate) this.warnOnce('wav-rate', `sample rate ${prev.sampleRate} Hz → ${next.sampleRate} Hz`);
      if (prev.channels !== next.channels) this.warnOnce('wav-channels', `channels ${prev.channels} → ${next.channels}`);
      if (prev.sampleFormat !== next.sampleFormat) {
        this.warnOnce('wav-sample-format', `sample format ${prev.sampleFormat} → ${next.sampleFormat}`);
      }
    }
    this.wav = next;
  }

  private warnOnce(kind: string, detail: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    const what = kind.startsWith('wav-') ? `WAV header changed mid-stream: ${detail}` : detail;
    this.onWarning(`${what}${this.fixedInputFormat ? `; converting to keep ${this.fixedInputFormat}` : ''} (warned once per stream)`);
  }

  // ------------------------------------------------------------------ output format

  private establish(kind: OutputKind, rate: number): void {
    this.kind = kind;
    this.outRate = rate;
    if (kind === 'opus') {
      this.fixedInputFormat = 'opus';
      this.oggClock = new OggPageClock();
      return;
    }
    this.fixedInputFormat = kind === 'pcm' ? pcmInputFormat(rate)! : kind === 'ulaw' ? 'ulaw_8000' : 'alaw_8000';
    const bytesPerSecond = kind === 'pcm' ? rate * 2 : rate;
    this.framer = new FrameAssembler((bytesPerSecond * FRAME_MS) / 1000, bytesPerSecond / 1000);
  }

  private count(frames: AudioFrame[]): void {
    if (this.kind === 'opus' || this.kind === undefined) return;
    const width = this.kind === 'pcm' ? 2 : 1;
    for (const f of frames) this.samples += f.data.length / width;
  }

  // ------------------------------------------------------------------ Ogg Opus

  private feedOpus(chunk: Buffer, out: AudioFrame[]): void {
    if (this.kind === undefined) this.establish('opus', OPUS_GRANULE_RATE);
    if (this.kind !== 'opus') {
      throw new AudioInputError(`msg.payload is Ogg, but this stream started as ${this.fixedInputFormat}; Ogg Opus cannot be converted, send one encoding per stream`);
    }
    const granules = this.oggClock!.advance(chunk);
    this.samples += granules;
    const msPerByte = granules / (OPUS_GRANULE_RATE / 1000) / chunk.length;
    for (let at = 0; at < chunk.length; at += OPUS_MAX_FRAME_BYTES) {
      const data = Buffer.from(chunk.subarray(at, Math.min(chunk.length, at + OPUS_MAX_FRAME_BYTES)));
      out.push({ data, durationMs: data.length * msPerByte });
    }
  }

  // ------------------------------------------------------------------ PCM and G.711

  private feedSamples(bytes: Buffer, start: number, end: number, src: SampleSource, out: AudioFrame[]): void {
    if (this.kind === undefined) {
      const g711 = src.sampleFormat === 'ulaw' || src.sampleFormat === 'alaw';
      if (g711 && src.sampleRate === 8000 && src.channels === 1 && this.targetRate === undefined) {
        this.establish(src.sampleFormat as 'ulaw' | 'alaw', 8000);
      } else {
        this.establish('pcm', this.targetRate ?? outputRateFor(src.sampleRate));
      }
    }
    if (this.kind === 'opus') {
      throw new AudioInputError(`msg.payload is ${describeSource(src)} audio, but this stream started as Ogg Opus; send one encoding per stream`);
    }
    this.firstSourceRate ??= src.sampleRate;
    if (src.sampleRate !== this.firstSourceRate) {
      this.warnOnce('rate', `audio at ${src.sampleRate} Hz arrived on a stream that started at ${this.firstSourceRate} Hz`);
    }

    const frameBytes = bytesPerSample(src.sampleFormat) * src.channels;
    let at = start;
    if (this.carry.length > 0) {
      if (layoutOf(src) !== this.carryLayout) {
        this.warnOnce('carry', `${this.carry.length} byte(s) of an incomplete sample were dropped when the sample layout changed`);
        this.carry = NO_BYTES;
      } else {
        const need = frameBytes - this.carry.length;
        if (end - at < need) {
          this.carry = Buffer.concat([this.carry, bytes.subarray(at, end)]);
          return;
        }
        const joined = Buffer.concat([this.carry, bytes.subarray(at, at + need)]);
        this.carry = NO_BYTES;
        this.convert(joined, 0, 1, src, out);
        at += need;
      }
    }
    const frames = Math.floor((end - at) / frameBytes);
    if (frames > 0) this.convert(bytes, at, frames, src, out);
    const tail = at + frames * frameBytes;
    if (tail < end) {
      this.carry = Buffer.from(bytes.subarray(tail, end));
      this.carryLayout = layoutOf(src);
    }
  }

  private convert(bytes: Buffer, start: number, frames: number, src: SampleSource, out: AudioFrame[]): void {
    const framer = this.framer!;
    if (this.resampler && this.resampler.inRate !== src.sampleRate) this.retireResampler(out);
    const sameRate = src.sampleRate === this.outRate;
    if (sameRate && src.channels === 1) {
      // Already in the output format: copy bytes straight into frames.
      if (
        (this.kind === 'pcm' && src.sampleFormat === 's16le') ||
        (this.kind === 'ulaw' && src.sampleFormat === 'ulaw') ||
        (this.kind === 'alaw' && src.sampleFormat === 'alaw')
      ) {
        framer.pushBytes(bytes, start, start + frames * bytesPerSample(src.sampleFormat), out);
        return;
      }
    }
    if (this.mono.length < frames) this.mono = new Int16Array(Math.max(frames, 4096, this.mono.length * 2));
    decodeToMono(bytes, start, frames, src.sampleFormat, src.channels, this.mono, 0);
    let samples: Int16Array = this.mono.subarray(0, frames);
    if (!sameRate) {
      this.resampler ??= new StreamResampler(src.sampleRate, this.outRate);
      samples = this.resampler.process(samples, 0, frames);
    }
    this.emitMono(samples, out);
  }

  private emitMono(samples: Int16Array, out: AudioFrame[]): void {
    if (samples.length === 0) return;
    if (this.kind === 'pcm') {
      this.framer!.pushSamples(samples, out);
      return;
    }
    if (this.encoded.length < samples.length) this.encoded = Buffer.alloc(Math.max(samples.length, this.encoded.length * 2));
    const encode = this.kind === 'ulaw' ? linearToMuLaw : linearToALaw;
    for (let i = 0; i < samples.length; i++) this.encoded[i] = encode(samples[i]!);
    this.framer!.pushBytes(this.encoded, 0, samples.length, out);
  }

  /** The old filter's delay tail belongs before the new rate's first samples. */
  private retireResampler(out: AudioFrame[]): void {
    const old = this.resampler!;
    this.emitMono(old.drain(), out);
    old.close();
    this.resampler = undefined;
  }
}
