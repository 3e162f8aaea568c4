/** The Wyoming server (Home Assistant Assist): framing with limits, events, requests mapped onto streams and speakers. */
export { parseAllowList, AllowListError, type AllowList } from './allow-list';
export { encodeEvent, EventReader, FramingError, MAX_BLOCK_BYTES, MAX_HEADER_BYTES, type WyomingEvent } from './framing';
export { baseLanguage, infoData, type AsrDescription, type TtsDescription, type VoiceDescription } from './info';
export type { WyomingClient } from './requests';
export { AttachError, ListenError, WyomingServer, type ServerCounters, type WyomingServerOptions } from './server';
export { COMMAND_CAP_MS, END_OF_COMMAND_MODES, SttBinding, type EndOfCommand, type SttBindingOptions } from './stt-binding';
export { TtsBinding, type TtsBindingOptions, type VoiceCatalogue } from './tts-binding';
