// The globals of an AudioWorkletGlobalScope that ui/capture/mic-worklet.js uses (TypeScript's DOM library
// describes the main thread only).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}
declare function registerProcessor(name: string, processorCtor: new (options?: never) => AudioWorkletProcessor): void;
