/**
 * Whether a program can be started, answered at once: the NO_DECODER error must end the very message that
 * needed ffmpeg (done(err)), not arrive later from a failed spawn. A name without a slash is looked up on the
 * PATH, as spawn does; a path is checked as it is. Answers are kept for a few seconds (one look-up per burst of
 * voice notes, and installing ffmpeg while Node-RED runs is noticed soon).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const KEEP_MS = 5000;
const known = new Map<string, { found: boolean; at: number }>();

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function lookUp(program: string): boolean {
  if (program.includes('/') || program.includes('\\')) return isExecutable(program);
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) if (isExecutable(path.join(dir, program + ext))) return true;
  }
  return false;
}

export function canRun(program: string, now = Date.now()): boolean {
  const hit = known.get(program);
  if (hit && now - hit.at < KEEP_MS) return hit.found;
  const found = lookUp(program);
  known.set(program, { found, at: now });
  return found;
}
