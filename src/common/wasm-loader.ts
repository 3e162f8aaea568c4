/**
 * Loading a WebAssembly module once per process, shared by the resampler (src/audio) and the voice gate's VAD
 * (src/voice-gate). The @echogarden packages are ES modules whose default export builds the Emscripten module;
 * the compiled CommonJS keeps a real `import()` (tsconfig `module: node16`), so they load on every Node
 * without `require(esm)`. Loading is asynchronous: a caller awaits `prepare()` at startup, and from then on
 * reads `module` synchronously (the hot paths stay synchronous). A failed load is forgotten, so a later
 * `prepare()` tries again.
 */

/** What an Emscripten package exports: a factory that instantiates the module. */
export interface EmscriptenPackage<M> {
  default: () => Promise<M>;
}

/**
 * Instantiate the first package that loads, in order: later ones are fallbacks (e.g. a build without SIMD
 * for runtimes that lack it). Each importer is a literal `() => import('…')`, so TypeScript checks its type.
 */
export async function instantiateFirst<M>(...importers: (() => Promise<EmscriptenPackage<M>>)[]): Promise<M> {
  let lastError: unknown = new Error('no WebAssembly package given');
  for (const importer of importers) {
    try {
      return await (await importer()).default();
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** One value loaded once per process (a module and what is set up with it), retried after a failure. */
export class LoadedOnce<T> {
  private value: T | undefined;
  private loading: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  /** Loads on the first call; later calls resolve at once (or join the load under way). */
  async prepare(): Promise<T> {
    this.loading ??= this.load().then(
      (value) => (this.value = value),
      (err: unknown) => {
        this.loading = undefined; // let a later call try again
        throw err;
      },
    );
    return this.loading;
  }

  get ready(): boolean {
    return this.value !== undefined;
  }

  /** The loaded value, or undefined before prepare() resolved. */
  get current(): T | undefined {
    return this.value;
  }
}
