// @ts-check
/**
 * The AudioWorklet processor `gradium-mic-capture`: microphone blocks at the AudioContext's own rate in,
 * 16-bit mono chunks at the target rate (16 kHz, 80 ms) out, posted to the main thread.
 *
 * This one file is what the browser runs (the component inlines its text and loads it from a Blob URL,
 * where imports cannot work) and what test/logic and test/unit load into a Node `vm` context with stand-ins for the
 * three worklet globals (`AudioWorkletProcessor`, `registerProcessor`, `sampleRate`). Keep it
 * self-contained: no imports, no DOM.
 *
 * Why resample here and not with `new AudioContext({sampleRate: 16000})`: Firefox refuses to connect a
 * microphone to a context of another rate, and some devices report 44.1 kHz. One code path everywhere.
 *
 * Messages to the main thread:
 *   {type: 'chunk', pcm: ArrayBuffer (Int16 LE), peak: 0..1}   one per chunk, the buffer transferred
 *   {type: 'flushed', samples, chunks}                         after a {type: 'flush'} request: every
 *                                                              sample captured before it has been posted
 */

/** Kaiser window shape: 70 dB stop-band, i.e. aliases of 8–22 kHz content stay 70 dB under speech. */
const STOPBAND_DB = 70;
/** Pass band ends at this fraction of the lower rate (7 kHz for 16 kHz) … */
const PASS_EDGE = 0.4375;
/** … the stop band starts here (8.6 kHz for 16 kHz); the alias of 8–8.6 kHz lands above 7.4 kHz. */
const STOP_EDGE = 0.5375;
/** Phases kept in the filter table when the rate ratio is not a small fraction (e.g. 44056 Hz). */
const MAX_PHASES = 1024;

