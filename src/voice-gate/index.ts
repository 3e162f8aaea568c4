/**
 * Public API of the voice gate: a local WebRTC VAD in front of Gradium, so that only speech (with a
 * pre-roll and a hang-over) is sent. Plain TypeScript: the stream layer creates one gate per stream.
 */
export { prepareVoiceGate, isVoiceGatePrepared, liveVadHandles, vadHeapBytes } from './webrtc-vad';
export { checkGateable, type GateableCheck } from './gateable-format';
export {
  VoiceGate,
  WARMUP_MS,
  DEFAULT_GATE_OPTIONS,
  type GateCounters,
  type GateEvent,
  type GateState,
  type GateStep,
  type VoiceGateOptions,
} from './voice-gate';
export { GATE_SPEC, GATE_SPEC_WHEN_MISSING, SEND_AUDIO_VALUES, type SendAudio } from './gate-settings';
