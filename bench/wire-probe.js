'use strict';
/**
 * Timestamps on the node's own sockets, for the bench runner only: it wraps ws's WebSocket send and emit
 * (the same `ws` module instance the node's code loads) to see when an audio frame goes on the wire and
 * when a `text` frame arrives. Each socket learns its stream key from the first audio frame it sends while
 * the runner is inside node.receive() for that key.
 */
const WebSocket = require('ws');

const AUDIO_PREFIX = '{"type":"audio"';
/** `{"type":"text","text":"` : the word starts here in the emulator's JSON.stringify output. */
const TEXT_WORD_AT = 23;

const probe = {
  /** Stream key whose node.receive() is on the stack, or null. */
  currentKey: null,
  measuring: false,
  audioSends: 0,
  /** Audio frames sent while measuring from outside node.receive() (queued, pumped later). */
  deferredSends: 0,
  /** ms from node.receive() of the message that completed a frame to that frame's ws.send(). */
  wireLatency: [],
  /** ms from a `text` frame's 'message' event to the interim transcript msg reaching the sink. */
  textLatency: [],
  textFrames: 0,
  unmatchedText: 0,
  /** key -> receive timestamps of frame-completing messages (FIFO). */
  completing: new Map(),
  /** key -> [{word, t}] text frames waiting for their transcript msg (FIFO). */
  texts: new Map(),
};

function install() {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function benchSend(data, ...rest) {
    if (typeof data === 'string' && data.startsWith(AUDIO_PREFIX)) {
      probe.audioSends++;
      const inReceive = probe.currentKey !== null;
      if (this.__benchKey === undefined && inReceive) this.__benchKey = probe.currentKey;
      if (probe.measuring) {
        if (!inReceive || probe.currentKey !== this.__benchKey) probe.deferredSends++;
        const q = probe.completing.get(this.__benchKey);
        if (q && q.length > 0) probe.wireLatency.push(performance.now() - q.shift());
      }
    }
    return send.call(this, data, ...rest);
  };
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function benchEmit(event, data, isBinary) {
    // "{"type":"tex..." : bytes 9..11 are t, e, x only for text frames (step, end_text, ready, flushed differ).
    if (event === 'message' && probe.measuring && !isBinary && this.__benchKey !== undefined && Buffer.isBuffer(data) &&
        data[9] === 116 && data[10] === 101 && data[11] === 120) {
      const t = performance.now();
      probe.textFrames++;
      const word = data.toString('utf8', TEXT_WORD_AT, data.indexOf(34, TEXT_WORD_AT));
      let q = probe.texts.get(this.__benchKey);
      if (!q) probe.texts.set(this.__benchKey, (q = []));
      q.push({ word, t });
    }
    return emit.apply(this, arguments);
  };
}

/** At the sink: an interim transcript for `key` whose last word is `word`. */
function transcriptOut(key, word) {
  const q = probe.texts.get(key);
  if (!q) return;
  while (q.length > 0) {
    const e = q.shift();
    if (e.word === word) {
      probe.textLatency.push(performance.now() - e.t);
      return;
    }
    probe.unmatchedText++; // a word that produced no interim (it belonged to a turn already being finalised)
  }
}

function frameCompleting(key, t) {
  let q = probe.completing.get(key);
  if (!q) probe.completing.set(key, (q = []));
  q.push(t);
}

module.exports = { probe, install, transcriptOut, frameCompleting };
