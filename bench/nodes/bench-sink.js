'use strict';
/** A downstream node that only completes each message; the bench runner listens to its input. */
module.exports = function register(RED) {
  function BenchSink(config) {
    RED.nodes.createNode(this, config);
    this.on('input', (_msg, _send, done) => done());
  }
  RED.nodes.registerType('bench-sink', BenchSink);
};
