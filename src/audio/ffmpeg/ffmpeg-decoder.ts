/**
 * One ffmpeg process decoding one stream into 16 kHz mono s16le. The input is either fed through the
 * process's standard input (files and voice notes, in as many chunks as they come) or a URL ffmpeg reads
 * itself in real time (`-re`, a camera's RTSP). Output comes as 'pcm' events while ffmpeg decodes; the end
 * of the input (`end()`) lets ffmpeg decode what it holds, and 'exit' comes only after the last samples.
 *
 *   running ──end()──▶ ending ──process closed, exit 0──▶ done
 *      │                 │
 *      ├──────┬──────────┴──process failed (not found, exit ≠ 0)──▶ failed
 *      └──────┴──────────────close()──▶ killed
 *
 * The process never outlives its owner: close() kills it, and child-reaper.ts kills what is left when
 * Node.js exits. stderr is read only for its last line, which names what went wrong.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CodedError } from '../../common/error-codes';
import { StateMachine, type TransitionTable } from '../../common/state-table';
import { TypedEmitter } from '../../common/typed-emitter';
import { adoptChild } from './child-reaper';

export const DECODED_RATE = 16000;

export type DecoderState = 'running' | 'ending' | 'done' | 'failed' | 'killed';

const DECODER_TRANSITIONS: TransitionTable<DecoderState> = {
  running: ['ending', 'done', 'failed', 'killed'],
  ending: ['done', 'failed', 'killed'],
  done: [],
  failed: [],
  killed: [],
};

export interface DecoderOptions {
  /** The ffmpeg binary: a name found on the PATH, or a path. */
  ffmpegPath: string;
  /** A URL or file ffmpeg opens itself; without it, the input comes through write()/end() on standard input. */
  url?: string;
  /** Read the input at its own pace (`-re`): a file served over HTTP plays like the live stream it stands for. */
  realTime?: boolean;
  /** Options placed before `-i` (e.g. `-rtsp_transport tcp`). */
  inputArgs?: string[];
  /** What the input is believed to be, for messages ("MP3", "a URL source"). */
  describe: string;
  /** Replaces credentials and the like in ffmpeg's own lines before they are kept. */
  mask?: (line: string) => string;
}

export interface DecoderExit {
  state: 'done' | 'failed' | 'killed';
  /** Set when state is 'failed'. */
  error?: CodedError;
  /** Bytes of PCM delivered. */
  pcmBytes: number;
}

export type DecoderEvents = {
  pcm: (samples: Buffer) => void;
  exit: (result: DecoderExit) => void;
};

/** ffmpeg could not be started (not found, not executable). */
export class NoDecoderError extends CodedError {
  override readonly name = 'NoDecoderError';
  constructor(message: string) {
    super('NO_DECODER', message);
  }
}

/** The NO_DECODER error: what needed ffmpeg, where it was looked for, what to do. */
export function noDecoderError(what: string, ffmpegPath: string, why = 'was not found'): NoDecoderError {
  return new NoDecoderError(
    `${what} needs ffmpeg to be decoded, and ffmpeg (ffmpegPath "${ffmpegPath}") ${why}. ` +
      'Install ffmpeg (e.g. apt-get install ffmpeg) or set ffmpegPath to it, or send PCM, WAV or Ogg Opus instead.',
  );
}

/** ffmpeg ran and gave up on the input. */
export class DecodeError extends CodedError {
  override readonly name = 'DecodeError';
  constructor(message: string) {
    super('BAD_AUDIO', message);
  }
}

/** The part of ffmpeg's stderr kept for messages: the last non-empty line, at most this long. */
const MAX_LINE = 300;

/** ffmpeg's arguments: quiet but for errors, mono 16 kHz s16le on stdout, each packet written at once. */
export function ffmpegArgs(o: Pick<DecoderOptions, 'url' | 'realTime' | 'inputArgs'>): string[] {
  const head = ['-hide_banner', '-nostats', '-loglevel', 'error'];
  const source = [...(o.realTime ? ['-re'] : []), ...(o.inputArgs ?? []), ...(o.url ? ['-nostdin', '-i', o.url] : ['-i', 'pipe:0'])];
  return [...head, ...source, '-vn', '-sn', '-dn', '-ac', '1', '-ar', String(DECODED_RATE), '-f', 's16le', '-flush_packets', '1', 'pipe:1'];
}

