'use strict';
/**
 * The floor node: the least a Node-RED node can do to stream audio to Gradium. One socket per msg.topic,
 * a setup when it opens, then every input chunk forwarded at once as a base64 `audio` message; server
 * messages are counted, never parsed. `action: "stop"` sends end_of_stream; when a socket closes, one msg
 * leaves on the output so the bench knows the stream is over. The API key comes from GRADIUM_API_KEY.
 */
const WebSocket = require('ws');

module.exports = function register(RED) {
  function BenchFloor(config) {
    RED.nodes.createNode(this, config);
    const setup = JSON.stringify({ type: 'setup', model_name: 'default', input_format: 'pcm_16000', json_config: { language: 'en' } });
    /** topic -> {ws, waiting: string[] | null} (waiting: audio sent before the socket opened). */
    const streams = new Map();
    this.serverMessages = 0;

    const open = (topic) => {
      const ws = new WebSocket(config.url, { headers: { 'x-api-key': process.env.GRADIUM_API_KEY }, perMessageDeflate: false });
      const s = { ws, waiting: [] };
      ws.on('open', () => {
        ws.send(setup);
        for (const m of s.waiting) ws.send(m);
        s.waiting = null;
      });
      ws.on('message', () => this.serverMessages++);
      ws.on('error', (err) => this.warn(`${topic}: ${err.message}`));
      ws.on('close', () => {
        if (streams.get(topic) === s) streams.delete(topic);
        this.send({ topic, payload: 'closed' });
      });
      streams.set(topic, s);
      return s;
    };

    function send(s, m) {
      if (s.waiting) s.waiting.push(m);
      else if (s.ws.readyState === WebSocket.OPEN) s.ws.send(m);
    }

    this.on('input', (msg, _send, done) => {
      const topic = msg.topic;
      let s = streams.get(topic);
      if (msg.action === 'stop') {
        if (s) send(s, '{"type":"end_of_stream"}');
        done();
        return;
      }
      if (!s) s = open(topic);
      send(s, '{"type":"audio","audio":"' + msg.payload.toString('base64') + '"}');
      done();
    });

    this.on('close', (done) => {
      for (const s of streams.values()) s.ws.terminate();
      streams.clear();
      done();
    });
  }
  RED.nodes.registerType('bench-floor', BenchFloor);
};
