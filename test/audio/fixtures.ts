/** Audio fixtures built in memory: WAV files with chosen chunks, sample ramps, sines, Ogg pages. */

export interface WavSpec {
  sampleRate: number;
  channels: number;
  /** 1 PCM, 3 float, 6 A-law, 7 μ-law */
  formatTag: number;
  bitsPerSample: number;
  data: Buffer;
  /** Wrap the format in WAVE_FORMAT_EXTENSIBLE. */
  extensible?: boolean;
  /** Extra chunks placed between `fmt ` and `data` (e.g. LIST, Snips `time`). */
  before?: { id: string; body: Buffer }[];
  /** Chunks after `data`. */
  after?: { id: string; body: Buffer }[];
  /** Write 0xFFFFFFFF as the sizes, as streaming writers do. */
  streaming?: boolean;
}

function chunk(id: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function makeWav(spec: WavSpec): Buffer {
  const blockAlign = (spec.bitsPerSample / 8) * spec.channels;
  const fmt = Buffer.alloc(spec.extensible ? 40 : 16);
  fmt.writeUInt16LE(spec.extensible ? 0xfffe : spec.formatTag, 0);
  fmt.writeUInt16LE(spec.channels, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(spec.bitsPerSample, 14);
  if (spec.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(spec.bitsPerSample, 18);
    fmt.writeUInt32LE(spec.channels === 2 ? 3 : 4, 20);
    // KSDATAFORMAT_SUBTYPE_* GUID: tag, then the fixed tail 0000-0010-8000-00AA00389B71
    fmt.writeUInt16LE(spec.formatTag, 24);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
  }
  const data = chunk('data', spec.data);
  if (spec.streaming) data.writeUInt32LE(0xffffffff, 4);
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    ...(spec.before ?? []).map((c) => chunk(c.id, c.body)),
    data,
    ...(spec.after ?? []).map((c) => chunk(c.id, c.body)),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(spec.streaming ? 0xffffffff : body.length, 4);
  return Buffer.concat([riff, body]);
}

/** A mono s16 WAV, the Hermes audioFrame shape. */
export function pcm16Wav(samples: Int16Array, sampleRate = 16000, before?: WavSpec['before']): Buffer {
  return makeWav({ sampleRate, channels: 1, formatTag: 1, bitsPerSample: 16, data: s16Bytes(samples), before });
}

/** Distinct values spread over the whole 16-bit range, so misalignment or lost samples show. */
export function ramp(count: number, from = 0): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = (((from + i) * 7919) % 65536) - 32768;
  return out;
}

export function sine(count: number, rate: number, hz: number, amplitude = 12000): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

export function s16Bytes(samples: Int16Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => b.writeInt16LE(v, i * 2));
  return b;
}

export function samplesOf(frames: { data: Buffer }[]): Int16Array {
  const all = Buffer.concat(frames.map((f) => f.data));
  const out = new Int16Array(all.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = all.readInt16LE(i * 2);
  return out;
}

/** Positive-going zero crossings per second: the frequency of a clean sine. */
export function frequencyOf(samples: Int16Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
  return crossings / (samples.length / rate);
}

export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return Math.sqrt(sum / samples.length);
}

/** Splits a buffer into slices of the given sizes, cycling through them. */
export function slices(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(bytes.subarray(at, Math.min(bytes.length, at + n)));
    at += n;
  }
  return out;
}

/** One Ogg page (CRC left zero: the pipeline passes Ogg through and only reads granules). */
export function oggPage(granule: number, body: Buffer, flags = 0): Buffer {
  const segments: number[] = [];
  let left = body.length;
  while (left >= 255) {
    segments.push(255);
    left -= 255;
  }
  segments.push(left);
  const head = Buffer.alloc(27 + segments.length);
  head.write('OggS', 0, 'latin1');
  head[5] = flags;
  head.writeUInt32LE(granule % 0x100000000, 6);
  head.writeUInt32LE(Math.floor(granule / 0x100000000), 10);
  head[26] = segments.length;
  segments.forEach((s, i) => (head[27 + i] = s));
  return Buffer.concat([head, body]);
}

/** Compares sample arrays, reporting the length or the first differing index instead of both arrays. */
export function assertSameSamples(actual: Int16Array, expected: Int16Array, what = 'samples'): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: ${actual.length} samples, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new Error(`${what}: sample ${i} is ${actual[i]}, expected ${expected[i]} (of ${expected.length})`);
    }
  }
}
