'use strict';
/**
 * The emulator in its own process (forked by run.js, IPC channel): loopback, messages not recorded.
 * Answers `mark` (where a scenario's sessions start) and `totals` (what those sessions received, once they
 * have all closed) so the bench can check that every frame sent arrived.
 */
const { startEmulator } = require('../dist/emulator');
const { cpuMs, sleep } = require('./stats');

async function main() {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', apiKeys: ['bench-key'], recordMessages: false });
  process.send({ type: 'listening', url: emulator.url });
  process.on('message', async (m) => {
    if (m.cmd === 'mark') {
      process.send({ type: 'mark', id: m.id, mark: emulator.sessions.length, cpuMs: cpuMs() });
    } else if (m.cmd === 'totals') {
      const deadline = Date.now() + (m.timeoutMs ?? 20000);
      const open = () => emulator.sessions.slice(m.mark).filter((s) => !s.closed).length;
      while (open() > 0 && Date.now() < deadline) await sleep(100);
      const sessions = emulator.sessions.slice(m.mark);
      const totals = { sessions: sessions.length, open: open(), audioMessages: 0, audioBytes: 0, invalidFrames: 0, words: 0 };
      for (const s of sessions) {
        totals.audioMessages += s.audioMessages;
        totals.audioBytes += s.audioBytes;
        totals.invalidFrames += s.invalidFrames.length;
        totals.words += s.wordsSent.length;
        // Keep memory flat over the whole run: a counted session needs nothing more.
        s.wordsSent = [];
      }
      process.send({ type: 'totals', id: m.id, totals, cpuMs: cpuMs() });
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
// Orphaned (run.js died): stop rather than keep loading a core.
process.on('disconnect', () => process.exit(1));
