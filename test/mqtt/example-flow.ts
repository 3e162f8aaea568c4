/**
 * An example flow from examples/ made runnable in the test runtime: its broker points at the loopback
 * broker, its gradium-config at the emulator, and its debug nodes become helper nodes whose messages the
 * test collects. Everything else (mqtt in settings, change/switch/function nodes, gradium-stt properties)
 * runs as a user would import it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeMessage } from 'node-red';
import { helper } from '../nodes/stt-harness';

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  wires?: string[][];
  [prop: string]: unknown;
}

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

export function readExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as FlowNode[];
}

export function wireToTest(flow: FlowNode[], brokerPort: number, emulatorUrl: string): FlowNode[] {
  const out = flow.map((n): FlowNode => {
    if (n.type === 'mqtt-broker') return { ...n, broker: '127.0.0.1', port: String(brokerPort) };
    if (n.type === 'gradium-config') return { ...n, region: 'custom', endpoint: emulatorUrl };
    if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z, name: n.name, wires: [] };
    return n;
  });
  const tabs = new Set(out.map((n) => n.z).filter((z): z is string => typeof z === 'string'));
  return [...[...tabs].map((id) => ({ id, type: 'tab', label: 'example' })), ...out];
}

/** Messages arriving at a helper node, from the moment of the call. */
export function collect<M = NodeMessage>(nodeId: string): M[] {
  const seen: M[] = [];
  const node = helper.getNode(nodeId) as unknown as { on(e: 'input', cb: (m: M) => void): void } | null;
  if (!node) throw new Error(`no node ${nodeId} in the loaded flow`);
  node.on('input', (m) => seen.push(m));
  return seen;
}

/** Texts of errors the node reported (node.error or done(err)); the helper emits `call:error` for each. */
export function collectErrors(nodeId: string): string[] {
  const seen: string[] = [];
  const node = helper.getNode(nodeId) as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void };
  node.on('call:error', (call) => seen.push(String(call.args[0])));
  return seen;
}
