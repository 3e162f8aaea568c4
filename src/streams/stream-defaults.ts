/**
 * The STT defaults, in one object that everything reads: the stream settings a new gradium-stt node starts
 * with (each declared once, with its default, in src/settings/stt-spec.ts) and the stream layer's own limits
 * and timings, which are not settings of the node. StreamManager, SpeechStream, the node and the tests start
 * from here; nothing else writes a default down again.
 */
import { SESSION_CAP_SECONDS } from '../gradium/protocol';
import { defaultsOf } from '../settings/spec';
import { STT_SPEC, type SttValues } from '../settings/stt-spec';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { StreamSettings } from './settings';

/** The names of the stream settings: the `live` properties of a gradium-stt node. */
const STREAM_SETTING_NAMES = (Object.keys(STT_SPEC) as (keyof typeof STT_SPEC)[]).filter(
  (name) => (STT_SPEC[name] as { live?: boolean }).live === true,
) as (keyof StreamSettings)[];

/** The stream settings among a node's validated properties (or any full set of gradium-stt values). */
export function streamSettingsOf(values: SttValues): StreamSettings {
  const out: Record<string, unknown> = {};
  for (const name of STREAM_SETTING_NAMES) out[name] = values[name];
  return out as StreamSettings;
}

export interface StreamDefaults {
  /** A new node's stream settings. */
  readonly settings: Readonly<StreamSettings>;
  /** Reconnect backoff after an unexpected close. */
  readonly backoff: Readonly<BackoffOptions>;
  /** Gradium's session cap (s); a stream rotates to a new session before it. */
  readonly sessionCapSeconds: number;
  /** From connect to `ready`, at most. */
  readonly handshakeTimeoutMs: number;
  /** Sent audio unacknowledged this long fails the session (retryable): a half-open socket, a stalled server. */
  readonly stallTimeoutMs: number;
  /** Socket bytes not yet written above which audio waits in the stream's queue. */
  readonly maxBufferedBytes: number;
}

export const STREAM_DEFAULTS: StreamDefaults = Object.freeze({
  settings: Object.freeze(streamSettingsOf(defaultsOf(STT_SPEC))),
  backoff: DEFAULT_BACKOFF,
  sessionCapSeconds: SESSION_CAP_SECONDS,
  handshakeTimeoutMs: 10_000,
  stallTimeoutMs: 10_000,
  maxBufferedBytes: 512 * 1024,
});
