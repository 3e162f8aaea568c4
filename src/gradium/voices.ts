/**
 * Gradium's voice catalogue and the account's own (cloned) voices, read through the REST API
 * (`GET /api/voices/?include_catalog=true`, docs/gradium-tts-protocol.md, "Voices"). The key goes only into the
 * request header; answers are in words a user understands, as for the key check.
 */
import { httpBaseOf } from './endpoints';

export interface Voice {
  /** The `voice_id` to synthesise with. */
  id: string;
  name: string;
  /** `en`, `fr`, … when Gradium says; '' otherwise. */
  language: string;
  gender: string;
  description: string;
  /** The account's own voice (a clone), not the public catalogue. */
  custom: boolean;
}

export type VoiceListAnswer =
  | { result: 'ok'; voices: Voice[] }
  | { result: 'invalid' | 'no-credit' | 'unreachable'; message: string };

/** Far more than the catalogue holds; a bound on what an answer may make us keep. */
const MAX_VOICES = 5000;

export async function listVoices(wsUrl: string, apiKey: string, timeoutMs = 8000): Promise<VoiceListAnswer> {
  const url = new URL('voices/', httpBaseOf(wsUrl));
  url.searchParams.set('include_catalog', 'true');
  url.searchParams.set('limit', '1000');
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { 'x-api-key': apiKey, 'x-api-source': 'node-red' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return { result: 'unreachable', message: `Gradium could not be reached at ${url.host}.` };
  }
  if (res.status === 401 || res.status === 403) {
    return { result: 'invalid', message: 'Gradium refused this key (invalid, revoked or expired).' };
  }
  if (res.status === 402) return { result: 'no-credit', message: 'The key is valid but the account has no credit left.' };
  if (!res.ok) return { result: 'unreachable', message: `Gradium answered HTTP ${res.status} to the voice list; try again later.` };
  const body: unknown = await res.json().catch(() => undefined);
  const voices = parseVoices(body);
  if (!voices) return { result: 'unreachable', message: 'Gradium answered the voice list with something that is not a list of voices.' };
  return { result: 'ok', voices };
}

/** The list in the shapes seen (a bare array, or one under `voices`/`items`/`results`), sorted for a picker. */
export function parseVoices(body: unknown): Voice[] | undefined {
  const list = Array.isArray(body) ? body : listInside(body);
  if (!list) return undefined;
  const out: Voice[] = [];
  for (const item of list.slice(0, MAX_VOICES)) {
    if (!item || typeof item !== 'object') continue;
    const v = item as Record<string, unknown>;
    const id = text(v.uid) || text(v.voice_id) || text(v.id);
    if (!id) continue;
    out.push({
      id,
      name: text(v.name) || id,
      language: text(v.language),
      gender: text(v.gender),
      description: text(v.description).slice(0, 200),
      custom: v.is_catalog === false,
    });
  }
  return out.sort(
    (a, b) => Number(a.custom) - Number(b.custom) || a.language.localeCompare(b.language) || a.name.localeCompare(b.name),
  );
}

function listInside(body: unknown): unknown[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  for (const k of ['voices', 'items', 'results', 'data']) if (Array.isArray(b[k])) return b[k] as unknown[];
  return undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim().slice(0, 120) : '';
}
