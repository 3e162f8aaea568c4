// @ts-check
'use strict';
/**
 * What a browser may send, checked. Every `widget-action` of this widget is untrusted input: any page
 * visitor can emit anything on the dashboard's socket. The component sends
 *
 *   {micAction: {event: 'start', tab, press, seq}}
 *   {micAction: {event: 'audio', tab, press, seq}, payload: <ArrayBuffer, arrives as a Buffer>}
 *   {micAction: {event: 'stop',  tab, press, seq, reason, captured}}
 *   {micAction: {event: 'error', tab, press, seq, code}}
 *
 * and parseClientAction turns that into a typed action, or a refusal with a reason that is counted.
 */
const wire = require('../../shared/wire.json');

const EVENTS = ['start', 'audio', 'stop', 'error'];
/** Why a recording ended, as the browser reports it. */
const STOP_REASONS = ['release', 'click', 'max', 'remote', 'hidden', 'disabled', 'device'];
/** Errors the browser can report; the words shown to people live in the component and in the help. */
const ERROR_CODES = ['insecure', 'blocked', 'no-mic', 'busy', 'unsupported', 'no-gesture', 'failed'];
const ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${wire.maxIdLength}}$`);

/**
 * @typedef {{event: 'start' | 'audio' | 'stop' | 'error', tab: string, press: number, seq: number,
 *   payload?: Buffer, reason?: string, captured?: number, code?: string}} ClientAction
 * @typedef {'malformed' | 'not-buffer' | 'odd-length' | 'too-large' | 'empty'} RefusalReason
 * @typedef {{ok: true, action: ClientAction} | {ok: false, reason: RefusalReason, detail: string}} Parsed
 */

/** @param {unknown} v */
const isCount = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * @param {RefusalReason} reason @param {string} detail
 * @returns {Parsed}
 */
const refuse = (reason, detail) => ({ ok: false, reason, detail });

/** @param {unknown} v */
function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}

/**
 * @param {unknown} msg what Dashboard hands the node for a widget-action (with _client and topic added)
 * @returns {Parsed}
 */
function parseClientAction(msg) {
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return refuse('malformed', `got ${kindOf(msg)}; expected an object with micAction`);
  }
  const m = /** @type {Record<string, unknown>} */ (msg);
  const a = m.micAction;
  if (a === null || typeof a !== 'object' || Array.isArray(a)) {
    return refuse('malformed', `micAction: got ${kindOf(a)}; expected an object`);
  }
  const { event, tab, press, seq } = /** @type {Record<string, unknown>} */ (a);
  if (typeof event !== 'string' || !EVENTS.includes(event)) {
    return refuse('malformed', `micAction.event: got ${JSON.stringify(event)}; expected one of ${EVENTS.join(', ')}`);
  }
  if (typeof tab !== 'string' || !ID_PATTERN.test(tab)) {
    return refuse('malformed', `micAction.tab: expected 1–${wire.maxIdLength} letters, digits, - or _`);
  }
  if (!isCount(press) || !isCount(seq)) {
    return refuse('malformed', 'micAction.press and micAction.seq: expected integers ≥ 0');
  }
  /** @type {ClientAction} */
  const action = {
    event: /** @type {ClientAction['event']} */ (event),
    tab,
    press: /** @type {number} */ (press),
    seq: /** @type {number} */ (seq),
  };
  const extra = /** @type {Record<string, unknown>} */ (a);

  if (event === 'audio') {
    const p = m.payload;
    if (!Buffer.isBuffer(p)) return refuse('not-buffer', `payload: got ${kindOf(p)}; expected binary audio (a Buffer)`);
    if (p.length === 0) return refuse('empty', 'payload: an empty Buffer');
    if (p.length % 2 !== 0) return refuse('odd-length', `payload: ${p.length} bytes; 16-bit samples need an even number`);
    if (p.length > wire.maxPayloadBytes) {
      return refuse('too-large', `payload: ${p.length} bytes; at most ${wire.maxPayloadBytes} are accepted per chunk`);
    }
    action.payload = p;
  } else if (event === 'stop') {
    action.reason = typeof extra.reason === 'string' && STOP_REASONS.includes(extra.reason) ? extra.reason : 'release';
    if (isCount(extra.captured)) action.captured = /** @type {number} */ (extra.captured);
  } else if (event === 'error') {
    action.code = typeof extra.code === 'string' && ERROR_CODES.includes(extra.code) ? extra.code : 'failed';
  }
  return { ok: true, action };
}

module.exports = { parseClientAction, EVENTS, STOP_REASONS, ERROR_CODES, ID_PATTERN };
