/**
 * A gradium-stt node in a real Node-RED runtime (node-red-node-test-helper) wired to the emulator, with its
 * three outputs captured. Each test builds one with the properties it cares about.
 */
import helper from 'node-red-node-test-helper';
import type { Node, NodeMessage } from 'node-red';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');
import { STT_DEFAULTS, type GradiumSttProps } from '../../src/nodes/node-config';
import type { ConnectedPayload, DisconnectedPayload, Transcript } from '../../src/streams/events';
import { nodeRedPath } from '../helpers/node-red-path';
import { until } from '../helpers/speech-audio';

helper.init(nodeRedPath());

export { helper };
export const KEY = 'gsk_harness_key_0123456789';

export interface Out<P> {
  topic: string;
  payload: P;
  [k: string]: unknown;
}
export type TranscriptMsg = Out<string> & { final: boolean; transcript: Transcript };

export class SttHarness {
  readonly connected: Out<ConnectedPayload>[] = [];
  readonly disconnected: Out<DisconnectedPayload>[] = [];
  readonly transcripts: TranscriptMsg[] = [];
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly statuses: { fill?: string; shape?: string; text?: string }[] = [];
  node!: Node;

  finals(key?: string): TranscriptMsg[] {
    return this.transcripts.filter((t) => t.final && (key === undefined || t.topic === key));
  }

  static async start(url: string, props: Partial<GradiumSttProps> = {}, apiKey = KEY): Promise<SttHarness> {
    const h = new SttHarness();
    const flow = [
      { id: 'c1', type: 'gradium-config', name: '', region: 'custom', endpoint: url },
      { id: 'n1', type: 'gradium-stt', ...STT_DEFAULTS, ...props, gradium: 'c1', wires: [['o1'], ['o2'], ['o3']] },
      { id: 'o1', type: 'helper' },
      { id: 'o2', type: 'helper' },
      { id: 'o3', type: 'helper' },
    ];
    await helper.load([configNode, sttNode], flow, { c1: { apiKey } });
    h.node = helper.getNode('n1');
    const capture = (id: string, sink: (m: NodeMessage) => void): void => {
      (helper.getNode(id) as unknown as { on(e: 'input', cb: (m: NodeMessage) => void): void }).on('input', sink);
    };
    capture('o1', (m) => h.connected.push(m as unknown as Out<ConnectedPayload>));
    capture('o2', (m) => h.disconnected.push(m as unknown as Out<DisconnectedPayload>));
    capture('o3', (m) => h.transcripts.push(m as unknown as TranscriptMsg));
    // The helper turns every node.error/warn/status call into a `call:<method>` event on the node.
    const spy = h.node as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void };
    spy.on('call:error', (call) => h.errors.push(String(call.args[0])));
    spy.on('call:warn', (call) => h.warnings.push(String(call.args[0])));
    spy.on('call:status', (call) => h.statuses.push(call.args[0] as SttHarness['statuses'][number]));
    return h;
  }

  send(msg: Record<string, unknown>): void {
    (this.node as unknown as { receive(m: Record<string, unknown>): void }).receive(msg);
  }

  audio(topic: string, chunks: Buffer[], extra: Record<string, unknown> = {}): void {
    for (const c of chunks) this.send({ topic, payload: c, ...extra });
  }

  async waitFinals(n: number, key?: string, ms = 15000): Promise<TranscriptMsg[]> {
    await until(`${n} finals${key ? ` for ${key}` : ''} (have ${this.finals(key).length})`, () => this.finals(key).length >= n, ms);
    return this.finals(key);
  }

  async waitDisconnected(n: number, ms = 15000): Promise<void> {
    await until(`${n} disconnected messages`, () => this.disconnected.length >= n, ms);
  }
}
