// @ts-check
'use strict';
/**
 * The stream key (msg.topic for gradium-stt) of a recording. Decided on the server: Dashboard overwrites
 * any topic a browser sends, and a key chosen by the browser alone could name someone else's stream.
 *
 * - tab:    the browser tab's id (kept in the tab's session storage, so a socket reconnect or a reload
 *           keeps the stream);
 * - socket: the socket.io connection id Dashboard puts in msg._client (changes at every reconnect);
 * - user:   the logged-in user an authentication plugin puts in msg._client.user.
 * When the chosen id is missing (Include Client Data off, no auth plugin) the tab id is used instead and
 * the caller warns once.
 */

/** @param {unknown} v */
const usable = (v) => (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

/**
 * @param {unknown} client msg._client as Dashboard (and auth plugins) set it
 * @returns {string | undefined}
 */
function userOf(client) {
  if (!client || typeof client !== 'object') return undefined;
  const user = /** @type {Record<string, unknown>} */ (client).user;
  if (!user || typeof user !== 'object') return undefined;
  const u = /** @type {Record<string, unknown>} */ (user);
  for (const field of ['username', 'userId', 'email', 'name']) if (usable(u[field])) return String(u[field]);
  return undefined;
}

/** @param {unknown} client */
function socketOf(client) {
  if (!client || typeof client !== 'object') return undefined;
  const id = /** @type {Record<string, unknown>} */ (client).socketId;
  return usable(id) ? String(id) : undefined;
}

/**
 * @param {string} keyBy 'tab' | 'socket' | 'user'
 * @param {string} prefix
 * @param {string} tab the tab id from the browser (already checked)
 * @param {unknown} client msg._client
 * @returns {{key: string, fellBack: boolean}}
 */
function streamKey(keyBy, prefix, tab, client) {
  if (keyBy === 'socket' || keyBy === 'user') {
    const id = keyBy === 'socket' ? socketOf(client) : userOf(client);
    if (id !== undefined) return { key: prefix + id, fellBack: false };
    return { key: prefix + tab, fellBack: true };
  }
  return { key: prefix + tab, fellBack: false };
}

module.exports = { streamKey, userOf, socketOf };