/** @param {number} a @param {number} b */
function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (series; converges fast for the betas used). */
function besselI0(/** @type {number} */ x) {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * A streaming windowed-sinc resampler for any pair of integer rates (polyphase, Kaiser window). Output
 * sample n sits at input time n·inRate/outRate exactly, so N input samples always give
 * ceil(N·outRate/inRate) output samples once flushed, however the input was split into blocks.
 */
class Resampler {
  /** @param {number} inRate @param {number} outRate */
  constructor(inRate, outRate) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(`bad rates ${inRate} → ${outRate}`);
    this.inRate = Math.round(inRate);
    this.outRate = Math.round(outRate);
    this.passthrough = this.inRate === this.outRate;
    const g = gcd(this.inRate, this.outRate);
    /** Output time advances M/L input samples per output sample; the phase counts in 1/L steps. */
    this.L = this.outRate / g;
    this.M = this.inRate / g;

    const lower = Math.min(this.inRate, this.outRate);
    const cutoff = ((PASS_EDGE + STOP_EDGE) / 2) * lower; // Hz, the −6 dB point
    const transition = (STOP_EDGE - PASS_EDGE) * lower; // Hz
    const beta = 0.1102 * (STOPBAND_DB - 8.7);
    const taps = (STOPBAND_DB - 8) / (2.285 * 2 * Math.PI * (transition / this.inRate));
    /** Input samples on each side of the output time that the filter reads. */
    this.halfWidth = Math.max(2, Math.ceil(taps / 2));
    this.width = 2 * this.halfWidth;

    // Rows of the table: one per phase when the ratio allows, else MAX_PHASES + 1 quantised phases
    // (the extra row is phase 1.0, so rounding never needs to carry into the next input sample).
    this.exactPhases = this.L <= MAX_PHASES;
    const rows = this.exactPhases ? this.L : MAX_PHASES + 1;
    const fc = cutoff / this.inRate; // cycles per input sample
    const i0Beta = besselI0(beta);
    /** @type {Float32Array[]} */
    this.table = [];
    for (let r = 0; r < rows; r++) {
      const frac = this.exactPhases ? r / this.L : r / MAX_PHASES;
      const row = new Float32Array(this.width);
      let sum = 0;
      for (let k = 0; k < this.width; k++) {
        const tau = frac + this.halfWidth - 1 - k; // output time minus input index
        const x = tau / this.halfWidth;
        const window = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
        const arg = 2 * fc * tau;
        const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        row[k] = 2 * fc * sinc * window;
        sum += row[k];
      }
      for (let k = 0; k < this.width; k++) row[k] /= sum; // unity gain at DC for every phase
      this.table.push(row);
    }
    /** Absolute index of the input sample under the next output, and the fraction past it (in 1/L). */
    this.base = 0;
    this.phase = 0;
    /** Input history: buf[0] is absolute index bufStart; bufLen samples are valid. */
    this.buf = new Float32Array(Math.max(4096, this.width * 4));
    this.bufStart = 0;
    this.bufLen = 0;
    this.inputCount = 0;
    this.out = new Float32Array(256);
    this.reset();
  }

  /** A fresh stream: the history holds the zeros before its first sample. */
  reset() {
    this.base = 0;
    this.phase = 0;
    this.buf.fill(0);
    this.bufStart = -(this.halfWidth - 1);
    this.bufLen = this.halfWidth - 1;
    this.inputCount = 0;
  }

  /** @param {number} n */
  ensureOut(n) {
    if (this.out.length < n) this.out = new Float32Array(Math.max(n, this.out.length * 2));
  }

  /** @param {Float32Array} input */
  append(input) {
    const need = this.bufLen + input.length;
    if (need > this.buf.length) {
      const grown = new Float32Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.bufLen));
      this.buf = grown;
    }
    this.buf.set(input, this.bufLen);
    this.bufLen += input.length;
  }

  /**
   * Writes every output sample whose filter support is buffered (and, when `limit` is given, whose time
   * is before input index `limit`) into this.out; returns how many.
   * @param {number} limit
   */
  produce(limit) {
    const { L, M, halfWidth, width, table, buf } = this;
    const bufEnd = this.bufStart + this.bufLen; // one past the last buffered index
    const estimate = Math.ceil(((bufEnd - this.base) * L) / M) + 2;
    this.ensureOut(Math.max(0, estimate));
    const out = this.out;
    let n = 0;
    let base = this.base;
    let phase = this.phase;
    while (base + halfWidth < bufEnd && base < limit) {
      const row = table[this.exactPhases ? phase : Math.round((phase * MAX_PHASES) / L)];
      const start = base - halfWidth + 1 - this.bufStart;
      let acc = 0;
      for (let k = 0; k < width; k++) acc += row[k] * buf[start + k];
      out[n++] = acc;
      phase += M;
      if (phase >= L) {
        base += Math.floor(phase / L);
        phase %= L;
      }
    }
    this.base = base;
    this.phase = phase;
    // Drop history no later output can read.
    const drop = this.base - halfWidth + 1 - this.bufStart;
    if (drop > 0) {
      const keep = Math.max(0, this.bufLen - drop);
      this.buf.copyWithin(0, this.bufLen - keep, this.bufLen);
      this.bufStart += drop;
      this.bufLen = keep;
    }
    return n;
  }

  /**
   * Feeds input samples; returns the output samples that are now complete (a view, valid until the
   * next call).
   * @param {Float32Array} input
   * @returns {Float32Array}
   */
  process(input) {
    this.inputCount += input.length;
    if (this.passthrough) return input;
    this.append(input);
    const n = this.produce(Infinity); // may grow this.out: read it after
    return this.out.subarray(0, n);
  }

  /**
   * The end of the stream: the outputs that still wait for samples after the last one (read as zeros),
   * then a fresh start. @returns {Float32Array}
   */
  flush() {
    if (this.passthrough) {
      this.reset();
      return new Float32Array(0);
    }
    this.append(new Float32Array(this.halfWidth));
    const n = this.produce(this.inputCount);
    const tail = this.out.slice(0, n);
    this.reset();
    return tail;
  }
}

/**
 * Float samples → 16-bit chunks of a fixed length. Values outside −1…1 saturate (never wrap); the last,
 * shorter chunk comes out on flush.
 */
class Chunker {
  /** @param {number} chunkSamples */
  constructor(chunkSamples) {
    if (!(Number.isInteger(chunkSamples) && chunkSamples > 0)) throw new RangeError(`bad chunk size ${chunkSamples}`);
    this.chunkSamples = chunkSamples;
    this.pending = new Int16Array(chunkSamples);
    this.filled = 0;
    /** Largest magnitude in the pending chunk, for the level meter. */
    this.peak = 0;
  }

