// @ts-check
/**
 * The microphone, from the page's side: getUserMedia → AudioContext (at the device's own rate) →
 * the `gradium-mic-capture` worklet, which hands back 16 kHz 16-bit chunks. No Vue and no socket here;
 * the recorder (ui/state/mic-recorder.mjs) decides what to send.
 *
 *   closed ──prepare()──► ready ──open()──► opened ──begin()──► capturing ──finish()──► ready
 *                           ▲                 │                    │
 *                           └─────────────── abort() ◄─────────────┘      close(): from any state → closed
 *
 * prepare() must run inside the user's gesture (browsers only start audio after one); open() asks for the
 * microphone; begin() connects it, so the caller can announce the start before the first chunk; finish()
 * flushes the worklet (the partial last chunk included) before it lets the device go.
 */
import workletSource from './mic-worklet.js?raw';
import wire from '../../shared/wire.json';

export const PROCESSOR_NAME = 'gradium-mic-capture';
/** How long a flush may take before the capture is torn down anyway. */
const FLUSH_TIMEOUT_MS = 2000;
/** How long a resume() may hang (no user gesture yet) before the start is given up. */
const RESUME_TIMEOUT_MS = 1500;

/** @typedef {'insecure' | 'blocked' | 'no-mic' | 'busy' | 'unsupported' | 'no-gesture' | 'failed'} MicErrorCode */
/** @typedef {'closed' | 'ready' | 'opened' | 'capturing'} CaptureState */

/** @type {Record<CaptureState, readonly CaptureState[]>} */
const TRANSITIONS = {
  closed: ['ready'],
  ready: ['opened', 'closed'],
  opened: ['capturing', 'ready', 'closed'],
  capturing: ['ready', 'closed'],
};

export class MicError extends Error {
  /** @param {MicErrorCode} code @param {unknown} [cause] */
  constructor(code, cause) {
    super(`microphone: ${code}${cause instanceof Error ? ` (${cause.name}: ${cause.message})` : ''}`);
    this.name = 'MicError';
    this.code = code;
  }
}

/**
 * Why this page cannot capture at all, or null when it can. Plain-http pages (other than localhost) get
 * neither navigator.mediaDevices nor AudioContext.audioWorklet.
 * @returns {MicErrorCode | null}
 */
export function captureSupport() {
  if (!window.isSecureContext) return 'insecure';
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') return 'unsupported';
  if (typeof AudioWorkletNode !== 'function') return 'unsupported';
  return null;
}

/**
 * getUserMedia's errors, in the words the widget shows.
 * @param {unknown} err
 * @returns {MicErrorCode}
 */
export function errorCode(err) {
  if (err instanceof MicError) return /** @type {MicErrorCode} */ (err.code);
  const name = err && typeof err === 'object' && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'blocked';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-mic';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

/**
 * @param {Promise<unknown>} promise @param {number} ms
 * @returns {Promise<boolean>} true when the promise settled in time
 */
function within(promise, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).then((settled) => {
    clearTimeout(timer);
    return /** @type {boolean} */ (settled);
  });
}

export class MicCapture {
  /**
   * @param {{onChunk: (pcm: ArrayBuffer, peak: number) => void, onEnded: () => void}} handlers
   *   onChunk: one 16 kHz Int16 chunk (80 ms; the last may be shorter); onEnded: the device went away
   */
  constructor(handlers) {
    this.handlers = handlers;
    /** @type {CaptureState} */
    this.state = 'closed';
    /** @type {AudioContext | null} */
    this.context = null;
    /** @type {Promise<void> | null} */
    this.moduleLoaded = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {MediaStreamAudioSourceNode | null} */
    this.source = null;
    /** @type {AudioWorkletNode | null} */
    this.node = null;
    /** @type {((counts: {samples: number, chunks: number}) => void) | null} */
    this.onFlushed = null;
    this.samples = 0;
    this.chunks = 0;
  }

  /** @param {CaptureState} to */
  setState(to) {
    if (!TRANSITIONS[this.state].includes(to)) throw new Error(`MicCapture: ${this.state} → ${to} is not allowed`);
    this.state = to;
  }

