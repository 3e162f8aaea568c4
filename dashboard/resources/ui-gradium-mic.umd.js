(function(){try{if(typeof document<`u`){var e=document.createElement(`style`);e.appendChild(document.createTextNode(`.gradium-mic[data-v-fe429c63]{flex-direction:column;gap:6px;width:100%;display:flex}.gradium-mic__button[data-v-fe429c63]{background:rgb(var(--v-theme-primary,0, 148, 206));width:100%;min-height:48px;color:rgb(var(--v-theme-on-primary,255, 255, 255));font:inherit;cursor:pointer;touch-action:none;-webkit-user-select:none;user-select:none;-webkit-touch-callout:none;border:none;border-radius:4px;justify-content:center;align-items:center;gap:8px;padding:8px 16px;font-weight:500;display:flex;position:relative;overflow:hidden}.gradium-mic__button[data-v-fe429c63]:focus-visible{outline:3px solid rgb(var(--v-theme-primary,0, 148, 206));outline-offset:2px}.gradium-mic__button[data-v-fe429c63]:disabled{opacity:.5;cursor:not-allowed}.gradium-mic--recording .gradium-mic__button[data-v-fe429c63]{background:rgb(var(--v-theme-error,207, 102, 121));color:rgb(var(--v-theme-on-error,255, 255, 255))}.gradium-mic--error .gradium-mic__button[data-v-fe429c63]{color:rgb(var(--v-theme-error,176, 0, 32));box-shadow:inset 0 0 0 2px rgb(var(--v-theme-error,176, 0, 32));background:0 0}.gradium-mic--permission .gradium-mic__button[data-v-fe429c63],.gradium-mic--stopping .gradium-mic__button[data-v-fe429c63]{opacity:.8}.gradium-mic__icon[data-v-fe429c63]{fill:currentColor;flex:none;width:24px;height:24px}.gradium-mic__meter[data-v-fe429c63]{background:#00000040;height:6px;position:absolute;bottom:0;left:0;right:0}.gradium-mic:not(.gradium-mic--recording) .gradium-mic__meter[data-v-fe429c63]{display:none}.gradium-mic__level[data-v-fe429c63]{transform-origin:0;background:#ffffffe6;height:100%;transition:transform 80ms linear;display:block}.gradium-mic__hint[data-v-fe429c63]{min-height:0;margin:0;font-size:.85em}.gradium-mic__hint[data-v-fe429c63]:empty{display:none}.gradium-mic--error .gradium-mic__hint[data-v-fe429c63]{color:rgb(var(--v-theme-error,176, 0, 32))}.gradium-mic__transcript p[data-v-fe429c63]{margin:0 0 2px}.gradium-mic__interim[data-v-fe429c63]{opacity:.55;font-style:italic}/*$vite$:1*/`)),document.head.appendChild(e)}}catch(e){console.error(`vite-plugin-css-injected-by-js`,e)}})();
(function(e,t){typeof exports==`object`&&typeof module<`u`?t(exports,require("vue")):typeof define==`function`&&define.amd?define([`exports`,`vue`],t):(e=typeof globalThis<`u`?globalThis:e||self,t(e[`ui-gradium-mic`]={},e.Vue))})(this,function(e,t){Object.defineProperty(e,Symbol.toStringTag,{value:`Module`});var n={label:{default:``,maxLength:100,dynamic:!0},mode:{default:`hold`,values:[`hold`,`toggle`],dynamic:!0},maxSeconds:{default:30,integer:!0,min:1,max:300,unit:`s`,dynamic:!0},onRelease:{default:`stop`,values:[`stop`,`flush`],dynamic:!0},keyBy:{default:`tab`,values:[`tab`,`socket`,`user`]},keyPrefix:{default:`mic/`,maxLength:64},echoCancellation:{default:!0,boolean:!0,dynamic:!0},noiseSuppression:{default:!0,boolean:!0,dynamic:!0},autoGainControl:{default:!0,boolean:!0,dynamic:!0},transcriptLines:{default:3,integer:!0,min:0,max:20,dynamic:!0}},r=`// @ts-check
/**
 * The AudioWorklet processor \`gradium-mic-capture\`: microphone blocks at the AudioContext's own rate in,
 * 16-bit mono chunks at the target rate (16 kHz, 80 ms) out, posted to the main thread.
 *
 * This one file is what the browser runs (the component inlines its text and loads it from a Blob URL,
 * where imports cannot work) and what test/logic and test/unit load into a Node \`vm\` context with stand-ins for the
 * three worklet globals (\`AudioWorkletProcessor\`, \`registerProcessor\`, \`sampleRate\`). Keep it
 * self-contained: no imports, no DOM.
 *
 * Why resample here and not with \`new AudioContext({sampleRate: 16000})\`: Firefox refuses to connect a
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
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(\`bad rates \${inRate} → \${outRate}\`);
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
   * Writes every output sample whose filter support is buffered (and, when \`limit\` is given, whose time
   * is before input index \`limit\`) into this.out; returns how many.
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
    if (!(Number.isInteger(chunkSamples) && chunkSamples > 0)) throw new RangeError(\`bad chunk size \${chunkSamples}\`);
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

/** Averages the channels of one input into \`into\` (resized as needed); returns the mono view. */
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
`,i={sampleRate:16e3,chunkSamples:1280,maxPayloadBytes:65536,maxIdLength:64},a=`gradium-mic-capture`,o=2e3,s=1500,c={closed:[`ready`],ready:[`opened`,`closed`],opened:[`capturing`,`ready`,`closed`],capturing:[`ready`,`closed`]},l=class extends Error{constructor(e,t){super(`microphone: ${e}${t instanceof Error?` (${t.name}: ${t.message})`:``}`),this.name=`MicError`,this.code=e}};function u(){return window.isSecureContext?!navigator.mediaDevices||typeof navigator.mediaDevices.getUserMedia!=`function`||typeof AudioWorkletNode!=`function`?`unsupported`:null:`insecure`}function d(e){if(e instanceof l)return e.code;switch(e&&typeof e==`object`&&`name`in e?String(e.name):``){case`NotAllowedError`:case`PermissionDeniedError`:case`SecurityError`:return`blocked`;case`NotFoundError`:case`DevicesNotFoundError`:case`OverconstrainedError`:return`no-mic`;case`NotReadableError`:case`TrackStartError`:case`AbortError`:return`busy`;default:return`failed`}}function f(e,t){let n;return Promise.race([e.then(()=>!0,()=>!0),new Promise(e=>{n=setTimeout(()=>e(!1),t)})]).then(e=>(clearTimeout(n),e))}var p=class{constructor(e){this.handlers=e,this.state=`closed`,this.context=null,this.moduleLoaded=null,this.stream=null,this.source=null,this.node=null,this.onFlushed=null,this.samples=0,this.chunks=0}setState(e){if(!c[this.state].includes(e))throw Error(`MicCapture: ${this.state} → ${e} is not allowed`);this.state=e}prepare(){if(!this.context){this.context=new AudioContext;let e=URL.createObjectURL(new Blob([r],{type:`text/javascript`}));this.moduleLoaded=this.context.audioWorklet.addModule(e).finally(()=>URL.revokeObjectURL(e))}this.context.resume().catch(()=>void 0),this.state===`closed`&&this.setState(`ready`)}async open(e){let t=this.context;if(!t||!this.moduleLoaded)throw new l(`failed`,Error(`prepare() was not called`));try{this.stream=await navigator.mediaDevices.getUserMedia({audio:{...e,channelCount:1},video:!1})}catch(e){throw new l(d(e),e)}try{if(await this.moduleLoaded,t.state!==`running`&&!await f(t.resume(),s)||t.state!==`running`)throw new l(`no-gesture`);this.source=t.createMediaStreamSource(this.stream),this.node=new AudioWorkletNode(t,a,{numberOfInputs:1,numberOfOutputs:0,processorOptions:{targetRate:i.sampleRate,chunkSamples:i.chunkSamples}})}catch(e){throw this.release(),e instanceof l?e:new l(`failed`,e)}for(let e of this.stream.getAudioTracks())e.addEventListener(`ended`,this.handlers.onEnded);this.setState(`opened`)}begin(){let e=this.node;this.samples=0,this.chunks=0,e.port.onmessage=e=>{let t=e.data;t&&t.type===`chunk`?(this.samples+=t.pcm.byteLength/2,this.chunks+=1,this.handlers.onChunk(t.pcm,t.peak)):t&&t.type===`flushed`&&this.onFlushed&&this.onFlushed({samples:t.samples,chunks:t.chunks})},this.source.connect(e),this.setState(`capturing`)}async finish(){if(this.state!==`capturing`||!this.node)return this.abort(),{samples:0,chunks:0};let e=this.node,t=null,n=new Promise(e=>{this.onFlushed=n=>{t=n,e(void 0)}});e.port.postMessage({type:`flush`}),await f(n,o),this.onFlushed=null;let r=t??{samples:this.samples,chunks:this.chunks};return this.state===`capturing`&&(this.release(),this.setState(`ready`)),r}abort(){this.onFlushed&&this.onFlushed({samples:this.samples,chunks:this.chunks}),this.onFlushed=null,this.release(),(this.state===`opened`||this.state===`capturing`)&&this.setState(`ready`)}release(){if(this.node&&=(this.node.port.onmessage=null,this.node.disconnect(),null),this.source&&=(this.source.disconnect(),null),this.stream){for(let e of this.stream.getTracks())e.removeEventListener(`ended`,this.handlers.onEnded),e.stop();this.stream=null}this.context&&this.context.state===`running`&&this.context.suspend().catch(()=>void 0)}close(){this.abort(),this.context&&this.context.close().catch(()=>void 0),this.context=null,this.moduleLoaded=null,this.state!==`closed`&&this.setState(`closed`)}},m=`gradium-mic-tab`,h=RegExp(`^[A-Za-z0-9_-]{1,${i.maxIdLength}}$`),g=`gradium-mic-press`,_=`gradium-mic-tabs`,v=2e3,y=new Map;function b(e){try{return window.sessionStorage.getItem(e)}catch{return y.get(e)??null}}function x(e,t){try{window.sessionStorage.setItem(e,t)}catch{y.set(e,t)}}function S(){if(typeof crypto.randomUUID==`function`)return crypto.randomUUID();let e=crypto.getRandomValues(new Uint8Array(16));return Array.from(e,e=>e.toString(16).padStart(2,`0`)).join(``)}function C(){let e=b(m);return e&&h.test(e)||(e=S(),x(m,e)),e}function w(){let e=(Number(b(g))||0)+1;return x(g,String(e)),e}var T=!1;function E(){if(T||typeof BroadcastChannel!=`function`)return;T=!0;let e=new BroadcastChannel(_),t=Date.now();e.onmessage=n=>{let r=n.data;r&&typeof r==`object`&&(r.type===`hello`&&r.id===C()?e.postMessage({type:`taken`,id:r.id}):r.type===`taken`&&r.id===C()&&Date.now()-t<v&&(x(m,S()),x(g,`0`)))},e.postMessage({type:`hello`,id:C()})}var D=e=>!!e&&typeof e==`object`;function O(e){return e.action===`start`||e.action===`stop`?e.action:null}function k(e,t){let n=D(e.mic)?e.mic:null;if(n&&typeof n.widget==`string`&&n.widget!==t.widget)return!1;if(n&&typeof n.tab==`string`)return n.tab===t.tab;let r=D(e._client)?e._client:null;return r&&typeof r.socketId==`string`?r.socketId===t.socketId:!0}function A(e,t){let n=e.mic;return!D(n)||typeof n.tab!=`string`||n.tab===t.tab&&(typeof n.widget!=`string`||n.widget===t.widget)}function j(e,t,n){if(t.final===!1)return{...e,interim:t.payload};if(!t.payload)return{...e,interim:``};let r=e.lineCount+1;return{finals:[...e.finals,{n:r,text:t.payload}].slice(-Math.max(1,n)),interim:``,lineCount:r}}var M=Object.freeze({idle:Object.freeze([`permission`,`error`]),permission:Object.freeze([`recording`,`idle`,`error`]),recording:Object.freeze([`stopping`,`error`]),stopping:Object.freeze([`idle`,`error`]),error:Object.freeze([`permission`,`error`])});Object.freeze(Object.keys(M));var N=Object.freeze([`permission`,`recording`,`stopping`]),P=class extends Error{constructor(e,t){super(`ui-gradium-mic: ${e} → ${t} is not an allowed phase transition`),this.name=`IllegalPhaseTransition`,this.from=e,this.to=t}};function F(e){return typeof e==`string`&&Object.hasOwn(M,e)}function I(e,t){return F(e)&&F(t)&&M[e].includes(t)}var L=class{constructor(e=`idle`){if(!F(e))throw RangeError(`ui-gradium-mic: no phase ${String(e)}`);this.current=e}is(...e){return e.includes(this.current)}to(e){if(!I(this.current,e))throw new P(this.current,e);this.current=e}},R=class{constructor(e){this.deps=e,this.phase=new L(`idle`),this.error=null,this.level=0,this.via=null,this.released=!1,this.current=null,this.capture=null,this.maxTimer=null}get state(){return this.phase.current}async begin(e){if(this.phase.is(...N))return;let t=this.deps;this.via=e,this.released=!1,this.error=null,this.current={...t.newPress(),seq:0};let n=t.unsupported();if(n)return this.fail(n);if(!t.socket.connected)return this.fail(`disconnected`);if(e===`remote`&&!t.hadGesture())return this.fail(`no-gesture`);this.capture||=t.createCapture({onChunk:(e,t)=>this.sendChunk(e,t),onEnded:()=>this.end(`device`)});let r=this.capture;r.prepare(),this.move(`permission`);try{await r.open(t.settings().processing)}catch(e){return this.fail(t.errorCode(e))}if(this.released||!this.phase.is(`permission`)){r.abort(),this.phase.is(`permission`)&&this.move(`idle`);return}if(!t.socket.connected)return r.abort(),this.fail(`disconnected`);this.send(`start`),this.move(`recording`),r.begin();let i=t.settings().maxSeconds;this.maxTimer=t.timers.setTimeout(()=>this.end(`max`),i*1e3)}async end(e){if(this.phase.is(`permission`)){this.released=!0;return}if(!this.phase.is(`recording`))return;this.deps.timers.clearTimeout(this.maxTimer),this.move(`stopping`);let{samples:t}=await this.capture.finish();if(this.level=0,this.publish(),this.current){if(!this.deps.socket.connected)return this.lost();this.send(`stop`,{reason:e,captured:t}),this.current=null,this.via=null,this.move(`idle`)}}sendChunk(e,t){if(this.current){if(!this.deps.socket.connected)return this.lost();this.send(`audio`,{},e),this.level=z(t),this.publish()}}lost(){this.phase.is(...N)&&(this.deps.timers.clearTimeout(this.maxTimer),this.capture?.abort(),this.current=null,this.via=null,this.level=0,this.show(`disconnected`))}fail(e){this.deps.timers.clearTimeout(this.maxTimer),this.current&&this.deps.socket.connected&&e!==`disconnected`&&this.send(`error`,{code:e}),this.current=null,this.via=null,this.show(e)}show(e){this.phase.to(`error`),this.error=e,this.level=0,this.publish()}dispose(){let e=this.capture;e&&(this.phase.is(`recording`)?this.end(`hidden`).then(()=>e.close()):e.close())}send(e,t={},n){let r=this.current,i={micAction:{event:e,tab:r.tab,press:r.press,seq:r.seq++,...t}};n!==void 0&&(i.payload=n),this.deps.socket.emit(`widget-action`,this.deps.widgetId,i)}move(e){this.phase.to(e),this.publish()}publish(){this.deps.onView({phase:this.phase.current,error:this.error,level:this.level})}};function z(e){return Math.max(0,Math.min(1,1+20*Math.log10(e+1e-9)/50))}var B=(e,t)=>{let n=e.__vccOpts||e;for(let[e,r]of t)n[e]=r;return n},V={insecure:`Needs HTTPS or localhost`,blocked:`Microphone blocked`,"no-mic":`No microphone`,busy:`Microphone busy`,disconnected:`Connection lost`,unsupported:`Browser cannot record`,"no-gesture":`Tap to allow the microphone`,failed:`Microphone failed`},H={insecure:`Browsers give the microphone only to pages opened over https:// or from localhost. Open this dashboard over HTTPS.`,blocked:`The microphone is blocked for this site. Allow it in the browser's site settings, then press again.`,"no-mic":`No microphone was found. Connect one, then press again.`,busy:`The microphone is used by another application or could not be started. Close it, then press again.`,disconnected:`The connection to Node-RED was lost and the recording stopped. Press again once it is back.`,unsupported:`This browser cannot stream audio (no AudioWorklet). Use a current Chrome, Edge, Firefox or Safari.`,"no-gesture":`The flow asked to start the microphone, but the browser needs one tap on the page first.`,failed:`The microphone could not be started. Press again to retry.`},U=Object.keys(n).filter(e=>n[e].dynamic),W={name:`UIGradiumMic`,inject:[`$socket`,`$dataTracker`],props:{id:{type:String,required:!0},props:{type:Object,default:()=>({})},state:{type:Object,default:()=>({enabled:!1,visible:!1})}},data(){return{phase:`idle`,error:null,level:0,finals:[],interim:``,lineCount:0}},computed:{enabled(){return this.state.enabled!==!1},mode(){let e=this.getProperty(`mode`);return n.mode.values.includes(e)?e:n.mode.default},transcriptLines(){let e=Number(this.getProperty(`transcriptLines`));return Number.isInteger(e)&&e>=0?e:n.transcriptLines.default},hintId(){return`gradium-mic-hint-`+this.id},buttonText(){switch(this.phase){case`permission`:return`Allow the microphone…`;case`recording`:return this.recorder.via===`remote`?`Listening…`:this.mode===`hold`?`Listening… release to send`:`Listening… click to stop`;case`stopping`:return`Sending…`;case`error`:return V[this.error]||V.failed;default:return this.getProperty(`label`)||(this.mode===`hold`?`Hold to talk`:`Click to talk`)}},hintText(){return this.phase===`error`?H[this.error]||H.failed:this.phase===`recording`?`Recording`:``}},watch:{enabled(e){e||this.recorder.end(`disabled`)}},created(){this.recorder=new R({widgetId:this.id,socket:this.$socket,createCapture:e=>new p(e),unsupported:u,errorCode:d,newPress:()=>({tab:C(),press:w()}),hadGesture:()=>!navigator.userActivation||navigator.userActivation.hasBeenActive,settings:()=>({processing:{echoCancellation:this.getProperty(`echoCancellation`)!==!1,noiseSuppression:this.getProperty(`noiseSuppression`)!==!1,autoGainControl:this.getProperty(`autoGainControl`)!==!1},maxSeconds:Number(this.getProperty(`maxSeconds`))||n.maxSeconds.default}),timers:{setTimeout:(e,t)=>setTimeout(e,t),clearTimeout:e=>clearTimeout(e)},onView:e=>Object.assign(this,e)}),this.$dataTracker(this.id,this.onInput,null,this.onDynamicProperties)},mounted(){E(),this.onDisconnect=()=>this.recorder.lost(),this.onVisibility=()=>{document.visibilityState===`hidden`&&this.recorder.end(`hidden`)},this.$socket.on(`disconnect`,this.onDisconnect),document.addEventListener(`visibilitychange`,this.onVisibility);let e=u();e&&this.recorder.show(e)},beforeUnmount(){this.$socket.off(`disconnect`,this.onDisconnect),document.removeEventListener(`visibilitychange`,this.onVisibility),this.recorder.dispose()},methods:{onPointerDown(e){if(this.mode===`hold`&&e.button===0){if(this.recorder.via===`remote`)return this.recorder.end(`click`);e.currentTarget.setPointerCapture?.(e.pointerId),this.begin(`pointer`)}},onPointerUp(){this.mode===`hold`&&this.recorder.via===`pointer`&&this.recorder.end(`release`)},onKeyDown(e){if(!(this.mode!==`hold`||e.key!==` `&&e.key!==`Enter`)&&(e.preventDefault(),!e.repeat)){if(this.recorder.via===`remote`)return this.recorder.end(`click`);this.begin(`key`)}},onKeyUp(e){this.mode!==`hold`||e.key!==` `&&e.key!==`Enter`||(e.preventDefault(),this.recorder.via===`key`&&this.recorder.end(`release`))},onBlur(){this.mode===`hold`&&this.recorder.via===`key`&&this.recorder.end(`release`)},onClick(){this.mode===`toggle`&&(this.phase===`recording`||this.phase===`permission`?this.recorder.end(`click`):this.begin(`click`))},begin(e){this.enabled&&this.recorder.begin(e)},onInput(e){let t=O(e);if(t){if(!k(e,{widget:this.id,tab:C(),socketId:this.$socket.id}))return;t===`start`?this.begin(`remote`):this.recorder.end(`remote`)}else if(typeof e.payload==`string`&&A(e,{widget:this.id,tab:C()})){let t={finals:this.finals,interim:this.interim,lineCount:this.lineCount};Object.assign(this,j(t,e,this.transcriptLines))}},onDynamicProperties(e){let t=e.ui_update;if(!t||typeof t!=`object`)return;let n={};for(let e of U)e in t&&(n[e]=t[e]);Object.keys(n).length&&this.setDynamicProperties(n)}}},G=[`data-phase`,`data-error`],K=[`disabled`,`aria-pressed`,`aria-describedby`],q={class:`gradium-mic__icon`,viewBox:`0 0 24 24`,"aria-hidden":`true`,focusable:`false`},J={key:0,d:`M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23c.56-.98.9-2.09.9-3.28zm-4.02.17c0-.06.02-.11.02-.17V5c0-1.66-1.34-3-3-3S9 3.34 9 5v.18l5.98 5.99zM4.27 3 3 4.27l6.01 6.01V11c0 1.66 1.33 3 2.99 3 .22 0 .44-.03.65-.08l1.66 1.66c-.71.33-1.5.52-2.31.52-2.76 0-5.3-2.1-5.3-5.1H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c.91-.13 1.77-.45 2.54-.9L19.73 21 21 19.73 4.27 3z`},Y={key:1,d:`M12 14c1.66 0 2.99-1.34 2.99-3L15 5c0-1.66-1.34-3-3-3S9 3.34 9 5v6c0 1.66 1.34 3 3 3zm5.3-3c0 3-2.54 5.1-5.3 5.1S6.7 14 6.7 11H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c3.28-.48 6-3.3 6-6.72h-1.7z`},X={class:`gradium-mic__text`},Z={class:`gradium-mic__meter`,"aria-hidden":`true`},Q=[`id`,`role`],$={key:0,class:`gradium-mic__transcript`,"aria-live":`polite`},ee={key:0,class:`gradium-mic__interim`};function te(e,n,r,i,a,o){return(0,t.openBlock)(),(0,t.createElementBlock)(`div`,{class:(0,t.normalizeClass)([`gradium-mic`,`gradium-mic--`+a.phase]),"data-phase":a.phase,"data-error":a.error||void 0},[(0,t.createElementVNode)(`button`,{ref:`button`,type:`button`,class:`gradium-mic__button`,disabled:!o.enabled,"aria-pressed":o.mode===`toggle`?String(a.phase===`recording`):void 0,"aria-describedby":o.hintId,onPointerdown:n[0]||=(...e)=>o.onPointerDown&&o.onPointerDown(...e),onPointerup:n[1]||=(...e)=>o.onPointerUp&&o.onPointerUp(...e),onPointercancel:n[2]||=(...e)=>o.onPointerUp&&o.onPointerUp(...e),onLostpointercapture:n[3]||=(...e)=>o.onPointerUp&&o.onPointerUp(...e),onKeydown:n[4]||=(...e)=>o.onKeyDown&&o.onKeyDown(...e),onKeyup:n[5]||=(...e)=>o.onKeyUp&&o.onKeyUp(...e),onClick:n[6]||=(...e)=>o.onClick&&o.onClick(...e),onBlur:n[7]||=(...e)=>o.onBlur&&o.onBlur(...e),onContextmenu:n[8]||=(0,t.withModifiers)(()=>{},[`prevent`])},[((0,t.openBlock)(),(0,t.createElementBlock)(`svg`,q,[a.phase===`error`?((0,t.openBlock)(),(0,t.createElementBlock)(`path`,J)):((0,t.openBlock)(),(0,t.createElementBlock)(`path`,Y))])),(0,t.createElementVNode)(`span`,X,(0,t.toDisplayString)(o.buttonText),1),(0,t.createElementVNode)(`span`,Z,[(0,t.createElementVNode)(`span`,{class:`gradium-mic__level`,style:(0,t.normalizeStyle)({transform:`scaleX(`+a.level+`)`})},null,4)])],40,K),(0,t.createElementVNode)(`p`,{id:o.hintId,class:`gradium-mic__hint`,role:a.error?`alert`:`status`},(0,t.toDisplayString)(o.hintText),9,Q),o.transcriptLines>0&&(a.finals.length||a.interim)?((0,t.openBlock)(),(0,t.createElementBlock)(`div`,$,[((0,t.openBlock)(!0),(0,t.createElementBlock)(t.Fragment,null,(0,t.renderList)(a.finals,e=>((0,t.openBlock)(),(0,t.createElementBlock)(`p`,{key:e.n,class:`gradium-mic__final`},(0,t.toDisplayString)(e.text),1))),128)),a.interim?((0,t.openBlock)(),(0,t.createElementBlock)(`p`,ee,(0,t.toDisplayString)(a.interim),1)):(0,t.createCommentVNode)(``,!0)])):(0,t.createCommentVNode)(``,!0)],10,G)}e.UIGradiumMic=B(W,[[`render`,te],[`__scopeId`,`data-v-fe429c63`]])});