'use strict';
/**
 * Times the frames of the library's TTS sockets, in the measuring process: each socket is named by the text of
 * its request (the first `text` frame it sends), and the callbacks hear of its setup leaving and of its audio and
 * end_of_stream frames arriving, so a child can pair them with the messages its flow sends out. Patches the
 * prototype of the `ws` module the library uses; call it before the library or Node-RED loads.
 */
const WebSocket = require('ws');

/**
 * @param {{
 *   onText?: (text: string, setupAt: number | undefined) => void,
 *   onFrame: (text: string, kind: 'audio' | 'end') => void,
 * }} hooks onText: once per socket, with when its setup left (performance.now()); onFrame: as a frame arrives
 *   (take the time there), for `audio` and `end_of_stream` frames only
 */
function probeTtsSockets({ onText, onFrame }) {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function benchSend(data, ...rest) {
    if (typeof data === 'string') {
      if (onText && this.__setupAt === undefined && data.startsWith('{"type":"setup"')) this.__setupAt = performance.now();
      if (this.__benchText === undefined && data.startsWith('{"type":"text"')) {
        this.__benchText = JSON.parse(data).text;
        onText?.(this.__benchText, this.__setupAt);
      }
    }
    return send.call(this, data, ...rest);
  };
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function benchEmit(event, data) {
    if (event === 'message' && this.__benchText !== undefined && Buffer.isBuffer(data)) {
      // {"type":"audio"... and {"type":"end_of_stream"...: bytes 9.. name the type, without parsing the frame.
      const kind = data[9] === 97 && data[10] === 117 ? 'audio' : data[9] === 101 && data[10] === 110 ? 'end' : null;
      if (kind) onFrame(this.__benchText, kind);
    }
    return emit.apply(this, arguments);
  };
}

module.exports = { probeTtsSockets };
