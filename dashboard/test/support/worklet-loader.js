'use strict';
/**
 * Loads ui/capture/mic-worklet.js, the file the browser runs, into a Node `vm` context with stand-ins for
 * the three globals an AudioWorkletGlobalScope provides: `sampleRate`, `AudioWorkletProcessor` (whose
 * `port` records what the processor posts) and `registerProcessor`.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const WORKLET_FILE = path.join(__dirname, '..', '..', 'ui', 'capture', 'mic-worklet.js');
const PROCESSOR_NAME = 'gradium-mic-capture';

class RecordingPort {
  constructor() {
    /** @type {{data: any, transfer: unknown[]}[]} */
    this.posted = [];
    /** @type {((event: {data: unknown}) => void) | null} */
    this.onmessage = null;
  }
  postMessage(data, transfer = []) {
    this.posted.push({ data, transfer });
  }
  /** What the main thread's port.postMessage would deliver. */
  deliver(data) {
    if (this.onmessage) this.onmessage({ data });
  }
}

/**
 * @param {number} sampleRate the AudioContext's rate the processor sees
 * @returns {{Processor: any, Resampler: any, Chunker: any, mixToMono: Function, names: string[]}}
 */
function loadWorklet(sampleRate) {
  const registered = new Map();
  class AudioWorkletProcessor {
    constructor() {
      this.port = new RecordingPort();
    }
  }
  const context = vm.createContext({
    sampleRate,
    AudioWorkletProcessor,
    registerProcessor(name, cls) {
      if (registered.has(name)) throw new Error(`registerProcessor: ${name} registered twice`);
      registered.set(name, cls);
    },
  });
  vm.runInContext(fs.readFileSync(WORKLET_FILE, 'utf8'), context, { filename: WORKLET_FILE });
  const Processor = registered.get(PROCESSOR_NAME);
  if (!Processor) throw new Error(`${WORKLET_FILE} registered no ${PROCESSOR_NAME}`);
  return {
    Processor,
    Resampler: Processor.Resampler,
    Chunker: Processor.Chunker,
    mixToMono: Processor.mixToMono,
    names: [...registered.keys()],
  };
}

module.exports = { loadWorklet, WORKLET_FILE, PROCESSOR_NAME };
