/** The parts of the SpeexDSP resampler (compiled to WebAssembly by the package) that this layer calls. */
declare module '@echogarden/speex-resampler-wasm' {
  export interface SpeexResamplerModule {
    HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_process_int(
      state: number,
      channel: number,
      inPtr: number,
      inLenPtr: number,
      outPtr: number,
      outLenPtr: number,
    ): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_reset_mem(state: number): number;
  }
  const load: (moduleArg?: object) => Promise<SpeexResamplerModule>;
  export default load;
}
declare module '@echogarden/speex-resampler-wasm/simd' {
  import load from '@echogarden/speex-resampler-wasm';
  export default load;
}
