import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { FlowRun, flowOf, helper, unloadFlow, type FlowOptions } from './flow-run';

const KEY = 'gsk_redeploy_key_e2b8f4';
const SPEECH = chunks(speechPcm([{ speechMs: 1200, silenceMs: 0 }]), 80);
const MODES = ['full', 'nodes', 'flows'] as const;

/** Handles of the process by kind (timers, sockets, servers), for before/after comparison. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

const PROCESS_EVENTS = ['exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'warning', 'SIGINT', 'SIGTERM'] as const;
function processListeners(): Record<string, number> {
  return Object.fromEntries(PROCESS_EVENTS.map((e) => [e, process.listenerCount(e)]));
}

describe('reliability: 20 redeploys with live streams (every deploy mode, STT or config node changed)', function () {
  this.timeout(120000);
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('closes every socket, timer and listener each time and at the end', async () => {
    // Let anything the runtime starts lazily (the WebAssembly resampler) settle before the baseline.
    const opts: FlowOptions = { url: emu.url, apiKey: KEY, props: { turnMode: 'manual' } };
    let run = await FlowRun.start(opts);
    run.audio('warmup', SPEECH);
    await until('warm-up session', () => run.connected.length === 1);
    run.send({ topic: 'warmup', reset: true });
    await until('warm-up closed', () => emu.sessions.every((s) => s.closed));
    await unloadFlow();
    await new Promise((r) => setTimeout(r, 300));
    const baseline = resources();
    const baseListeners = processListeners();
    if (process.env.DBG) console.log(baseline, baseListeners);

    run = await FlowRun.start(opts);
    let sessionsBefore = emu.sessions.length;
    for (let i = 0; i < 20; i++) {
      const mode = MODES[i % 3]!;
      const change = i % 2 === 0 ? 'stt' : 'config';
      // Two live streams, mid-utterance.
      run.audio(`a${i}`, SPEECH);
      run.audio(`b${i}`, SPEECH);
      await until(`deploy ${i}: two sessions open`, () => emu.sessions.length === sessionsBefore + 2 && emu.sessions.slice(-2).every((s) => s.audioMessages > 0));
      const flow = change === 'stt' ? flowOf(opts, { name: `stt ${i}` }) : flowOf(opts, {}, { name: `config ${i}` });
      await helper.setFlows(flow as Parameters<typeof helper.setFlows>[0], mode, { c1: { apiKey: KEY } });
      run.capture();
      await until(`deploy ${i} (${mode}, ${change}): emulator sockets closed`, () => emu.sessions.every((s) => s.closed), 10000);
      for (const s of emu.sessions.slice(-2)) {
        assert.ok(s.received.some((m) => m.type === 'end_of_stream'), `deploy ${i}: session ${s.id} ended with end_of_stream`);
        assert.equal(s.closeCode, 1000, `deploy ${i}: session ${s.id} closed normally`);
      }
      sessionsBefore = emu.sessions.length;
    }
    // The node still works after all that.
    run.audio('after', SPEECH);
    run.send({ topic: 'after', action: 'flush' });
    await run.waitFinals(1, 'after');
    await unloadFlow();

    // Our side is closed when close() calls done; the emulator hears it a moment later.
    await until('no open connection on the emulator', () => emu.sessions.every((s) => s.closed), 5000);
    await until('handles back to the baseline', () => JSON.stringify(resources()) === JSON.stringify(baseline), 5000).catch(() => {
      assert.deepEqual(resources(), baseline, 'active handles after 20 redeploys');
    });
    assert.deepEqual(processListeners(), baseListeners, 'process listeners');
  });
});
