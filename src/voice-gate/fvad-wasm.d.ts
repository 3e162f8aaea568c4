/** The parts of libfvad (WebRTC VAD compiled to WebAssembly by `@echogarden/fvad-wasm`) that the gate calls. */
declare module '@echogarden/fvad-wasm' {
  export interface FvadModule {
    /** Fresh views after every call that may grow memory: cached ones detach. */
    HEAPU8: Uint8Array;
    HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** A new detector (mode 0, 8000 Hz), or 0 when out of memory. */
    _fvad_new(): number;
    _fvad_free(inst: number): void;
    _fvad_reset(inst: number): void;
    /** 0 on success, -1 for a mode outside 0–3. */
    _fvad_set_mode(inst: number, mode: number): number;
    /** 0 on success, -1 for a rate other than 8000, 16000, 32000, 48000. */
    _fvad_set_sample_rate(inst: number, rate: number): number;
    /** 1 voiced, 0 not, -1 for a length other than 10, 20 or 30 ms. */
    _fvad_process(inst: number, framePtr: number, length: number): number;
  }
  const load: (moduleArg?: object) => Promise<FvadModule>;
  export default load;
}
