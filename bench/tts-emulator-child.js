'use strict';
/**
 * The emulator in its own process for the text-to-speech benchmark (forked by tts-bench.js, IPC channel):
 * loopback, messages not recorded. `mark` says where a scenario's requests start; `sessions` returns, once
 * they have all closed, each request's text, when its first audio and its end_of_stream were sent (wall
 * clock, sub-millisecond) and how many samples it sent, so the runner can pair them with the node's output.
 */
const { startEmulator } = require('../dist/emulator');
const { cpuMs, sleep } = require('./stats');

async function main() {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', apiKeys: ['bench-key'], recordMessages: false });
  process.send({ type: 'listening', url: emulator.url });
  process.on('message', async (m) => {
    if (m.cmd === 'mark') {
      process.send({ type: 'mark', id: m.id, mark: emulator.ttsSessions.length, cpuMs: cpuMs() });
    } else if (m.cmd === 'sessions') {
      const deadline = Date.now() + (m.timeoutMs ?? 20000);
      const open = () => emulator.ttsSessions.slice(m.mark).filter((s) => !s.closed).length;
      while (open() > 0 && Date.now() < deadline) await sleep(100);
      const sessions = emulator.ttsSessions.slice(m.mark).map((s) => ({
        text: s.text,
        firstAudioAt: s.firstAudioAt ?? null,
        finishedAt: s.finishedAt ?? null,
        samplesSent: s.samplesSent,
        completed: s.completed,
        cancelled: s.cancelled,
      }));
      // Keep memory flat across scenarios: counted requests need nothing more.
      for (const s of emulator.ttsSessions.slice(m.mark)) s.wordsSent = [];
      process.send({ type: 'sessions', id: m.id, sessions, open: open(), cpuMs: cpuMs() });
    } else if (m.cmd === 'stop') {
      await emulator.close();
      process.exit(0);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
// Orphaned (the runner died): stop rather than keep loading a core.
process.on('disconnect', () => process.exit(1));
