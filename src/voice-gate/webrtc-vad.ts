/**
 * Our wrapper around WebRTC VAD (libfvad, compiled to WebAssembly by `@echogarden/fvad-wasm`).
 *
 * One WebAssembly module serves every stream of the process; each stream owns one `fvad_new` handle (744
 * bytes of wasm heap) and frees it on `close()`. Samples are copied into one input area shared by all
 * handles: everything here is synchronous on one thread, so no two calls can overlap.
 *
 * Loading is asynchronous (src/common/wasm-loader.ts): `prepareVoiceGate()` must have resolved before a
 * detector is made; after that, everything is synchronous.
 */
import type { FvadModule } from '@echogarden/fvad-wasm';
import { instantiateFirst, LoadedOnce } from '../common/wasm-loader';

/** WebRTC VAD aggressiveness: 0 lets the most through, 3 rejects the most non-speech. */
export type VadMode = 0 | 1 | 2 | 3;
/** The only rates libfvad analyses. */
export type VadRate = 8000 | 16000 | 32000 | 48000;
export const VAD_RATES: readonly VadRate[] = [8000, 16000, 32000, 48000];

/** libfvad takes 10, 20 or 30 ms per call; 10 ms gives the finest decision (any voiced 10 ms counts). */
export const SUB_FRAME_MS = 10;
/** Samples of the shared input area: 80 ms at 48 kHz, one whole frame of the fastest rate. */
const INPUT_SAMPLES = 3840;

interface Loaded {
  mod: FvadModule;
  /** Byte address of the shared input area (2-byte aligned, from malloc). */
  input: number;
}

let liveHandles = 0;

const fvad = new LoadedOnce<Loaded>(async () => {
  const mod = await instantiateFirst(() => import('@echogarden/fvad-wasm'));
  const input = mod._malloc(INPUT_SAMPLES * 2);
  if (input === 0) throw new Error('voice gate: WebAssembly out of memory for the VAD input area');
  return { mod, input };
});

/** Loads the VAD once per process. Await it at startup; later calls resolve at once. */
export async function prepareVoiceGate(): Promise<void> {
  await fvad.prepare();
}

export function isVoiceGatePrepared(): boolean {
  return fvad.ready;
}

/** Bytes of the VAD module's WebAssembly memory now (0 before loading); it grows, never shrinks. */
export function vadHeapBytes(): number {
  return fvad.current?.mod.HEAPU8.length ?? 0;
}

/** `fvad_new` handles not yet freed, across the process (for tests and leak checks). */
export function liveVadHandles(): number {
  return liveHandles;
}

function release(handle: { mod: FvadModule; inst: number }): void {
  handle.mod._fvad_free(handle.inst);
  liveHandles--;
}

/** Frees the handle of a detector that was dropped without close(). */
const finalizer = new FinalizationRegistry(release);

/** One stream's WebRTC VAD: fixed mode and rate, state that adapts to the stream's noise. */
export class WebRtcVad {
  private _mode: VadMode;
  readonly sampleRate: VadRate;
  /** Samples in one 10 ms sub-frame. */
  readonly subFrameSamples: number;
  private handle: { mod: FvadModule; inst: number } | undefined;
  /** Byte address of the process-wide input area. */
  private readonly input: number;

  constructor(mode: VadMode, sampleRate: VadRate) {
    const l = fvad.current;
    if (!l) throw new Error('voice gate not loaded: await prepareVoiceGate() once before creating a gate');
    if (!VAD_RATES.includes(sampleRate)) {
      throw new Error(`WebRTC VAD analyses 8000, 16000, 32000 or 48000 Hz, not ${sampleRate} Hz`);
    }
    const inst = l.mod._fvad_new();
    if (inst === 0) throw new Error('voice gate: WebAssembly out of memory for a VAD handle');
    if (l.mod._fvad_set_mode(inst, mode) !== 0 || l.mod._fvad_set_sample_rate(inst, sampleRate) !== 0) {
      l.mod._fvad_free(inst);
      throw new Error(`WebRTC VAD refused mode ${mode} at ${sampleRate} Hz`);
    }
    this._mode = mode;
    this.sampleRate = sampleRate;
    this.subFrameSamples = (sampleRate * SUB_FRAME_MS) / 1000;
    this.handle = { mod: l.mod, inst };
    this.input = l.input;
    liveHandles++;
    finalizer.register(this, this.handle, this);
  }

  get mode(): VadMode {
    return this._mode;
  }

  /** Changes the aggressiveness; the detector keeps what it has learnt of the stream's noise. */
  setMode(mode: VadMode): void {
    const { mod, inst } = this.live();
    if (mod._fvad_set_mode(inst, mode) !== 0) throw new Error(`WebRTC VAD refused mode ${mode}`);
    this._mode = mode;
  }

  /**
   * Analyses s16le bytes `[start, end)` in 10 ms sub-frames and returns how many were voiced. A remainder
   * shorter than 10 ms is not analysed.
   */
  voicedInBytes(bytes: Buffer, start: number, end: number): number {
    const step = INPUT_SAMPLES * 2;
    let voiced = 0;
    for (let at = start; at < end; at += step) {
      const stop = Math.min(end, at + step);
      // Fresh view on every call: the module may have grown its memory since the last one.
      this.mod().HEAPU8.set(bytes.subarray(at, stop), this.input);
      voiced += this.run((stop - at) >> 1);
    }
    return voiced;
  }

  /** Same as voicedInBytes, for the first `count` samples of a 16-bit array. */
  voicedInSamples(samples: Int16Array, count: number): number {
    let voiced = 0;
    for (let at = 0; at < count; at += INPUT_SAMPLES) {
      const n = Math.min(count - at, INPUT_SAMPLES);
      this.mod().HEAP16.set(samples.subarray(at, at + n), this.input >> 1);
      voiced += this.run(n);
    }
    return voiced;
  }

  /** Frees the handle; later calls throw. Safe to call twice. */
  close(): void {
    if (!this.handle) return;
    finalizer.unregister(this);
    release(this.handle);
    this.handle = undefined;
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  private live(): { mod: FvadModule; inst: number } {
    if (!this.handle) throw new Error('WebRTC VAD used after close()');
    return this.handle;
  }

  private mod(): FvadModule {
    return this.live().mod;
  }

  /** Runs the 10 ms sub-frames of the `samples` now in the input area. */
  private run(samples: number): number {
    const { mod, inst } = this.handle!;
    const sub = this.subFrameSamples;
    const input = this.input;
    let voiced = 0;
    for (let i = 0; i + sub <= samples; i += sub) {
      const r = mod._fvad_process(inst, input + i * 2, sub);
      if (r < 0) throw new Error(`WebRTC VAD refused a ${sub}-sample frame at ${this.sampleRate} Hz`);
      voiced += r;
    }
    return voiced;
  }
}
