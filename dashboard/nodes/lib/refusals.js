// @ts-check
'use strict';
/**
 * Browser messages the node refused: counted per reason, and warned about once per reason (a broken or
 * hostile page can send thousands a second; one warning says what and why, the count goes on in the
 * node status and in `counts`).
 */

const WHY = {
  malformed: 'not a message this widget sends',
  'not-buffer': 'audio that is not binary',
  'odd-length': 'audio of an odd number of bytes',
  'too-large': 'an audio chunk over the size limit',
  empty: 'an empty audio chunk',
  'out-of-order': 'a message repeated or out of order',
  'past-max': 'audio past the maximum recording length',
};

/** @typedef {keyof typeof WHY} Reason */

class Refusals {
  /** @param {(text: string) => void} warn */
  constructor(warn) {
    this.warn = warn;
    /** @type {Partial<Record<Reason, number>>} */
    this.counts = {};
    this.total = 0;
  }

  /**
   * @param {Reason} reason
   * @param {string} detail what exactly came, e.g. "payload: 2561 bytes; 16-bit samples need an even number"
   */
  add(reason, detail) {
    const n = (this.counts[reason] ?? 0) + 1;
    this.counts[reason] = n;
    this.total += 1;
    if (n === 1) {
      this.warn(
        `Refused a browser message: ${WHY[reason]} (${detail}). Further refusals of this kind are only counted (node status).`,
      );
    }
  }
}

module.exports = { Refusals, WHY };
