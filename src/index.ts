/** The plain TypeScript library under the Node-RED nodes, for programs and tests that want it directly. */
export * from './gradium/protocol';
export { GradiumSession, SessionState } from './gradium/session';
export { GradiumError } from './gradium/errors';
export { resolveEndpoint, REGION_URLS } from './gradium/endpoints';
export { TurnDetector } from './gradium/turn-detector';
export { StreamManager } from './streams/stream-manager';
export type * from './streams/events';
export { startEmulator } from './emulator';
