// @ts-check
/**
 * What a message from the flow means to one widget in one tab: a start/stop command for it or not, a
 * transcript of its speech or not, and how a transcript changes the lines under the button. Pure
 * functions of the message and of who this widget is; Node runs this file as it is (test/logic).
 */

/** @typedef {{widget: string, tab: string, socketId: string | undefined}} Me this widget, in this tab, on this socket */
/** @typedef {{n: number, text: string}} Line one final transcript shown under the button */
/** @typedef {{finals: Line[], interim: string, lineCount: number}} Transcript */

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => !!v && typeof v === 'object';

/** A start or stop from the flow, or null when the message is not a command. @param {Record<string, unknown>} msg */
export function commandOf(msg) {
  return msg.action === 'start' || msg.action === 'stop' ? msg.action : null;
}

/**
 * A command for this tab (and this widget, when it says so): by tab id, else by socket, else for every tab.
 * @param {Record<string, unknown>} msg @param {Me} me
 */
export function addressedToMe(msg, me) {
  const mic = isObject(msg.mic) ? msg.mic : null;
  if (mic && typeof mic.widget === 'string' && mic.widget !== me.widget) return false;
  if (mic && typeof mic.tab === 'string') return mic.tab === me.tab;
  const client = isObject(msg._client) ? msg._client : null;
  if (client && typeof client.socketId === 'string') return client.socketId === me.socketId;
  return true;
}

/**
 * A transcript of this tab's speech (and this widget's, when it says so), or one with no origin.
 * @param {Record<string, unknown>} msg @param {Omit<Me, 'socketId'>} me
 */
export function spokenHere(msg, me) {
  const mic = msg.mic;
  if (!isObject(mic) || typeof mic.tab !== 'string') return true;
  return mic.tab === me.tab && (typeof mic.widget !== 'string' || mic.widget === me.widget);
}

/**
 * The lines after one transcript message: an interim one replaces the grey line; a final one clears it
 * and, when it has words, becomes the newest line, the oldest dropped beyond `keep` (at least one).
 * @param {Transcript} now @param {{payload: string, final?: unknown}} msg @param {number} keep
 * @returns {Transcript}
 */
export function nextTranscript(now, msg, keep) {
  if (msg.final === false) return { ...now, interim: msg.payload };
  if (!msg.payload) return { ...now, interim: '' };
  const lineCount = now.lineCount + 1;
  const finals = [...now.finals, { n: lineCount, text: msg.payload }].slice(-Math.max(1, keep));
  return { finals, interim: '', lineCount };
}
