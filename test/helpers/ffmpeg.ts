/**
 * The real ffmpeg for the tests: fixtures are encoded from the recorded test speech (samples/hello.wav) at test
 * time into a temporary folder, never committed. Without ffmpeg the tests that need it are skipped on a
 * developer's machine and fail under CI=true (CI installs Debian's ffmpeg itself).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SPEECH_WAV = path.join(__dirname, '../../../samples/hello.wav');

export function hasFfmpeg(): boolean {
  return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** In a mocha `before`: skip the suite without ffmpeg, except under CI, where its absence fails. */
export function requireFfmpeg(ctx: Mocha.Context): void {
  if (hasFfmpeg()) return;
  if (process.env.CI === 'true') throw new Error('ffmpeg is not installed, and CI must run the ffmpeg tests (apt-get install ffmpeg)');
  ctx.skip();
}

export interface Encoded {
  name: string;
  file: string;
}

/** Encodes `input` once per format into `dir` with the real ffmpeg. */
export function encodeAll(input: string, dir: string, formats: Record<string, string[]>): Encoded[] {
  return Object.entries(formats).map(([name, args]) => {
    const file = path.join(dir, name);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, ...args, file]);
    return { name, file };
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The pids of running processes whose command is ffmpeg and whose parent is `ppid` (default: this process). */
export function ffmpegChildren(ppid = process.pid): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm.startsWith('ffmpeg') && Number(fields[1]) === ppid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** Split into chunks of `size` bytes. */
export function byteChunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let o = 0; o < buf.length; o += size) out.push(buf.subarray(o, o + size));
  return out;
}
