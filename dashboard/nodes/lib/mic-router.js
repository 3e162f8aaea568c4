// @ts-check
'use strict';
/**
 * Turns one checked browser action into the node's two outputs. No Node-RED in here: the node hands it
 * what Dashboard delivered and sends what comes back.
 *
 * Output 1 (into gradium-stt), nothing else ever:
 *   {topic, action: 'start', mic, _client}
 *   {topic, payload: <Buffer>, format: {encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le'}, mic, _client}
 *   {topic, action: 'stop' | 'flush', mic, _client}
 * Output 2 (events for UI logic):
 *   {topic, payload: 'start' | 'stop' | 'error', …details, mic, _client}
 * where mic = {tab, press, seq, widget}.
 */
const wire = require('../../shared/wire.json');
const { parseClientAction } = require('./client-action');
const { PressTracker } = require('./press-tracker');
const { Refusals } = require('./refusals');
const { streamKey } = require('./stream-key');

/** The format gradium-stt is told, whatever the browser claims. */
const FORMAT = Object.freeze({ encoding: 'pcm', sampleRate: wire.sampleRate, channels: 1, sampleFormat: 's16le' });
/** Slack past maxSeconds before the server ends a recording itself (the browser's own timer comes first). */
const CAP_SLACK_SECONDS = 1;

/** Plain-words text for the error codes a browser reports (output 2). */
const ERROR_TEXT = {
  insecure: 'The page is not served over HTTPS or from localhost, so the browser gives it no microphone.',
  blocked: 'The microphone is blocked for this page (permission denied).',
  'no-mic': 'The browser found no microphone.',
  busy: 'The microphone is in use by another application or could not be started.',
  unsupported: 'This browser cannot capture audio (no AudioWorklet).',
  'no-gesture': 'A remote start needs one tap on the page first (browsers only start audio after a user gesture).',
  failed: 'The microphone could not be started.',
};

/**
 * @typedef {import('./mic-settings').MicSettings} MicSettings
 * @typedef {import('./client-action').ClientAction} ClientAction
 * @typedef {Record<string, unknown>} Msg
 */

class MicRouter {
  /**
   * @param {{widgetId: string, settings: () => MicSettings, warn: (text: string) => void,
   *   now?: () => number}} options
   */
  constructor(options) {
    this.widgetId = options.widgetId;
    this.settings = options.settings;
    this.warn = options.warn;
    this.refusals = new Refusals(options.warn);
    // A recording tab sends every 80 ms: 15 s of silence means it is gone (closed, offline).
    this.presses = new PressTracker({ now: options.now, staleMs: 15_000 });
    this.fallbackWarned = false;
    this.gapsWarned = false;
  }

  /**
   * @param {unknown} msg a widget-action as Dashboard hands it over (_client added, topic cleared)
   * @returns {[Msg | null, Msg | null] | null} the messages for outputs 1 and 2, or null for nothing
   */
  route(msg) {
    const parsed = parseClientAction(msg);
    if (!parsed.ok) {
      this.refusals.add(parsed.reason, parsed.detail);
      return null;
    }
    const client = /** @type {Msg} */ (msg)._client;
    const a = parsed.action;
    switch (a.event) {
      case 'start':
        return this.start(a, client);
      case 'audio':
        return this.audio(a, client);
      case 'stop':
        return this.stop(a, client);
      default:
        return this.error(a, client);
    }
  }

  /** @param {ClientAction} a @param {unknown} client */
  keyFor(a, client) {
    const s = this.settings();
    const { key, fellBack } = streamKey(s.keyBy, s.keyPrefix, a.tab, client);
    if (fellBack && !this.fallbackWarned) {
      this.fallbackWarned = true;
      this.warn(
        s.keyBy === 'socket'
          ? 'Stream key "per socket" needs the socket id in msg._client: tick Include Client Data on the ui-base. Using the tab id meanwhile.'
          : 'Stream key "per user" needs a logged-in user in msg._client.user (an authentication plugin such as the FlowFuse user add-on). Using the tab id meanwhile.',
      );
    }
    return key;
  }

  /**
   * @param {ClientAction} a @param {unknown} client @param {Msg} fields
   * @returns {Msg}
   */
  message(a, client, fields) {
    /** @type {Msg} */
    const out = { ...fields, mic: { tab: a.tab, press: a.press, seq: a.seq, widget: this.widgetId } };
    if (client && typeof client === 'object') out._client = { ...client };
    return out;
  }

