/**
 * Audio that the emulator hears as speech: tone bursts ("utterances") separated by silence, s16le mono.
 */
export interface Segment {
  /** ms of tone (speech); 0 for none */
  speechMs: number;
  /** ms of digital silence after it */
  silenceMs: number;
}

export function speechPcm(segments: Segment[], sampleRate = 16000, freq = 440, amplitude = 0.25): Buffer {
  const total = segments.reduce((n, s) => n + Math.round(((s.speechMs + s.silenceMs) * sampleRate) / 1000), 0);
  const buf = Buffer.alloc(total * 2);
  let i = 0;
  for (const s of segments) {
    const tone = Math.round((s.speechMs * sampleRate) / 1000);
    for (let k = 0; k < tone; k++, i++) {
      buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * freq * k) / sampleRate) * amplitude * 32767), i * 2);
    }
    i += Math.round((s.silenceMs * sampleRate) / 1000);
  }
  return buf;
}

/** Split into chunks of `ms` (the last one may be shorter). */
export function chunks(pcm: Buffer, ms: number, sampleRate = 16000): Buffer[] {
  const size = Math.round((ms * sampleRate) / 1000) * 2;
  const out: Buffer[] = [];
  for (let o = 0; o < pcm.length; o += size) out.push(pcm.subarray(o, o + size));
  return out;
}

/** Resolve when `check()` holds, polling; reject after `ms` with `what`. */
export async function until(what: string, check: () => boolean, ms = 10000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
