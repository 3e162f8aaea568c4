/**
 * An always-on microphone over MQTT with the voice gate on: a device publishes a realistic room (espeak-ng
 * utterances at -24, -34 and -40 dBFS between long quiet stretches on a noise bed, knocks and typing) as raw
 * 16 kHz PCM in 32 ms chunks to a real broker (aedes); Node-RED's own `mqtt in` hands it to gradium-stt with
 * the editor's defaults, which sends to the emulator. What the emulator heard is compared with the room frame
 * by frame: every utterance from its first frame, and well under half of the audio.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import type { DisconnectedPayload } from '../../src/streams/events';
import { until } from '../helpers/speech-audio';
import { helper, KEY, type Out, type TranscriptMsg } from '../nodes/stt-harness';
import { firstWords, matchSource, pcmChunks, receivedFrames, sourceFrames } from '../voice-gate/received-audio';
import { buildRoom, describeBed, UTTERANCE_NAMES } from '../voice-gate/room';
import { connectClient, mqttNodes, type MqttClient } from './core-nodes';
import { publishPaced } from './device-audio';
import { collect, collectErrors, wireToTest } from './example-flow';
import { startBroker, type LoopbackBroker } from './loopback-broker';

describe('audio over MQTT with the voice gate (aedes + mqtt in + gradium-stt defaults + emulator)', function () {
  this.timeout(60000);
  let emu: Emulator;
  let broker: LoopbackBroker;
  let device: MqttClient;

  before(async () => {
    emu = await startEmulator({ apiKeys: [KEY], recordAudio: true });
    broker = await startBroker();
    device = await connectClient(broker.url, 'always-on-mic');
  });
  after(async () => {
    await device.endAsync(true);
    await helper.unload();
    await broker.close();
    await emu.close();
  });

  it('an always-on microphone publishing a room: first words whole, well under half of the audio sent', async () => {
    const flow = wireToTest(
      [
        { id: 'b1', type: 'mqtt-broker', broker: '', port: '', clientid: '', autoConnect: true, protocolVersion: '4', keepalive: '60', cleansession: true },
        { id: 'c1', type: 'gradium-config', name: '', region: 'global', endpoint: '' },
        { id: 'm1', type: 'mqtt in', z: 't1', topic: 'mics/+/audio', qos: '0', datatype: 'buffer', broker: 'b1', wires: [['n1']] },
        { id: 'n1', type: 'gradium-stt', z: 't1', ...STT_DEFAULTS, encoding: 'pcm', gradium: 'c1', wires: [['o1'], ['o2'], ['o3']] },
        { id: 'o1', type: 'debug', z: 't1' },
        { id: 'o2', type: 'debug', z: 't1' },
        { id: 'o3', type: 'debug', z: 't1' },
      ],
      broker.port,
      emu.url,
    );
    await helper.load([configNode, sttNode, mqttNodes], flow, { c1: { apiKey: KEY } });
    const disconnected = collect<Out<DisconnectedPayload>>('o2');
    const transcripts = collect<TranscriptMsg>('o3');
    const errors = collectErrors('n1');
    await broker.subscribed('mics/+/audio');

    // Four sentences at three levels (12 utterances, about 85 s): a room that speaks 20 % of the time.
    const room = buildRoom({ rate: 16000, bed: 'fan', seed: 77, events: true, names: UTTERANCE_NAMES.slice(0, 4) });
    const payloads = pcmChunks(room, 32);
    assert.equal(payloads[0]!.length, 1024, '32 ms at 16 kHz s16le, as ESP32 microphones send');
    // At 20 × real time; QoS 0, as microphones publish.
    await publishPaced(device, [{ topic: 'mics/livingroom/audio', payloads, chunkMs: 32 }], 20);
    const total = payloads.reduce((n, p) => n + p.length, 0);
    // The microphone stays on, but the room went quiet: the idle timeout ends the stream.
    await until('the stream ended by itself', () => disconnected.length > 0 && emu.sessions.every((s) => s.closed), 20000);
    assert.ok(disconnected.every((d) => d.payload.reason === 'idle'), JSON.stringify(disconnected.map((d) => d.payload.reason)));

    const { passed, share } = matchSource(sourceFrames(room), receivedFrames(emu.sessions));
    const words = firstWords(room, passed);
    const sentS = disconnected.reduce((n, d) => n + d.payload.sentSeconds, 0);
    const gatedS = disconnected.reduce((n, d) => n + d.payload.gatedSeconds, 0);
    console.log(
      `      ${describeBed(room.bed)}, ${(total / 32000).toFixed(0)} s published, speech ${(room.speechShare * 100).toFixed(1)} %: ` +
        `sent ${(share * 100).toFixed(1)} % (${sentS.toFixed(1)} s billed, ${gatedS.toFixed(1)} s kept back), ` +
        `${transcripts.filter((t) => t.final).length} finals`,
    );
    assert.deepEqual(words.clipped, [], 'every utterance from its first frame');
    assert.ok(words.minLeadFrames >= 4, `pre-roll before every onset: ${words.minLeadFrames * 80} ms`);
    assert.ok(share < 0.5, `sent ${(share * 100).toFixed(1)} %`);
    // Nothing lost between the device and the node: every published ms was sent or kept back by the gate.
    assert.ok(Math.abs(total / 32000 - sentS - gatedS) <= 0.64, `${total / 32000} s published = ${sentS} + ${gatedS} + held`);
    assert.ok(transcripts.some((t) => t.final));
    assert.deepEqual(errors, []);
    for (const s of emu.sessions) assert.deepEqual(s.invalidFrames, []);

  });
});
