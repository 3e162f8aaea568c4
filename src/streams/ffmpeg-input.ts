/**
 * One key's input through ffmpeg: the voice notes and files in containers Gradium does not take, and the URL
 * sources the node reads itself. Decoded audio (16 kHz mono s16le) goes back into the key's own pipeline, so
 * the voice gate, mute and the stream see it like any PCM.
 *
 *   payload ─▶ first bytes a container? (or encoding "ffmpeg") ─yes─▶ ffmpeg (stdin) ─▶ PCM ─▶ key's pipeline
 *   msg.source ─▶ UrlSource (ffmpeg reads the URL, retried) ──────────────────────────▶ PCM ─▶ key's pipeline
 *
 * The end of the stream waits for ffmpeg's last samples (settle). When ffmpeg fails, the error is the key's and
 * the rest of that input is dropped (counted) until the stream ends or a new file starts; the next audio
 * starts a fresh decoder. Every node has at most `maxDecoders` ffmpeg processes (DecoderSlots).
 */
import { CONTAINER_NAMES, needsFfmpeg, sniffContainer } from '../audio/container-sniff';
import { FfmpegDecoder, noDecoderError, type DecoderExit } from '../audio/ffmpeg/ffmpeg-decoder';
import { canRun } from '../audio/ffmpeg/find-executable';
import { SpooledDecoder } from '../audio/ffmpeg/spooled-decoder';
import { payloadToBytes } from '../audio/payload';
import type { AudioFormat } from '../audio/types';
import { CodedError } from '../common/error-codes';
import { validateFormatOverride } from '../audio/format-override';
import type { SourceDrop } from '../sources/url-source';
import { UrlSource } from '../sources/url-source';
import type { SourceUrl } from '../sources/source-url';
import { realClock, TimerSlot, type Clock } from '../common/clock';

export interface FfmpegOptions {
  ffmpegPath: string;
  maxDecoders: number;
  /** No audio from a URL source for this long counts as a drop. */
  sourceStallMs?: number;
}