  /** Creates or resumes the AudioContext. Call it synchronously inside the press handler. */
  prepare() {
    if (!this.context) {
      this.context = new AudioContext();
      const url = URL.createObjectURL(new Blob([workletSource], { type: 'text/javascript' }));
      this.moduleLoaded = this.context.audioWorklet.addModule(url).finally(() => URL.revokeObjectURL(url));
    }
    // Not awaited here: the promise is started while the gesture is still active.
    this.context.resume().catch(() => undefined);
    if (this.state === 'closed') this.setState('ready');
  }

  /**
   * Asks for the microphone and sets up the graph, without connecting it yet.
   * @param {{echoCancellation: boolean, noiseSuppression: boolean, autoGainControl: boolean}} processing
   * @throws {MicError}
   */
  async open(processing) {
    const context = this.context;
    if (!context || !this.moduleLoaded) throw new MicError('failed', new Error('prepare() was not called'));
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: { ...processing, channelCount: 1 }, video: false });
    } catch (err) {
      throw new MicError(errorCode(err), err);
    }
    try {
      await this.moduleLoaded;
      if (context.state !== 'running' && !(await within(context.resume(), RESUME_TIMEOUT_MS))) {
        throw new MicError('no-gesture');
      }
      if (context.state !== 'running') throw new MicError('no-gesture');
      this.source = context.createMediaStreamSource(this.stream);
      this.node = new AudioWorkletNode(context, PROCESSOR_NAME, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        processorOptions: { targetRate: wire.sampleRate, chunkSamples: wire.chunkSamples },
      });
    } catch (err) {
      this.release();
      throw err instanceof MicError ? err : new MicError('failed', err);
    }
    for (const track of this.stream.getAudioTracks()) track.addEventListener('ended', this.handlers.onEnded);
    this.setState('opened');
  }

  /** Connects the microphone to the worklet: chunks start to flow. */
  begin() {
    const node = /** @type {AudioWorkletNode} */ (this.node);
    this.samples = 0;
    this.chunks = 0;
    node.port.onmessage = (event) => {
      const data = event.data;
      if (data && data.type === 'chunk') {
        this.samples += data.pcm.byteLength / 2;
        this.chunks += 1;
        this.handlers.onChunk(data.pcm, data.peak);
      } else if (data && data.type === 'flushed' && this.onFlushed) {
        this.onFlushed({ samples: data.samples, chunks: data.chunks });
      }
    };
    /** @type {MediaStreamAudioSourceNode} */ (this.source).connect(node);
    this.setState('capturing');
  }

  /**
   * Ends the capture: every sample recorded so far is handed to onChunk (the last chunk may be short),
   * then the device is released.
   * @returns {Promise<{samples: number, chunks: number}>} what was captured, as the worklet counted it
   */
  async finish() {
    if (this.state !== 'capturing' || !this.node) {
      this.abort();
      return { samples: 0, chunks: 0 };
    }
    const node = this.node;
    /** @type {{samples: number, chunks: number} | null} */
    let counted = null;
    const flushed = new Promise((resolve) => {
      this.onFlushed = (counts) => {
        counted = counts;
        resolve(undefined);
      };
    });
    node.port.postMessage({ type: 'flush' });
    await within(flushed, FLUSH_TIMEOUT_MS);
    this.onFlushed = null;
    const result = counted ?? { samples: this.samples, chunks: this.chunks };
    if (this.state === 'capturing') {
      this.release();
      this.setState('ready');
    }
    return result;
  }

  /** Drops the capture at once (nothing more is delivered; a finish() under way returns now). */
  abort() {
    if (this.onFlushed) this.onFlushed({ samples: this.samples, chunks: this.chunks });
    this.onFlushed = null;
    this.release();
    if (this.state === 'opened' || this.state === 'capturing') this.setState('ready');
  }

  /** Lets the device go (the browser's recording indicator turns off) and rests the context. */
  release() {
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
      this.node = null;
    }
    if (this.source) {
      this.source.disconnect();
      this.source = null;
    }
    if (this.stream) {
      for (const track of this.stream.getTracks()) {
        track.removeEventListener('ended', this.handlers.onEnded);
        track.stop();
      }
      this.stream = null;
    }
    if (this.context && this.context.state === 'running') this.context.suspend().catch(() => undefined);
  }

  /** For good: the component is going away. */
  close() {
    this.abort();
    if (this.context) this.context.close().catch(() => undefined);
    this.context = null;
    this.moduleLoaded = null;
    if (this.state !== 'closed') this.setState('closed');
  }
}
