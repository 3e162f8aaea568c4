/**
 * A Node-RED runtime (node-red-node-test-helper) with a wyoming-server, a gradium-stt and a gradium-tts attached
 * to it, both talking to the emulator; the stt node's three outputs and every node's errors and statuses
 * captured. Each test deploys the variant it needs.
 */
import * as net from 'node:net';
import type { NodeMessage } from 'node-red';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');
import ttsNode = require('../../src/nodes/gradium-tts');
import wyomingNode = require('../../src/nodes/wyoming-server');
import { STT_DEFAULTS, TTS_DEFAULTS, WYOMING_SERVER_DEFAULTS, type GradiumSttProps, type GradiumTtsProps, type WyomingServerProps } from '../../src/nodes/node-config';
import type { Transcript } from '../../src/streams/events';
import { helper, KEY } from '../nodes/stt-harness';

export { helper, KEY };

/** A port nobody listens on now (the system's choice, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface FlowOptions {
  url: string;
  port: number;
  server?: Partial<WyomingServerProps>;
  stt?: Partial<GradiumSttProps> | null;
  tts?: Partial<GradiumTtsProps> | null;
  /** A second gradium-stt on the same server (refused). */
  secondStt?: boolean;
  /** The key the config node carries (default: one the emulator accepts). */
  apiKey?: string;
  /** Hidden setting wyomingServerTesting. */
  testing?: { commandCapMs?: number };
}

export interface OutMsg extends NodeMessage {
  topic: string;
  wyoming?: { client: string; program: string };
  transcript?: Transcript;
  final?: boolean;
}

export class WyomingFlow {
  readonly connected: OutMsg[] = [];
  readonly disconnected: OutMsg[] = [];
  readonly transcripts: OutMsg[] = [];
  readonly errors: { node: string; text: string; code?: string }[] = [];
  readonly statuses: { node: string; text?: string; fill?: string }[] = [];

  static flow(o: FlowOptions): object[] {
    const flow: object[] = [
      { id: 'c1', type: 'gradium-config', name: '', region: 'custom', endpoint: o.url },
      { id: 'w1', type: 'wyoming-server', ...WYOMING_SERVER_DEFAULTS, advertise: false, host: '127.0.0.1', port: o.port, ...o.server },
      { id: 'o1', type: 'helper' },
      { id: 'o2', type: 'helper' },
      { id: 'o3', type: 'helper' },
    ];
    if (o.stt !== null) {
      flow.push({ id: 'n1', type: 'gradium-stt', ...STT_DEFAULTS, sendAudio: 'always', ...o.stt, wyoming: 'w1', gradium: 'c1', wires: [['o1'], ['o2'], ['o3']] });
    }
    if (o.secondStt) flow.push({ id: 'n2', type: 'gradium-stt', ...STT_DEFAULTS, wyoming: 'w1', gradium: 'c1', wires: [[], [], []] });
    if (o.tts !== null) flow.push({ id: 't1', type: 'gradium-tts', ...TTS_DEFAULTS, ...o.tts, wyoming: 'w1', gradium: 'c1', wires: [[], []] });
    return flow;
  }

  static async start(o: FlowOptions): Promise<WyomingFlow> {
    const f = new WyomingFlow();
    helper.settings({ wyomingServerTesting: o.testing } as Parameters<typeof helper.settings>[0]);
    await helper.load([configNode, sttNode, ttsNode, wyomingNode], WyomingFlow.flow(o) as Parameters<typeof helper.load>[1], { c1: { apiKey: o.apiKey ?? KEY } });
    const capture = (id: string, sink: OutMsg[]): void =>
      (helper.getNode(id) as unknown as { on(e: 'input', cb: (m: OutMsg) => void): void }).on('input', (m) => sink.push(m));
    capture('o1', f.connected);
    capture('o2', f.disconnected);
    capture('o3', f.transcripts);
    for (const id of ['n1', 'n2', 't1', 'w1']) {
      const node = helper.getNode(id) as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void } | null;
      if (!node) continue;
      node.on('call:error', (call) => {
        const e = call.args[0] as { message?: string; code?: string } | string;
        f.errors.push(typeof e === 'string' ? { node: id, text: e } : { node: id, text: String(e.message), code: e.code });
      });
      node.on('call:status', (call) => f.statuses.push({ node: id, ...(call.args[0] as { text?: string; fill?: string }) }));
    }
    return f;
  }
}
