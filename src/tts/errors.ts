/**
 * Errors the speech layer reports, each with a stable string `code` (src/common/error-codes.ts) that
 * Node-RED copies to `msg.error.code` for Catch nodes. Gradium's own close or error number, when there is
 * one, is kept apart in `closeCode`.
 */
import { CodedError, type ErrorCode } from '../common/error-codes';
import type { GradiumError } from '../gradium/errors';

export class TtsError extends CodedError {
  override readonly name = 'TtsError';
  constructor(
    code: ErrorCode,
    message: string,
    readonly closeCode: number | null = null,
    /** Retrying the same request cannot help (a refused key, an unknown voice, a bad setting). */
    readonly permanent = true,
  ) {
    super(code, message);
  }
}

/** A Gradium failure of a request, in the speech layer's terms, with `detail` added to its message. */
export function ttsErrorOf(err: GradiumError, detail = ''): TtsError {
  return new TtsError(err.code, err.message + detail, err.closeCode, !err.retryable);
}
