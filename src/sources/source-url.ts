/**
 * `msg.source`: which URLs a message may make the node read, and how a URL is shown. A message can come from
 * outside (an HTTP endpoint, MQTT), so only the schemes the node allows (`sourceSchemes`) are opened, and a
 * URL's credentials (`rtsp://user:pass@camera/…`) never reach a status, log, error or output: every text that
 * could hold the URL goes through maskSecrets first.
 */
import { CodedError } from '../common/error-codes';
import { describeValue } from '../common/describe-value';

/** What `sourceSchemes` may list; `file` only when the user adds it. */
export const KNOWN_SCHEMES = ['rtsp', 'rtsps', 'http', 'https', 'file'] as const;
export type SourceScheme = (typeof KNOWN_SCHEMES)[number];
export const DEFAULT_SCHEMES = 'rtsp, rtsps, http, https';

export class SourceError extends CodedError {
  override readonly name = 'SourceError';
  constructor(message: string) {
    super('BAD_INPUT', message);
  }
}

export interface SourceUrl {
  scheme: SourceScheme;
  /** The URL as given, credentials included: only ever handed to the reader. */
  href: string;
  /** The URL with user and password replaced by `***`: the only form that is ever shown. */
  shown: string;
  /** The secret parts, raw and URL-decoded, for masking texts that may quote them. */
  secrets: string[];
}

/** `sourceSchemes` as saved ("rtsp, http") → the list; unknown names are refused by the setting's validation. */
export function parseSchemes(text: string): SourceScheme[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase().replace(/:$/, ''))
    .filter((s): s is SourceScheme => (KNOWN_SCHEMES as readonly string[]).includes(s));
}

/** Whether a `sourceSchemes` text names only known schemes (the setting's check). */
export function schemesTextIsValid(text: string): boolean {
  const names = text.split(/[\s,]+/).map((s) => s.trim().toLowerCase().replace(/:$/, '')).filter((s) => s !== '');
  return names.every((n) => (KNOWN_SCHEMES as readonly string[]).includes(n));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Replaces every secret in `text` (and anything shaped like `scheme://user:pass@`) by `***`. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  // Userinfo of any URL in the text, whatever it is.
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
}

/** The URL with its user and password masked, for when no parsed form is at hand. */
export function maskUrl(raw: string): string {
  return maskSecrets(raw);
}

/** Checks `msg.source` against the allowed schemes; the error names what came (masked) and what is accepted. */
export function parseSourceUrl(raw: unknown, allowed: readonly SourceScheme[]): SourceUrl {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new SourceError(`msg.source: got ${typeof raw === 'string' ? 'an empty string' : describeValue(raw)}; expected a URL such as rtsp://camera.local/stream.`);
  }
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SourceError(`msg.source: "${maskUrl(text)}" is not a URL; expected e.g. rtsp://camera.local/stream or https://example.com/radio.mp3.`);
  }
  const secrets = [url.password, url.username, safeDecode(url.password), safeDecode(url.username)].filter((s) => s.length > 0);
  // Longest first, so a password containing the user name is masked whole.
  secrets.sort((a, b) => b.length - a.length);
  const shownUrl = new URL(url.href);
  if (shownUrl.username) shownUrl.username = '***';
  if (shownUrl.password) shownUrl.password = '***';
  const shown = shownUrl.href;
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  if (!(allowed as readonly string[]).includes(scheme)) {
    throw new SourceError(
      `msg.source: the scheme "${scheme}:" of ${shown} is not allowed; this node reads ${allowed.length ? allowed.map((s) => `${s}:`).join(', ') : 'no URLs'} ` +
        '(setting sourceSchemes).',
    );
  }
  return { scheme: scheme as SourceScheme, href: url.href, shown, secrets };
}
