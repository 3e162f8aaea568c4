/**
 * Everything that can end a Gradium session abnormally, as one typed error. `kind` says where it came from;
 * `category` what the user has to do about it (and whether reconnecting can help); `code` is the stable
 * string a Catch node branches on; `closeCode` the WebSocket close code, HTTP status or error-frame code.
 */
import { CodedError, type ErrorCode } from '../common/error-codes';

export type GradiumErrorKind =
  /** The HTTP upgrade was refused (status in `closeCode`). */
  | 'http'
  /** The server sent an `error` frame (`closeCode` 1008 or 1011). */
  | 'server'
  /** The socket closed without end_of_stream (close code in `closeCode`). */
  | 'closed'
  /** No `ready` within the handshake timeout. */
  | 'timeout'
  /** The socket could not be opened (DNS, refused, TLS). */
  | 'network';

/** What the user has to do about it, which also drives the status text. */
export type GradiumErrorCategory = 'auth' | 'no-credit' | 'config' | 'transient';

function codeFor(kind: GradiumErrorKind, category: GradiumErrorCategory): ErrorCode {
  if (category === 'auth') return 'KEY_REFUSED';
  if (category === 'no-credit') return 'NO_CREDIT';
  if (category === 'config') return 'SETTING_REFUSED';
  return kind === 'server' ? 'SERVER_ERROR' : 'UNREACHABLE';
}

export class GradiumError extends CodedError {
  override readonly name = 'GradiumError';
  constructor(
    readonly kind: GradiumErrorKind,
    message: string,
    readonly closeCode: number | null,
    readonly category: GradiumErrorCategory,
    /** Only where the category alone does not say it (no key, a bad endpoint, an unknown voice). */
    code?: ErrorCode,
  ) {
    super(code ?? codeFor(kind, category), message);
  }

  get retryable(): boolean {
    return this.category === 'transient';
  }
}

const CONFIG_HINTS = /language|delay|input_format|format|keyword|json_config|config|setup|model|parsing|invalid/i;
const CREDIT_HINTS = /credit|quota|balance|payment/i;

/** Classify a Gradium `error` frame (docs/gradium-protocol.md, "Errors"). */
export function errorFromServerFrame(code: number, message: string): GradiumError {
  let category: GradiumErrorCategory = 'transient';
  if (CREDIT_HINTS.test(message)) category = 'no-credit';
  else if (code === 1008 && /key|token|auth|revoked|expired|unauthori[sz]ed|forbidden/i.test(message)) category = 'auth';
  else if (code === 1008) category = 'config';
  else if (code === 1011 && CONFIG_HINTS.test(message)) category = 'config';
  return new GradiumError('server', `Gradium error ${code}: ${message}`, code, category);
}

export function errorFromHttpStatus(status: number): GradiumError {
  const category: GradiumErrorCategory =
    status === 401 || status === 403 ? 'auth' : status === 402 ? 'no-credit' : 'transient';
  const what =
    category === 'auth' ? 'the API key was refused' : category === 'no-credit' ? 'no credit left' : 'server unavailable';
  return new GradiumError('http', `Gradium refused the connection with HTTP ${status} (${what}).`, status, category);
}

export function errorFromClose(code: number, reason: string): GradiumError {
  const detail = reason ? `: ${reason}` : '';
  // 1008 on close without an error frame is still a policy refusal (key or setup); retrying cannot help.
  const category: GradiumErrorCategory = code === 1008 ? 'auth' : 'transient';
  return new GradiumError('closed', `Gradium connection closed unexpectedly (code ${code}${detail}).`, code, category);
}
