// @ts-check
'use strict';
/**
 * One entry per recording ("press") a browser tab is making: its stream key, the next expected sequence
 * number, the samples forwarded, and whether the server has ended it. It is what lets the node refuse
 * replays, count lost chunks, and cap a recording that goes on past its maximum length whatever the
 * browser does.
 *
 *   start / first audio ──► recording ──── stop ────► (forgotten)
 *                              │                         ▲
 *                              └── past max length ──► capped ── audio: refused
 *
 * Entries of tabs that vanish mid-recording (closed, offline) are forgotten once idle for `staleMs`,
 * checked lazily on the injected clock; at most `maxEntries` are kept (the oldest go first).
 */

/** @typedef {'recording' | 'capped'} PressState */

/** @type {Record<PressState, readonly PressState[]>} */
const TRANSITIONS = { recording: ['capped'], capped: [] };

/**
 * @typedef {{id: string, key: string, tab: string, press: number, state: PressState, nextSeq: number,
 *   samples: number, chunks: number, gaps: number, lastSeen: number}} Press
 */

class PressTracker {
  /**
   * @param {{now?: () => number, staleMs?: number, maxEntries?: number}} [options]
   */
  constructor(options = {}) {
    this.now = options.now ?? Date.now;
    this.staleMs = options.staleMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
    /** @type {Map<string, Press>} */
    this.presses = new Map();
    this.lastSweep = this.now();
  }

  /** @param {string} tab @param {number} press */
  static id(tab, press) {
    return `${tab}#${press}`;
  }

  /** @param {Press} p @param {PressState} to */
  setState(p, to) {
    if (!TRANSITIONS[p.state].includes(to)) throw new Error(`press ${p.id}: ${p.state} → ${to} is not allowed`);
    p.state = to;
  }

  /** @param {string} tab @param {number} press */
  get(tab, press) {
    return this.presses.get(PressTracker.id(tab, press));
  }

  /**
   * A new recording (on `start`, or on audio for a press this node has not seen: the node was redeployed
   * while the tab was recording).
   * @param {string} tab @param {number} press @param {number} seq @param {string} key
   * @returns {Press}
   */
  open(tab, press, seq, key) {
    this.sweep();
    const id = PressTracker.id(tab, press);
    /** @type {Press} */
    const p = { id, key, tab, press, state: 'recording', nextSeq: seq, samples: 0, chunks: 0, gaps: 0, lastSeen: this.now() };
    this.presses.set(id, p);
    while (this.presses.size > this.maxEntries) {
      const oldest = this.presses.keys().next().value;
      if (oldest === undefined) break;
      this.presses.delete(oldest);
    }
    return p;
  }

  /**
   * Checks a message's sequence number against the press; counts skipped numbers as lost chunks.
   * @param {Press} p @param {number} seq
   * @returns {boolean} false for a number already seen (a replay or a reordered message)
   */
  accept(p, seq) {
    if (seq < p.nextSeq) return false;
    if (seq > p.nextSeq) p.gaps += seq - p.nextSeq;
    p.nextSeq = seq + 1;
    p.lastSeen = this.now();
    return true;
  }

  /** @param {Press} p */
  cap(p) {
    this.setState(p, 'capped');
  }

  /** @param {Press} p */
  forget(p) {
    this.presses.delete(p.id);
  }

  /** Recordings in progress (capped ones are over). */
  get recording() {
    let n = 0;
    for (const p of this.presses.values()) if (p.state === 'recording') n++;
    return n;
  }

  /** Forgets entries idle for longer than staleMs; runs at most once a second. */
  sweep() {
    const now = this.now();
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [id, p] of this.presses) if (now - p.lastSeen > this.staleMs) this.presses.delete(id);
  }

  clear() {
    this.presses.clear();
  }
}

module.exports = { PressTracker, TRANSITIONS };
