'use strict';
/**
 * `npm run bench:memory`: is memory flat across many sessions in a real Node-RED? One stream through an
 * embedded Node-RED runtime (no test helper, whose spies keep every message) into the emulator with 2 s
 * sessions, pushed faster than real time; heap after a full GC every 200 sessions. Needs --expose-gc.
 */
process.env.GRADIUM_API_KEY = 'bench-key';
const { startEmulator } = require('../dist/emulator');
const { startEmbeddedNodeRed } = require('./embedded-node-red');

const CAP_S = 2;
const SESSIONS = Number(process.env.MEMORY_SESSIONS) || 1000;

async function main() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  const emu = await startEmulator({ faults: { sessionCapSeconds: CAP_S }, recordMessages: false });
  // The emulator keeps every session it accepted: forget ended ones so only the node's memory is measured.
  emu.on('session-end', (s) => {
    const i = emu.sessions.indexOf(s);
    if (i >= 0) emu.sessions.splice(i, 1);
  });
  let sessions = 0;
  emu.on('session', () => sessions++);

  const { RED, stop } = await startEmbeddedNodeRed({
    flows: [
      { id: 'tab', type: 'tab', label: 'memory' },
      { id: 'cfg', type: 'gradium-config', region: 'custom', endpoint: emu.url },
      { id: 'stt', type: 'gradium-stt', z: 'tab', gradium: 'cfg', idleTimeout: 0, wires: [['sink'], ['sink'], ['sink']] },
      { id: 'sink', type: 'function', z: 'tab', func: 'return null;', wires: [] },
    ],
    waitForNode: 'sink',
    settings: { logging: { console: { level: 'error' } }, gradiumSttTesting: { sessionCapSeconds: CAP_S } },
  });
  const node = RED.nodes.getNode('stt');

  // 1 s of tone, 1 s of silence: a turn per second of audio.
  const rate = 16000;
  const loop = Buffer.alloc(rate * 2 * 2);
  for (let i = 0; i < rate; i++) loop.writeInt16LE(Math.round(Math.sin(i / 5) * 8000), i * 2);
  const chunk = 2560;
  let pushed = 0;
  const readings = [];
  const started = Date.now();
  for (let target = 200; target <= SESSIONS; target += 200) {
    while (sessions < target) {
      for (let k = 0; k < 12; k++) {
        const o = (pushed % (loop.length / chunk)) * chunk;
        node.receive({ topic: 'mic', payload: Buffer.from(loop.subarray(o, o + chunk)) });
        pushed++;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    global.gc();
    await new Promise((r) => setTimeout(r, 300));
    global.gc();
    const m = process.memoryUsage();
    readings.push({ sessions, heapMB: m.heapUsed / 1e6, rssMB: m.rss / 1e6 });
    console.log(`sessions ${String(sessions).padStart(5)}  audio ${((pushed * 80) / 60000).toFixed(1)} min  heap ${(m.heapUsed / 1e6).toFixed(2)} MB  rss ${(m.rss / 1e6).toFixed(1)} MB`);
  }
  const first = readings[0];
  const last = readings[readings.length - 1];
  console.log(
    `heap from ${first.sessions} to ${last.sessions} sessions: ${(last.heapMB - first.heapMB >= 0 ? '+' : '')}${(last.heapMB - first.heapMB).toFixed(2)} MB (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  await stop();
  await emu.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
