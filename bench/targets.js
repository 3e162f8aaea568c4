'use strict';
/**
 * What the Node-RED runner (nodered-child.js) can put under load: for each target, the flow to deploy
 * (the node under test and its sinks), the id of the node audio is injected into, and the sinks the
 * runner listens to. A new scenario is a target here and a line in run.js's SCENARIOS.
 *
 * `sessions`: the target opens Gradium sessions (the runner stops them and waits for `disc`); `sends`: what
 * goes on the wire, an audio message per 80 ms frame ('frames'), per input chunk ('chunks'), or nothing;
 * `message(key, chunk, k)` (optional): the msg injected for stream `key`'s k-th chunk, when it is not
 * `{ topic: key, payload: chunk }` (a node whose input is not audio).
 * Sinks: `disc` receives one msg per ended session (the runner waits for them after `action: stop`),
 * `tx` receives transcripts (text → msg latency), `conn` connected messages.
 */

/** The gradium-stt node as the benchmark has always configured it; `overrides` changes single settings. */
function sttFlow(url, overrides = {}) {
  return [
    // No credential: the config node falls back to GRADIUM_API_KEY, set by the runner for its process only.
    { id: 'cfg', type: 'gradium-config', name: 'emulator', region: 'custom', endpoint: url },
    {
      id: 'input', type: 'gradium-stt', z: 'tab', gradium: 'cfg', name: '', keyProperty: 'topic', maxStreams: 2000,
      encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le', language: 'en', delayInFrames: 10,
      model: 'default', jsonConfig: '', turnMode: 'vad', vadHorizon: 2, vadThreshold: 0.7, vadSteps: 3,
      flushTimeout: 2000, finalGrace: 100, idleTimeout: 3000, interim: true, bufferSeconds: 10,
      ...overrides,
      wires: [['conn'], ['disc'], ['tx']],
    },
    { id: 'conn', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'disc', type: 'bench-sink', z: 'tab', wires: [] },
    { id: 'tx', type: 'bench-sink', z: 'tab', wires: [] },
  ];
}

/**
 * The gradium-stt settings a scenario may give. `sendAudio` set: the node has the voice gate's properties
 * (speech: gated; always: everything sent), as a node saved now; unset: as a node saved before the gate
 * (everything sent).
 */
function sttOptions({ sendAudio, idleTimeout } = {}) {
  return {
    ...(sendAudio ? { sendAudio, gateAggressiveness: 2, gatePreRoll: 500, gateHangover: 800 } : {}),
    ...(idleTimeout !== undefined ? { idleTimeout } : {}),
  };
}

const TARGETS = {
  /** The node this project ships. */
  stt: { label: 'gradium-stt', flow: (url, options) => sttFlow(url, sttOptions(options)), sessions: true, sends: 'frames' },
  /** One socket per topic, each chunk forwarded as base64 `audio`, nothing parsed (bench/nodes/bench-floor.js). */
  floor: {
    label: 'floor node',
    flow: (url) => [
      { id: 'input', type: 'bench-floor', z: 'tab', url, wires: [['disc']] },
      { id: 'disc', type: 'bench-sink', z: 'tab', wires: [] },
    ],
    sessions: true,
    sends: 'chunks',
  },
  /** The same injection into a node that only completes each message: what the runner itself costs. */
  drop: { label: 'drop', flow: () => [{ id: 'input', type: 'bench-sink', z: 'tab', wires: [] }], sessions: false, sends: 'none' },
};

/** The flow of `target`; `options` are the node settings a scenario gives (see sttOptions). */
function flowOf(target, url, options = {}) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown bench target "${target}" (known: ${Object.keys(TARGETS).join(', ')})`);
  return [{ id: 'tab', type: 'tab', label: `bench ${target}` }, ...t.flow(url, options)];
}

module.exports = { TARGETS, flowOf, sttFlow };
