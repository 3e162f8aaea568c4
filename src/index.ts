/** The plain TypeScript library under the Node-RED nodes, for programs and tests that want it directly. */
export * from './gradium/protocol';
export { GradiumSession, SessionState } from './gradium/session';
export { GradiumError } from './gradium/errors';
export { resolveEndpoint, resolveTtsEndpoint, REGION_URLS, TTS_REGION_URLS } from './gradium/endpoints';
export * from './gradium/tts-protocol';
export { TtsSession, TtsSessionState } from './gradium/tts-session';
export { listVoices, type Voice } from './gradium/voices';
export { wavFile, wavHeader } from './audio/wav-writer';
export { TtsManager } from './tts/tts-manager';
export type * from './tts/types';
export { TurnDetector } from './gradium/turn-detector';
export { StreamManager, type StreamManagerOptions } from './streams/stream-manager';
// Each key's audio follows its sendAudio setting; the voice gate needs its detector loaded first (else all is sent).
export { STREAM_DEFAULTS } from './streams/stream-defaults';
export { prepareAudio } from './audio';
export { prepareVoiceGate } from './voice-gate';
export type * from './streams/events';
export { startEmulator } from './emulator';
