/**
 * The stable codes every error of these nodes carries as its own `code` property, so that a Catch node can
 * branch on `msg.error.code` (Node-RED copies an Error's own `code` there). The texts are for the README and
 * the help; the codes are an interface: never rename one.
 */
export const ERROR_CODES = {
  NOT_CONFIGURED: 'the node cannot run: no gradium-config node is selected, or a saved property is invalid',
  NO_KEY: 'no API key is set in the gradium-config node or in GRADIUM_API_KEY',
  BAD_ENDPOINT: 'the custom endpoint is not a valid wss:// URL (ws:// only for loopback hosts)',
  KEY_REFUSED: 'Gradium refused the API key',
  NO_CREDIT: 'the Gradium account has no credit left',
  SETTING_REFUSED: 'a setting was refused, by the node (msg.settings, a node property) or by Gradium',
  VOICE_UNKNOWN: 'Gradium does not know the voice',
  UNREACHABLE: 'Gradium could not be reached, or the connection failed and will not be retried',
  SERVER_ERROR: 'Gradium reported an error that retrying did not fix',
  BAD_INPUT: 'a message property was not understood (action, stream key, payload type, …)',
  BAD_AUDIO: 'the payload or msg.format could not be read as audio',
  BAD_TEXT: 'the text to speak is empty or not a string',
  STREAM_CAP: 'a new stream was refused because the node already runs its maximum number of streams',
  NO_STREAM: 'an action named a stream that is not open',
  NO_DECODER: 'the audio needs ffmpeg (MP3, M4A/AAC, FLAC, WebM, Ogg Vorbis, a URL source) and ffmpeg was not found at ffmpegPath',
  QUEUE_FULL: 'a text to speak was refused because its key already has the most utterances waiting',
  // Wyoming (Home Assistant Assist), src/wyoming
  BAD_EVENT: 'a Wyoming client sent an event that breaks the protocol or its limits (header, lengths, data block, fields)',
  LANGUAGE_UNSUPPORTED: 'a Wyoming client asked for a language the node does not accept',
  PORT_IN_USE: 'the wyoming-server could not listen: the port is in use or the address is not one of this machine',
  WYOMING_TAKEN: 'the wyoming-server already serves another gradium-stt (or gradium-tts); one of each per server',
  // Phone calls (media streams)
  BAD_MEDIA_EVENT: 'a phone media-stream event was not understood: not JSON, unknown event, no stream id, bad base64, media before start',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable code. Subclasses set their own code; the field is an own property on purpose. */
export class CodedError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
