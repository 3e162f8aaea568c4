// @ts-check
/**
 * Which browser tab is speaking, and which of its recordings. The tab id lives in the tab's session
 * storage: it survives socket.io reconnects and reloads of that tab (so a stream keyed by it does not
 * split), and every other tab gets its own. One per page, shared by every microphone widget on it.
 *
 * Browsers copy session storage into a duplicated tab, so a new page asks the other tabs of this
 * dashboard, once, whether its id is taken, and takes a fresh one if so.
 */

import wire from '../../shared/wire.json';

const TAB_KEY = 'gradium-mic-tab';
/** What the node accepts as a tab id (nodes/lib/client-action.js). */
const TAB_ID = new RegExp(`^[A-Za-z0-9_-]{1,${wire.maxIdLength}}$`);
const PRESS_KEY = 'gradium-mic-press';
const CHANNEL = 'gradium-mic-tabs';
/** Replies to the "is my id taken?" question are only believed this long after the page loaded. */
const CLAIM_WINDOW_MS = 2000;

/** @type {Map<string, string>} used when session storage is unavailable (privacy modes) */
const memory = new Map();

/** @param {string} key */
function read(key) {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}

/** @param {string} key @param {string} value */
function write(key, value) {
  try {
    window.sessionStorage.setItem(key, value);
  } catch {
    memory.set(key, value);
  }
}

/** A random id; crypto.randomUUID exists only in secure contexts, getRandomValues everywhere. */
function freshId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** @returns {string} */
export function tabId() {
  let id = read(TAB_KEY);
  if (!id || !TAB_ID.test(id)) {
    id = freshId();
    write(TAB_KEY, id);
  }
  return id;
}

/** The next recording's number in this tab (1, 2, …; kept across reloads like the tab id). */
export function nextPress() {
  const n = (Number(read(PRESS_KEY)) || 0) + 1;
  write(PRESS_KEY, String(n));
  return n;
}

let claimed = false;

/** Asks the other tabs once whether this tab's id is theirs too (a duplicated tab); renews it if so. */
export function claimTabId() {
  if (claimed || typeof BroadcastChannel !== 'function') return;
  claimed = true;
  const channel = new BroadcastChannel(CHANNEL);
  const loadedAt = Date.now();
  channel.onmessage = (event) => {
    const data = event.data;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'hello' && data.id === tabId()) {
      channel.postMessage({ type: 'taken', id: data.id });
    } else if (data.type === 'taken' && data.id === tabId() && Date.now() - loadedAt < CLAIM_WINDOW_MS) {
      write(TAB_KEY, freshId());
      write(PRESS_KEY, '0');
    }
  };
  channel.postMessage({ type: 'hello', id: tabId() });
}
