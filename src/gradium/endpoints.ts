/**
 * Where a Gradium session connects. The global host routes to the nearest region; the regional hosts are
 * kept for keys provisioned there (protocol reference §1).
 */
import { CodedError } from '../common/error-codes';

/** `global` routes to the nearest region; `custom` takes a URL (the emulator, a proxy). */
export const REGIONS = ['global', 'eu', 'us', 'custom'] as const;
export type Region = (typeof REGIONS)[number];

export const REGION_URLS: Record<Exclude<Region, 'custom'>, string> = {
  global: 'wss://api.gradium.ai/api/speech/asr',
  eu: 'wss://eu.api.gradium.ai/api/speech/asr',
  us: 'wss://us.api.gradium.ai/api/speech/asr',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

export class EndpointError extends CodedError {
  override readonly name = 'EndpointError';
  constructor(message: string) {
    super('BAD_ENDPOINT', message);
  }
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The URL for a region, or the validated custom endpoint. Plain `ws://` is allowed only for loopback
 * hosts (the emulator, tests): anything else would send the API key in clear text.
 */
export function resolveEndpoint(region: string, endpoint: string | undefined): string {
  if (region === 'global' || region === 'eu' || region === 'us') return REGION_URLS[region];
  if (region !== 'custom') {
    throw new EndpointError(`Unknown region "${region}": use global, eu, us or custom.`);
  }
  const text = (endpoint ?? '').trim();
  if (!text) throw new EndpointError('Region is "custom" but no endpoint URL is set.');
  if (text.includes('${')) {
    // Node-RED replaces ${VAR} only when it is the whole value; inside a URL it would reach DNS as is.
    throw new EndpointError(`Endpoint "${text}" contains \${…}: use an environment variable for the whole URL, or none.`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EndpointError(`Endpoint "${text}" is not a valid URL; expected wss://host/api/speech/asr.`);
  }
  if (url.protocol === 'wss:') return url.toString();
  if (url.protocol === 'ws:') {
    if (isLoopbackHost(url.hostname)) return url.toString();
    throw new EndpointError(
      `Endpoint "${text}" uses ws:// to a non-loopback host; the API key would travel unencrypted. Use wss://.`,
    );
  }
  throw new EndpointError(`Endpoint "${text}" must start with wss:// (or ws:// for 127.0.0.1/localhost).`);
}

/** The HTTPS base of a WebSocket endpoint, for REST calls such as the credits check. */
export function httpBaseOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  url.pathname = '/api/';
  url.search = '';
  return url.toString();
}
