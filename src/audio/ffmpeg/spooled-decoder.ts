/**
 * MP4/M4A through ffmpeg. An MP4 file's index (`moov`) is usually written after the audio (`mdat`), and ffmpeg
 * cannot go back in a pipe to the audio once it has read the index: decoding from standard input fails with
 * "partial file" for any file larger than its read buffer. So an MP4 input is written to a temporary file as
 * it comes, and ffmpeg decodes that file when the input ends (stop, idle, end of the upload). Words come once
 * the file is complete: an MP4 is a recording, not a live stream.
 *
 *   spooling ──end()──▶ decoding (an FfmpegDecoder on the file) ──its exit──▶ done | failed
 *   every state ──close()──▶ killed; the temporary file is removed in every end state
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodedError } from '../../common/error-codes';
import { StateMachine, type TransitionTable } from '../../common/state-table';
import { TypedEmitter } from '../../common/typed-emitter';
import { FfmpegDecoder, type DecoderEvents, type DecoderExit } from './ffmpeg-decoder';

type SpoolState = 'spooling' | 'decoding' | 'done' | 'failed' | 'killed';

const SPOOL_TRANSITIONS: TransitionTable<SpoolState> = {
  spooling: ['decoding', 'failed', 'killed'],
  decoding: ['done', 'failed', 'killed'],
  done: [],
  failed: [],
  killed: [],
};

/** An MP4 larger than this is refused rather than filling the disk (about 4 hours of AAC at 64 kbit/s). */
export const MAX_SPOOL_BYTES = 128 * 1024 * 1024;

export class SpooledDecoder extends TypedEmitter<DecoderEvents> {
  private readonly machine = new StateMachine<SpoolState>('SpooledDecoder', SPOOL_TRANSITIONS, 'spooling');
  private readonly dir: string;
  private readonly file: string;
  private readonly out: fs.WriteStream;
  private bytes = 0;
  private decoder: FfmpegDecoder | null = null;

  constructor(private readonly options: { ffmpegPath: string; describe: string }) {
    super();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-mp4-'));
    this.file = path.join(this.dir, 'input.mp4');
    this.out = fs.createWriteStream(this.file);
    this.out.on('error', (err) => this.fail(new CodedError('BAD_AUDIO', `${options.describe} could not be kept for ffmpeg: ${err.message}`)));
  }

  /** Resolves once no ffmpeg of this input runs (none before the input ended). */
  get gone(): Promise<void> {
    return this.decoder?.gone ?? Promise.resolve();
  }

  get pid(): number | undefined {
    return this.decoder?.pid;
  }

  /** Written to the temporary file as it comes: nothing waits for ffmpeg. */
  get queuedBytes(): number {
    return this.out.writableLength;
  }

  get writable(): boolean {
    return this.machine.is('spooling');
  }

  write(bytes: Buffer): boolean {
    if (!this.writable) return false;
    this.bytes += bytes.length;
    if (this.bytes > MAX_SPOOL_BYTES) {
      this.fail(new CodedError('BAD_AUDIO', `${this.options.describe} is larger than ${MAX_SPOOL_BYTES / 1024 / 1024} MB; send it in parts, or as WAV, Ogg Opus or PCM`));
      return false;
    }
    return this.out.write(bytes);
  }

  end(): void {
    if (!this.machine.is('spooling')) return;
    this.machine.to('decoding');
    this.out.end(() => {
      if (!this.machine.is('decoding')) return;
      const decoder = new FfmpegDecoder({ ffmpegPath: this.options.ffmpegPath, describe: this.options.describe, url: this.file });
      this.decoder = decoder;
      decoder.on('pcm', (pcm) => this.emit('pcm', pcm));
      decoder.on('exit', (exit) => this.finish(exit));
    });
  }

  close(): void {
    if (this.machine.is('done', 'failed', 'killed')) return;
    this.machine.to('killed');
    this.decoder?.close();
    this.out.destroy();
    this.cleanUp();
    this.emit('exit', { state: 'killed', pcmBytes: 0 });
    this.removeAllListeners();
  }

  exited(): Promise<DecoderExit> {
    if (this.machine.is('done', 'failed', 'killed')) return Promise.resolve({ state: this.machine.state as DecoderExit['state'], pcmBytes: 0 });
    return new Promise((resolve) => this.once('exit', resolve));
  }

  private finish(exit: DecoderExit): void {
    if (!this.machine.is('decoding')) return;
    this.machine.to(exit.state === 'done' ? 'done' : 'failed');
    this.cleanUp();
    this.emit('exit', exit);
    this.removeAllListeners();
  }

  private fail(error: CodedError): void {
    if (this.machine.is('done', 'failed', 'killed')) return;
    this.machine.to('failed');
    this.decoder?.close();
    this.out.destroy();
    this.cleanUp();
    this.emit('exit', { state: 'failed', error, pcmBytes: 0 });
    this.removeAllListeners();
  }

  private cleanUp(): void {
    fs.rm(this.dir, { recursive: true, force: true }, () => undefined);
  }
}
