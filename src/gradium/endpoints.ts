/**
 * Where a Gradium session connects. The global host routes to the nearest region; the regional hosts are
 * kept for keys provisioned there (docs/gradium-protocol.md, "Connection").
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

export const TTS_REGION_URLS: Record<Exclude<Region, 'custom'>, string> = {
  global: 'wss://api.gradium.ai/api/speech/tts',
  eu: 'wss://eu.api.gradium.ai/api/speech/tts',
  us: 'wss://us.api.gradium.ai/api/speech/tts',
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

const ASR_PATH = 'speech/asr';
const TTS_PATH = 'speech/tts';

/** The custom endpoint as a URL, refused unless it is wss:// (or ws:// to this machine). */
function customUrl(endpoint: string | undefined): URL {
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
  if (url.protocol === 'wss:') return url;
  if (url.protocol === 'ws:') {
    if (isLoopbackHost(url.hostname)) return url;
    throw new EndpointError(
      `Endpoint "${text}" uses ws:// to a non-loopback host; the API key would travel unencrypted. Use wss://.`,
    );
  }
  throw new EndpointError(`Endpoint "${text}" must start with wss:// (or ws:// for 127.0.0.1/localhost).`);
}

/**
 * What a custom URL names: Gradium's ASR or TTS route (`…/api/speech/asr|tts`), a base (`wss://host`,
 * `wss://host/prefix/api`) under which both live, or some other path (a proxy route used as given).
 */
type CustomTarget = { kind: 'route'; base: string } | { kind: 'base'; base: string } | { kind: 'other' };

function targetOf(url: URL): CustomTarget {
  const path = url.pathname.replace(/\/+$/, '');
  const route = /^(.*\/api)\/speech\/(asr|tts)$/.exec(path);
  if (route) return { kind: 'route', base: `${route[1]}/` };
  if (path === '') return { kind: 'base', base: '/api/' };
  if (path.endsWith('/api')) return { kind: 'base', base: `${path}/` };
  return { kind: 'other' };
}

function withPath(url: URL, pathname: string): string {
  const copy = new URL(url.toString());
  copy.pathname = pathname;
  return copy.toString();
}

/**
 * The ASR URL for a region, or for the validated custom endpoint. A custom endpoint may be the ASR URL,
 * the TTS URL or a base URL (then `…/api/speech/asr` is added); any other path is used as given. Plain
 * `ws://` is allowed only for loopback hosts (the emulator, tests): anything else would send the API key
 * in clear text.
 */
export function resolveEndpoint(region: string, endpoint: string | undefined): string {
  if (region === 'global' || region === 'eu' || region === 'us') return REGION_URLS[region];
  if (region !== 'custom') {
    throw new EndpointError(`Unknown region "${region}": use global, eu, us or custom.`);
  }
  const url = customUrl(endpoint);
  const target = targetOf(url);
  return target.kind === 'other' ? url.toString() : withPath(url, target.base + ASR_PATH);
}

/**
 * The TTS URL beside the ASR one (`…/api/speech/tts`): for a region, its host; for a custom endpoint given
 * as the ASR URL, the TTS URL or a base URL, the same host and prefix. A custom path that is none of these
 * cannot be mapped and is refused with a message saying what to give instead.
 */
export function resolveTtsEndpoint(region: string, endpoint: string | undefined): string {
  if (region === 'global' || region === 'eu' || region === 'us') return TTS_REGION_URLS[region];
  if (region !== 'custom') {
    throw new EndpointError(`Unknown region "${region}": use global, eu, us or custom.`);
  }
  const url = customUrl(endpoint);
  const target = targetOf(url);
  if (target.kind === 'other') {
    throw new EndpointError(
      `Cannot tell the text-to-speech URL from endpoint "${url.toString()}": give the speech-to-text URL (…/api/speech/asr) or a base URL such as wss://${url.host}.`,
    );
  }
  return withPath(url, target.base + TTS_PATH);
}

/** The HTTPS base (`…/api/`) of a WebSocket endpoint, for REST calls: the credits check, the voice list. */
export function httpBaseOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  const target = targetOf(url);
  url.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  url.pathname = target.kind === 'other' ? '/api/' : target.base;
  url.search = '';
  return url.toString();
}
