/**
 * The voice loop in one real Node-RED: gradium-tts's speaking output wired into the gradium-stt node of the
 * same satellite. While the satellite speaks its answer, what its microphone picks up (its own voice) never
 * reaches Gradium's speech recognition; before and after, the user's speech does. No error on either node.
 */
import { strict as assert } from 'node:assert';
import type { NodeMessage } from 'node-red';
import { startEmulator, type Emulator } from '../../src/emulator';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');
import ttsNode = require('../../src/nodes/gradium-tts');
import { STT_DEFAULTS, TTS_DEFAULTS } from '../../src/nodes/node-config';
import { chunks, speechPcm, until } from '../helpers/speech-audio';
import { helper } from './stt-harness';

const KEY = 'gsk_voice_loop_key_5e6f7a';

interface Listenable {
  on(e: string, cb: (m: NodeMessage) => void): void;
}

describe('voice loop: gradium-tts output 2 into gradium-stt', function () {
  this.timeout(30000);
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ apiKeys: [KEY], script: ['turn on the kitchen lights', 'thank you'] });
  });
  afterEach(async () => {
    await helper.unload();
    await emu.close();
  });

  it('the satellite does not transcribe its own answer; it hears the user again after unmute', async () => {
    const flow = [
      { id: 'c1', type: 'gradium-config', name: '', region: 'custom', endpoint: emu.url },
      { id: 'stt', type: 'gradium-stt', ...STT_DEFAULTS, turnMode: 'manual', interim: false, gradium: 'c1', wires: [[], ['disc'], ['heard']] },
      { id: 'tts', type: 'gradium-tts', ...TTS_DEFAULTS, unmuteDelay: 100, gradium: 'c1', wires: [['played'], ['stt', 'speaking']] },
      { id: 'heard', type: 'helper' },
      { id: 'disc', type: 'helper' },
      { id: 'played', type: 'helper' },
      { id: 'speaking', type: 'helper' },
      { id: 'ct', type: 'catch', scope: ['stt', 'tts'], uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ];
    await helper.load([configNode, sttNode, ttsNode], flow as Parameters<typeof helper.load>[1], { c1: { apiKey: KEY } });
    const got: Record<string, NodeMessage[]> = { heard: [], disc: [], played: [], speaking: [], caught: [] };
    for (const id of Object.keys(got)) (helper.getNode(id) as unknown as Listenable).on('input', (m) => got[id]!.push(m));
    const stt = helper.getNode('stt') as unknown as { receive(m: object): void };
    const tts = helper.getNode('tts') as unknown as { receive(m: object): void };
    const mic = (pcm: Buffer): void => {
      for (const c of chunks(pcm, 80)) stt.receive({ topic: 'sat', payload: c });
    };

    // The user speaks; the flow answers.
    const command = speechPcm([{ speechMs: 1200, silenceMs: 0 }]);
    mic(command);
    await until('the command reached Gradium', () => emu.sessions[0]?.samplesReceived === command.length / 2);
    stt.receive({ topic: 'sat', action: 'flush' });
    await until('the command heard', () => got.heard!.length === 1);
    assert.equal((got.heard![0] as { payload: string }).payload, 'turn on the kitchen lights');
    tts.receive({ topic: 'sat', payload: 'Done. The kitchen light is on.' });
    await until('mute reached the stt node', () => got.speaking!.length === 1);
    assert.equal((got.speaking![0] as { action: string }).action, 'mute');

    // The satellite plays its answer; its microphone hears it.
    const echo = speechPcm([{ speechMs: 1500, silenceMs: 0 }]);
    const sentBefore = emu.sessions.reduce((n, s) => n + s.samplesReceived, 0);
    mic(echo);
    await until('unmute', () => got.speaking!.length === 2, 15000);
    assert.equal((got.speaking![1] as { action: string }).action, 'unmute');
    const sentDuring = emu.sessions.reduce((n, s) => n + s.samplesReceived, 0) - sentBefore;
    assert.equal(sentDuring, 0, 'none of the satellite’s own voice reached Gradium');

    // The user speaks again: heard.
    const again = speechPcm([{ speechMs: 1000, silenceMs: 0 }]);
    mic(again);
    // stop sends the last partial frame too (an idle end would, later).
    stt.receive({ topic: 'sat', action: 'stop' });
    await until('the second command reached Gradium', () => emu.sessions.reduce((n, s) => n + s.samplesReceived, 0) === (command.length + again.length) / 2);
    await until('the second command heard', () => got.heard!.length === 2);
    assert.equal((got.heard![1] as { payload: string }).payload, 'thank you');
    // The stop's disconnected is the last: if the idle timeout ended a session during the mute, the muted audio is
    // split between that session's message and the stop's.
    await until('stopped', () => got.disc!.some((m) => (m as { payload: { reason: string } }).payload.reason === 'stop'));
    // Each session reports the audio that was muted while it lasted (the mute may end one by the idle timeout).
    const muted = got.disc!.reduce((n, m) => n + (m as { payload: { mutedSeconds: number } }).payload.mutedSeconds, 0);
    assert.ok(Math.abs(muted - 1.5) < 0.01, `mutedSeconds ${muted}`);
    assert.equal(got.played!.length, 1);
    assert.deepEqual(got.caught, [], 'no error on either node');
  });
});
