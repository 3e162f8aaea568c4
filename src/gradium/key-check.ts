/**
 * Is a key good? Asks Gradium's credits endpoint (the cheapest authenticated call, docs/gradium-protocol.md "Connection")
 * and answers in words a user understands. The key goes only into the request header.
 */
import { httpBaseOf } from './endpoints';

export type KeyCheckResult = 'valid' | 'invalid' | 'no-credit' | 'unreachable';

export interface KeyCheckAnswer {
  result: KeyCheckResult;
  message: string;
}

export async function checkKey(wsUrl: string, apiKey: string, timeoutMs = 8000): Promise<KeyCheckAnswer> {
  const url = new URL('usages/credits', httpBaseOf(wsUrl)).toString();
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { 'x-api-key': apiKey, 'x-api-source': 'node-red' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return { result: 'unreachable', message: `Gradium could not be reached at ${new URL(url).host}.` };
  }
  if (res.status === 401 || res.status === 403) {
    return { result: 'invalid', message: 'Gradium refused this key (invalid, revoked or expired).' };
  }
  if (res.status === 402) return { result: 'no-credit', message: 'The key is valid but the account has no credit left.' };
  if (!res.ok) return { result: 'unreachable', message: `Gradium answered HTTP ${res.status}; try again later.` };
  const credits = remainingCredits(await res.json().catch(() => null));
  if (credits !== null && credits <= 0) {
    return { result: 'no-credit', message: 'The key is valid but the account has no credit left.' };
  }
  return {
    result: 'valid',
    message: credits === null ? 'The key is valid.' : `The key is valid (${credits} credits left).`,
  };
}

/** The credits body is not documented field by field: accept the shapes seen, else unknown (null). */
function remainingCredits(body: unknown): number | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  for (const k of ['remaining_credits', 'credits', 'remaining', 'balance']) {
    if (typeof b[k] === 'number') return b[k] as number;
  }
  return null;
}
