/**
 * Errors the speech layer reports, each with a stable string `code` that Node-RED copies to
 * `msg.error.code` for Catch nodes. Gradium's own close/error number, when there is one, is kept apart
 * in `gradiumCode` so it never takes the place of `code`.
 */
import type { GradiumError } from '../gradium/errors';
import { UnknownVoiceError } from '../gradium/tts-errors';

export type SpeechErrorCode =
  | 'KEY_REFUSED'
  | 'NO_CREDIT'
  | 'VOICE_UNKNOWN'
  | 'GRADIUM_REFUSED'
  | 'UNREACHABLE'
  | 'CONNECTION_LOST'
  | 'NOT_CONFIGURED'
  | 'BAD_INPUT'
  | 'SETTING_REFUSED'
  | 'QUEUE_FULL';

export class SpeechError extends Error {
  override readonly name = 'SpeechError';
  constructor(
    readonly code: SpeechErrorCode,
    message: string,
    readonly gradiumCode: number | null = null,
    /** Retrying the same request cannot help (a refused key, an unknown voice, a bad setting). */
    readonly permanent = true,
  ) {
    super(message);
  }
}

/**
 * A Gradium failure of a request, in the speech layer's terms. `audioLeft` says whether some of the
 * utterance's audio had already left when the connection was lost.
 */
export function speechErrorOf(err: GradiumError, audioLeft: boolean): SpeechError {
  if (err instanceof UnknownVoiceError) return new SpeechError('VOICE_UNKNOWN', err.message, err.code, true);
  switch (err.category) {
    case 'auth':
      return new SpeechError('KEY_REFUSED', err.message, err.code, true);
    case 'no-credit':
      return new SpeechError('NO_CREDIT', err.message, err.code, true);
    case 'config':
      return new SpeechError('GRADIUM_REFUSED', err.message, err.code, true);
    default: {
      const lost = err.kind === 'closed' || (err.kind === 'network' && /lost/.test(err.message)) || audioLeft;
      return new SpeechError(lost ? 'CONNECTION_LOST' : 'UNREACHABLE', err.message, err.code, false);
    }
  }
}