  /** @param {ClientAction} a @param {unknown} client @returns {[Msg | null, Msg | null] | null} */
  start(a, client) {
    if (this.presses.get(a.tab, a.press)) {
      this.refusals.add('out-of-order', `a second start for press ${a.press}`);
      return null;
    }
    const key = this.keyFor(a, client);
    const p = this.presses.open(a.tab, a.press, a.seq, key);
    this.presses.accept(p, a.seq);
    return [
      this.message(a, client, { topic: key, action: 'start' }),
      this.message(a, client, { topic: key, payload: 'start' }),
    ];
  }

  /** @param {ClientAction} a @param {unknown} client @returns {[Msg | null, Msg | null] | null} */
  audio(a, client) {
    const payload = /** @type {Buffer} */ (a.payload);
    const p = this.presses.get(a.tab, a.press) ?? this.presses.open(a.tab, a.press, a.seq, this.keyFor(a, client));
    if (!this.presses.accept(p, a.seq)) {
      this.refusals.add('out-of-order', `audio seq ${a.seq} after ${p.nextSeq - 1}`);
      return null;
    }
    this.warnGaps(p.gaps);
    if (p.state === 'capped') {
      this.refusals.add('past-max', `press ${a.press} was already ended by the server`);
      return null;
    }
    const samples = payload.length / 2;
    const limit = (this.settings().maxSeconds + CAP_SLACK_SECONDS) * wire.sampleRate;
    if (p.samples + samples > limit) {
      // The browser did not stop in time (or never will): end the recording here.
      this.presses.cap(p);
      this.refusals.add('past-max', `press ${a.press} went past ${this.settings().maxSeconds} s`);
      return [
        this.message(a, client, { topic: p.key, action: this.settings().onRelease }),
        this.message(a, client, { topic: p.key, payload: 'stop', reason: 'max', ...this.tally(p, undefined) }),
      ];
    }
    p.samples += samples;
    p.chunks += 1;
    return [this.message(a, client, { topic: p.key, payload, format: { ...FORMAT } }), null];
  }

  /** @param {ClientAction} a @param {unknown} client @returns {[Msg | null, Msg | null] | null} */
  stop(a, client) {
    const p = this.presses.get(a.tab, a.press);
    if (p && !this.presses.accept(p, a.seq)) {
      this.refusals.add('out-of-order', `stop seq ${a.seq} after ${p.nextSeq - 1}`);
      return null;
    }
    if (p) {
      this.warnGaps(p.gaps);
      this.presses.forget(p);
      if (p.state === 'capped') return null; // its end went out when the server capped it
    }
    const key = p ? p.key : this.keyFor(a, client);
    return [
      this.message(a, client, { topic: key, action: this.settings().onRelease }),
      this.message(a, client, { topic: key, payload: 'stop', reason: a.reason, ...this.tally(p, a.captured) }),
    ];
  }

  /** @param {ClientAction} a @param {unknown} client @returns {[Msg | null, Msg | null] | null} */
  error(a, client) {
    const code = /** @type {keyof typeof ERROR_TEXT} */ (a.code ?? 'failed');
    const key = this.presses.get(a.tab, a.press)?.key ?? this.keyFor(a, client);
    return [null, this.message(a, client, { topic: key, payload: 'error', error: { code, message: ERROR_TEXT[code] } })];
  }

  /**
   * What a recording amounted to, for the stop event.
   * @param {import('./press-tracker').Press | undefined} p @param {number | undefined} captured
   */
  tally(p, captured) {
    const samples = p ? p.samples : 0;
    /** @type {Msg} */
    const t = { samples, seconds: samples / wire.sampleRate, chunks: p ? p.chunks : 0, lostChunks: p ? p.gaps : 0 };
    if (captured !== undefined) t.captured = captured;
    return t;
  }

  /** @param {number} gaps */
  warnGaps(gaps) {
    if (gaps > 0 && !this.gapsWarned) {
      this.gapsWarned = true;
      this.warn('Audio chunks from a browser went missing on the way (sequence numbers skipped); counted in lostChunks of the stop event.');
    }
  }

  /** Recordings in progress. */
  get recording() {
    return this.presses.recording;
  }

  close() {
    this.presses.clear();
  }
}

module.exports = { MicRouter, FORMAT, ERROR_TEXT };