/** The decoded audio's layout, as a msg.format for the key's pipeline. */
export const DECODED_FORMAT = { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' } as const;

/** The ffmpeg processes of one node, counted against maxDecoders. */
export class DecoderSlots {
  private used = 0;
  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  take(key: string, what: string): void {
    if (this.used >= this.max) {
      throw new CodedError(
        'STREAM_CAP',
        `stream "${key}": ${what} needs an ffmpeg process and this node already runs ${this.max} (maxDecoders); ` +
          'end a stream first or raise maxDecoders.',
      );
    }
    this.used += 1;
  }

  give(): void {
    this.used = Math.max(0, this.used - 1);
  }
}

/** What the key's input hands on. */
export interface FfmpegSink {
  pcm(samples: Buffer): void;
  /** ffmpeg failed (corrupt input, not found later): the key's error. */
  failed(err: CodedError): void;
  /** A URL source dropped and will be read again in `retryInMs`. */
  sourceDropped(drop: SourceDrop, shown: string): void;
  /** A URL source ended by itself: the stream ends like on stop. */
  sourceEnded(): void;
  warning(message: string): void;
}

type Mode = 'off' | 'decoding' | 'failed';

type Decoder = FfmpegDecoder | SpooledDecoder;

/** Input waiting in ffmpeg's pipe above which a message is refused: a bound, not a queue that grows. */
export const MAX_QUEUED_BYTES = 32 * 1024 * 1024;

export class FfmpegInput {
  /** The decoder that takes the key's input now. */
  private decoder: Decoder | null = null;
  /** Every decoder of the key still running: the current one and those finishing their last samples. */
  private readonly live = new Set<Decoder>();
  private source: UrlSource | null = null;
  private mode: Mode = 'off';
  private droppedBytes = 0;
  private what = '';
  private readonly clock: Clock;
  /** Ends the current decoder's input when no input came for the key's idle timeout. */
  private readonly inputIdle: TimerSlot;
  private lastWriteAt = -Infinity;

  constructor(
    private readonly key: string,
    private readonly options: FfmpegOptions,
    private readonly slots: DecoderSlots,
    private readonly sink: FfmpegSink,
    clock: Clock | undefined,
    /** The key's idle timeout (ms, 0 = never): input that stops for this long has ended. */
    private readonly idleMs: () => number,
  ) {
    this.clock = clock ?? realClock;
    this.inputIdle = new TimerSlot(this.clock);
  }

  /**
   * No input for `ms`: a stream that ends by idle closes ffmpeg's input only then. A microphone streaming a
   * container whose speech paused (the voice gate sent nothing) is still mid-input, and its decoder goes on.
   */
  inputQuietFor(ms: number): boolean {
    return this.clock.now() - this.lastWriteAt >= ms - 1;
  }

  /** Something of this key is in ffmpeg's hands (a decoder or a source): the key's stream exists. */
  get busy(): boolean {
    return this.live.size > 0 || this.source !== null;
  }

  get pids(): number[] {
    return [...[...this.live].map((d) => d.pid), this.source?.pid].filter((p): p is number => p !== undefined);
  }

  /**
   * Takes the payload when it is ffmpeg's: a decoder already runs for the key, the encoding is `ffmpeg`, or
   * (auto, fresh input) its first bytes are a container. Returns false for audio the pipeline reads itself.
   * Throws NO_DECODER (no ffmpeg), STREAM_CAP (maxDecoders) or BAD_AUDIO, before anything was started.
   */
  offer(payload: unknown, override: unknown, format: AudioFormat, freshInput: boolean): boolean {
    if (this.source) throw new CodedError('BAD_INPUT', `stream "${this.key}" reads ${this.source.shown}; it takes no audio messages until "stop"`);
    const encoding = override === undefined ? format.encoding : (validateFormatOverride(override).encoding ?? format.encoding);
    // A decoder finishing its last samples (the stream is ending) takes no more: new input gets a fresh one.
    if (this.decoder && !this.decoder.writable) this.decoder = null;
    if (this.decoder) {
      this.write(payloadToBytes(payload).bytes);
      return true;
    }
    if (encoding !== 'ffmpeg' && encoding !== 'auto') return false;
    if (encoding === 'auto' && !freshInput && this.mode === 'off') return false;
    const { bytes } = payloadToBytes(payload);
    const sniffed = sniffContainer(bytes);
    if (!needsFfmpeg(sniffed) && (this.mode === 'failed' || encoding === 'auto')) {
      if (this.mode !== 'failed') return false;
      // The rest of an input ffmpeg gave up on: not audio the pipeline could read either.
      if (this.droppedBytes === 0) this.sink.warning(`stream "${this.key}": the rest of the ${this.what} ffmpeg could not decode is dropped until the stream ends or a new file starts.`);
      this.droppedBytes += bytes.length;
      return true;
    }
    this.what = needsFfmpeg(sniffed) ? `${CONTAINER_NAMES[sniffed]} audio` : 'audio (encoding "ffmpeg")';
    this.startDecoder(sniffed === 'mp4');
    this.write(bytes);
    return true;
  }

  /** Read a URL through ffmpeg until stop; any audio decoder of the key is ended first. */
  startSource(url: SourceUrl): void {
    if (this.source) throw new CodedError('BAD_INPUT', `stream "${this.key}" already reads ${this.source.shown}; send "stop" first`);
    this.requireFfmpeg(`the source ${url.shown}`);
    this.slots.take(this.key, `the source ${url.shown}`);
    const source = new UrlSource({ url, ffmpegPath: this.options.ffmpegPath, clock: this.clock, stallMs: this.options.sourceStallMs });
    this.source = source;
    source.on('pcm', (pcm) => this.sink.pcm(pcm));
    source.on('dropped', (drop) => this.sink.sourceDropped(drop, source.shown));
    source.on('ended', () => {
      this.releaseSource(source);
      this.sink.sourceEnded();
    });
    source.on('failed', (err) => {
      this.releaseSource(source);
      this.sink.failed(err);
    });
  }

  /**
   * The stream is ending: ffmpeg's input is closed and the returned promise resolves once its last samples
   * went to the sink. With `stopSource` (action stop), a URL source is stopped too (a camera has no end of its
   * own); a stream that ends by idle leaves the source reading (the next speech opens a new stream).
   * Undefined when nothing is pending.
   */
  settle(stopSource = false): Promise<void> | undefined {
    if (stopSource && this.source) {
      const source = this.source;
      this.releaseSource(source);
      void source.stop();
    }
    this.mode = this.mode === 'failed' ? 'off' : this.mode;
    this.reportDropped();
    this.inputIdle.cancel();
    this.decoder?.end();
    this.decoder = null;
    if (this.live.size === 0) {
      this.mode = 'off';
      return undefined;
    }
    return Promise.all([...this.live].map((d) => d.exited())).then(() => undefined);
  }

  /** reset, redeploy, the key dropped: every process of the key is killed now; resolves once they are gone. */
  kill(): Promise<void> {
    const gone: Promise<void>[] = [];
    if (this.source) {
      const source = this.source;
      this.releaseSource(source);
      gone.push(source.stop());
    }
    this.decoder = null;
    this.inputIdle.cancel();
    // Each close reports 'killed' to onExit, which gives the slot back.
    for (const d of [...this.live]) {
      gone.push(d.gone);
      d.close();
    }
    this.reportDropped();
    this.mode = 'off';
    return Promise.all(gone).then(() => undefined);
  }

  private requireFfmpeg(what: string): void {
    if (!canRun(this.options.ffmpegPath)) throw noDecoderError(what, this.options.ffmpegPath);
  }

  /** `whole`: MP4, whose index usually comes last, is decoded from a temporary file once complete. */
  private startDecoder(whole: boolean): void {
    this.requireFfmpeg(`${this.key ? `stream "${this.key}": ` : ''}${this.what.charAt(0).toUpperCase()}${this.what.slice(1)}`);
    this.slots.take(this.key, this.what);
    const options = { ffmpegPath: this.options.ffmpegPath, describe: this.what };
    const decoder = whole ? new SpooledDecoder(options) : new FfmpegDecoder(options);
    this.decoder = decoder;
    this.live.add(decoder);
    this.mode = 'decoding';
    this.droppedBytes = 0;
    decoder.on('pcm', (pcm) => this.sink.pcm(pcm));
    decoder.on('exit', (exit) => this.onExit(decoder, exit));
  }

  private write(bytes: Buffer): void {
    const decoder = this.decoder!;
    // Messages come at their sender's pace: what waits in ffmpeg's pipe is bounded, never a growing queue.
    if (decoder.queuedBytes > MAX_QUEUED_BYTES) {
      throw new CodedError(
        'BAD_AUDIO',
        `stream "${this.key}": ffmpeg is ${Math.round(decoder.queuedBytes / 1024 / 1024)} MB behind on ${this.what}; this message is dropped. ` +
          'Send the audio at its own pace, or in one message per file.',
      );
    }
    decoder.write(bytes);
    this.lastWriteAt = this.clock.now();
    // A voice note sent without "stop" (and an M4A, which gives nothing before its end) ends when its input
    // stops for the idle timeout, like any stream.
    const idle = this.idleMs();
    if (idle > 0) {
      this.inputIdle.set(() => {
        if (this.decoder === decoder && decoder.writable) {
          decoder.end();
          this.decoder = null;
        }
      }, idle);
    }
  }

  private onExit(decoder: Decoder, exit: DecoderExit): void {
    if (!this.live.delete(decoder)) return;
    this.slots.give();
    if (this.decoder === decoder) this.decoder = null;
    // The mode follows the newest input: an older decoder finishing does not change a newer one's.
    if (exit.state === 'failed' && exit.error) {
      if (!this.decoder) this.mode = 'failed';
      this.sink.failed(new CodedError(exit.error.code, `stream "${this.key}": ${exit.error.message}`));
    } else if (!this.decoder) {
      this.mode = 'off';
    }
  }

  private releaseSource(source: UrlSource): void {
    if (this.source !== source) return;
    this.source = null;
    this.slots.give();
  }

  private reportDropped(): void {
    if (this.droppedBytes === 0) return;
    this.sink.warning(`stream "${this.key}": ${this.droppedBytes} bytes of ${this.what} were dropped after ffmpeg failed on it.`);
    this.droppedBytes = 0;
  }
}