  fresh() {
    this.pending = new Int16Array(this.chunkSamples);
    this.filled = 0;
    this.peak = 0;
  }

  /** @param {number} v */
  static toInt16(v) {
    const s = Math.round(v * 32768);
    if (s > 32767) return 32767;
    if (s < -32768) return -32768;
    return s || 0; // NaN → 0
  }

  /**
   * @param {Float32Array} samples
   * @returns {{pcm: Int16Array, peak: number}[]} the chunks completed by these samples
   */
  push(samples) {
    /** @type {{pcm: Int16Array, peak: number}[]} */
    const done = [];
    for (let i = 0; i < samples.length; i++) {
      const s = Chunker.toInt16(samples[i]);
      this.pending[this.filled++] = s;
      const a = s < 0 ? -s : s;
      if (a > this.peak) this.peak = a;
      if (this.filled === this.chunkSamples) {
        done.push({ pcm: this.pending, peak: Math.min(1, this.peak / 32768) });
        this.fresh();
      }
    }
    return done;
  }

  /** @returns {{pcm: Int16Array, peak: number} | null} the partial last chunk, if any */
  flush() {
    if (this.filled === 0) return null;
    const chunk = { pcm: this.pending.slice(0, this.filled), peak: Math.min(1, this.peak / 32768) };
    this.fresh();
    return chunk;
  }
}

/** Averages the channels of one input into `into` (resized as needed); returns the mono view. */
function mixToMono(/** @type {Float32Array[]} */ channels, /** @type {{buf: Float32Array}} */ scratch) {
  const n = channels[0].length;
  if (scratch.buf.length < n) scratch.buf = new Float32Array(n);
  const mono = scratch.buf.subarray(0, n);
  if (channels.length === 1) {
    mono.set(channels[0]);
    return mono;
  }
  mono.fill(0);
  for (const ch of channels) for (let i = 0; i < n; i++) mono[i] += ch[i];
  const scale = 1 / channels.length;
  for (let i = 0; i < n; i++) mono[i] *= scale;
  return mono;
}

class GradiumMicProcessor extends AudioWorkletProcessor {
  /** @param {{processorOptions?: {targetRate?: number, chunkSamples?: number}}} [options] */
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.resampler = new Resampler(sampleRate, opts.targetRate || 16000);
    this.chunker = new Chunker(opts.chunkSamples || 1280);
    this.scratch = { buf: new Float32Array(128) };
    this.capturing = true;
    this.samples = 0;
    this.chunks = 0;
    this.port.onmessage = (/** @type {MessageEvent} */ event) => {
      if (event.data && event.data.type === 'flush') this.flush();
    };
  }

  /** @param {{pcm: Int16Array, peak: number}} chunk */
  post(chunk) {
    this.samples += chunk.pcm.length;
    this.chunks += 1;
    const buffer = chunk.pcm.buffer;
    this.port.postMessage({ type: 'chunk', pcm: buffer, peak: chunk.peak }, [buffer]);
  }

  /** @param {Float32Array[][]} inputs */
  process(inputs) {
    if (!this.capturing) return false;
    const input = inputs[0];
    // An input with no channels: the source is not connected (yet, or any more); nothing to do.
    if (input && input.length > 0 && input[0].length > 0) {
      const mono = mixToMono(input, this.scratch);
      for (const chunk of this.chunker.push(this.resampler.process(mono))) this.post(chunk);
    }
    return true;
  }

  flush() {
    if (!this.capturing) return;
    this.capturing = false;
    for (const chunk of this.chunker.push(this.resampler.flush())) this.post(chunk);
    const last = this.chunker.flush();
    if (last) this.post(last);
    this.port.postMessage({ type: 'flushed', samples: this.samples, chunks: this.chunks });
  }
}

// For the unit tests, which reach the parts through the registered class.
Object.assign(GradiumMicProcessor, { Resampler, Chunker, mixToMono });

registerProcessor('gradium-mic-capture', GradiumMicProcessor);