export class FfmpegDecoder extends TypedEmitter<DecoderEvents> {
  private readonly machine = new StateMachine<DecoderState>('FfmpegDecoder', DECODER_TRANSITIONS, 'running');
  private readonly child: ChildProcess;
  private lastLine = '';
  private stderrTail = '';
  private pcmBytes = 0;
  /** An odd byte of a sample cut between two reads of stdout. */
  private oddByte: Buffer | null = null;
  private spawnError: NodeJS.ErrnoException | null = null;
  /** Resolves once the process is gone (exited, or never started): what a redeploy waits for. */
  readonly gone: Promise<void>;

  constructor(private readonly options: DecoderOptions) {
    super();
    this.child = spawn(options.ffmpegPath, ffmpegArgs(options), {
      stdio: [options.url ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    adoptChild(this.child);
    this.gone = new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      this.child.once('exit', () => resolve());
      this.child.once('error', () => {
        if (this.child.pid === undefined) resolve();
      });
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.onPcm(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.onStderr(chunk));
    // Writes after ffmpeg gave up fail with EPIPE; the exit reports why.
    this.child.stdin?.on('error', () => undefined);
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      this.spawnError = err;
      // No process: 'close' may not follow on every Node version.
      if (this.child.pid === undefined) this.finish(null, null);
    });
    this.child.on('close', (code, signal) => this.finish(code, signal));
  }

  get state(): DecoderState {
    return this.machine.state;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Input written and not yet taken by ffmpeg. */
  get queuedBytes(): number {
    return this.child.stdin?.writableLength ?? 0;
  }

  /** Whether more input may be written. */
  get writable(): boolean {
    return this.machine.is('running') && !this.options.url;
  }

  /**
   * Feed bytes of the input. Returns false when ffmpeg's input is full for now (a caller that can wait, waits
   * for 'drain' via onDrain); the bytes are kept either way.
   */
  write(bytes: Buffer): boolean {
    if (!this.writable) return false;
    return this.child.stdin!.write(bytes);
  }

  onDrain(callback: () => void): void {
    this.child.stdin?.once('drain', callback);
  }

  /** The input is complete: ffmpeg decodes what it holds, then exits ('exit' after the last 'pcm'). */
  end(): void {
    if (!this.machine.is('running')) return;
    this.machine.to('ending');
    this.child.stdin?.end();
  }

  /** Kill the process now; 'exit' reports 'killed' unless it had already finished. */
  close(): void {
    if (this.machine.is('done', 'failed', 'killed')) return;
    this.machine.to('killed');
    this.child.stdin?.destroy();
    this.child.kill('SIGKILL');
    this.emit('exit', { state: 'killed', pcmBytes: this.pcmBytes });
    this.removeAllListeners();
  }

  /** A promise for the exit, for owners that wait (the end of a stream, a redeploy). */
  exited(): Promise<DecoderExit> {
    if (this.machine.is('done', 'failed', 'killed')) return Promise.resolve({ state: this.machine.state as DecoderExit['state'], pcmBytes: this.pcmBytes });
    return new Promise((resolve) => this.once('exit', resolve));
  }

  private onPcm(chunk: Buffer): void {
    if (this.machine.is('killed')) return;
    let bytes = chunk;
    if (this.oddByte) {
      bytes = Buffer.concat([this.oddByte, chunk]);
      this.oddByte = null;
    }
    if (bytes.length % 2 === 1) {
      this.oddByte = Buffer.from(bytes.subarray(bytes.length - 1));
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (bytes.length === 0) return;
    this.pcmBytes += bytes.length;
    this.emit('pcm', bytes);
  }

  private onStderr(chunk: Buffer): void {
    // Only the tail is kept: ffmpeg can print a line per broken packet of a long stream.
    this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4 * MAX_LINE);
    const lines = this.stderrTail.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    const last = lines[lines.length - 1];
    if (last) this.lastLine = last.slice(0, MAX_LINE);
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.machine.is('done', 'failed', 'killed')) return;
    if (this.spawnError) {
      this.machine.to('failed');
      const err = this.spawnError;
      const why = err.code === 'ENOENT' ? 'was not found' : err.code === 'EACCES' ? 'is not executable' : `could not start (${err.code ?? err.message})`;
      this.emit('exit', {
        state: 'failed',
        error: noDecoderError(this.options.describe, this.options.ffmpegPath, why),
        pcmBytes: this.pcmBytes,
      });
    } else if (code === 0) {
      this.machine.to('done');
      this.emit('exit', { state: 'done', pcmBytes: this.pcmBytes });
    } else {
      this.machine.to('failed');
      const line = this.options.mask ? this.options.mask(this.lastLine) : this.lastLine;
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
      this.emit('exit', {
        state: 'failed',
        error: new DecodeError(`ffmpeg could not decode ${this.options.describe} (it ${how}): ${line || 'no message'}`),
        pcmBytes: this.pcmBytes,
      });
    }
    this.removeAllListeners();
  }
}
