/**
 * Phone calls over media-stream WebSockets (Twilio Media Streams and the providers like it): the events
 * that come in, per call, and the events that go back. Plain TypeScript: the nodes translate.
 */
export { DIALECTS, PLAYABLE, unplayableReason, type Dialect } from './dialects';
export {
  MediaEventError,
  PHONE_ULAW,
  leadingEventName,
  looksLikeMediaEvent,
  parseInboundEvent,
  type CallAudioFormat,
  type InboundEvent,
} from './inbound-event';
export { InboundCall, InboundCalls, type CallInfo, type CallStep } from './inbound-calls';
export { OutboundCall, clearEvent, counterNames, type OutboundAudio, type OutboundEvent } from './outbound-call';
