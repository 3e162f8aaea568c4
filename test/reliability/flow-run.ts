/**
 * A gradium-stt flow in a real Node-RED runtime (node-red-node-test-helper) for the reliability tests:
 * hidden `gradiumSttTesting` overrides (short caps, quick backoff), status texts translated with the real
 * English catalog (so "retry in 2 s" is visible), a Status and a Catch node, and capture that survives
 * redeploys (listeners are attached again to every node instance a deploy creates).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import configNode = require('../../src/nodes/gradium-config');
import sttNode = require('../../src/nodes/gradium-stt');
import { STT_DEFAULTS, type GradiumSttProps } from '../../src/nodes/node-config';
import type { ConnectedPayload, DisconnectedPayload } from '../../src/streams/events';
import type { StreamManagerOptions } from '../../src/streams/stream-manager';
import { helper, type Out, type TranscriptMsg } from '../nodes/stt-harness';
import { until } from '../helpers/speech-audio';

export { helper };

type Catalog = { [k: string]: string | Catalog };
const CATALOG = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../../nodes/locales/en-US/gradium-stt.json'), 'utf8'),
) as Catalog;

/** RED._ as the editor would render it: key looked up in the English catalog, __param__ filled in. */
function translate(key: string, params?: Record<string, string | number>): string {
  let v: string | Catalog | undefined = CATALOG;
  for (const part of key.split('.')) v = typeof v === 'object' ? v[part] : undefined;
  if (typeof v !== 'string') return key;
  return v.replace(/__(\w+)__/g, (_m, p: string) => String(params?.[p] ?? `__${p}__`));
}

function sttWithCatalog(RED: NodeAPI): void {
  (RED as unknown as { _: typeof translate })._ = translate;
  sttNode(RED);
}

export interface FlowOptions {
  url: string;
  props?: Partial<GradiumSttProps>;
  apiKey: string;
  testing?: Partial<StreamManagerOptions>;
  region?: string;
  /** Default true. False: keep no messages (the soak run counts what it needs itself). */
  record?: boolean;
}

export interface StatusMsg {
  status: { fill?: string; shape?: string; text?: string };
}

interface Listenable {
  on(e: string, cb: (m: NodeMessage) => void): void;
}

/** The flow: config c1, stt n1 → helpers o1..o3, Status node → s1, Catch node → k1. */
export function flowOf(o: FlowOptions, sttExtra: Record<string, unknown> = {}, configExtra: Record<string, unknown> = {}): object[] {
  return [
    { id: 'c1', type: 'gradium-config', name: '', region: o.region ?? 'custom', endpoint: o.url, ...configExtra },
    { id: 'n1', type: 'gradium-stt', ...STT_DEFAULTS, ...o.props, ...sttExtra, gradium: 'c1', wires: [['o1'], ['o2'], ['o3']] },
    { id: 'o1', type: 'helper' },
    { id: 'o2', type: 'helper' },
    { id: 'o3', type: 'helper' },
    { id: 'st', type: 'status', scope: ['n1'], wires: [['s1']] },
    { id: 's1', type: 'helper' },
    { id: 'ct', type: 'catch', scope: ['n1'], uncaught: false, wires: [['k1']] },
    { id: 'k1', type: 'helper' },
  ];
}

export class FlowRun {
  readonly connected: Out<ConnectedPayload>[] = [];
  readonly disconnected: Out<DisconnectedPayload>[] = [];
  readonly transcripts: TranscriptMsg[] = [];
  readonly statuses: StatusMsg[] = [];
  readonly caught: NodeMessage[] = [];
  /** Every node.error / node.warn of the gradium-stt node (a Catch node takes errors out of the log). */
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  private readonly attached = new WeakSet<object>();

  static async start(o: FlowOptions): Promise<FlowRun> {
    helper.settings({ gradiumSttTesting: o.testing } as Parameters<typeof helper.settings>[0]);
    const run = new FlowRun();
    await helper.load([configNode, sttWithCatalog], flowOf(o) as Parameters<typeof helper.load>[1], { c1: { apiKey: o.apiKey } });
    if (o.record !== false) run.capture();
    return run;
  }

  /** Attach output capture to the current instances of the helper nodes (after load or a deploy). */
  capture(): void {
    const sinks: [string, (m: NodeMessage) => void][] = [
      ['o1', (m) => this.connected.push(m as unknown as Out<ConnectedPayload>)],
      ['o2', (m) => this.disconnected.push(m as unknown as Out<DisconnectedPayload>)],
      ['o3', (m) => this.transcripts.push(m as unknown as TranscriptMsg)],
      ['s1', (m) => this.statuses.push(m as unknown as StatusMsg)],
      ['k1', (m) => this.caught.push(m)],
    ];
    for (const [id, sink] of sinks) {
      const n = helper.getNode(id) as unknown as Listenable | null;
      if (!n || this.attached.has(n)) continue;
      this.attached.add(n);
      n.on('input', sink);
    }
    // The helper turns every node.error/warn call into a `call:<method>` event on the node.
    const stt = helper.getNode('n1') as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void } | null;
    if (stt && !this.attached.has(stt)) {
      this.attached.add(stt);
      stt.on('call:error', (call) => this.errors.push(String(call.args[0])));
      stt.on('call:warn', (call) => this.warnings.push(String(call.args[0])));
    }
  }

  /**
   * Stop the test helper's recording of calls. Its sinon spies keep every logged metric with a captured
   * stack whose frames reference the input message, so they hold every audio chunk ever sent: a leak of
   * the harness, not of the node. Memory measurements call this right after start(); `errors`, `warnings`
   * and logLines() stop filling from then on (outputs, Status and Catch nodes still work).
   */
  stopRecordingCalls(): void {
    (helper as unknown as { _sandbox: { restore(): void } })._sandbox.restore();
  }

  get node(): Node {
    return helper.getNode('n1');
  }

  send(msg: Record<string, unknown>): void {
    (this.node as unknown as { receive(m: Record<string, unknown>): void }).receive(msg);
  }

  audio(topic: string, chunks: Buffer[]): void {
    for (const c of chunks) this.send({ topic, payload: c });
  }

  finals(key?: string): TranscriptMsg[] {
    return this.transcripts.filter((t) => t.final && (key === undefined || t.topic === key));
  }

  finalWords(key?: string): string[] {
    return this.finals(key).flatMap((f) => f.payload.split(' ').filter(Boolean));
  }

  /** Every line that went through Node-RED's log since load (runtime, nodes, uncaught errors). */
  logLines(): string[] {
    return helper.log().args.map((a) => {
      const e = a[0] as { msg?: unknown };
      return typeof e.msg === 'string' ? e.msg : e.msg instanceof Error ? `${e.msg.message} ${e.msg.stack ?? ''}` : JSON.stringify(e.msg);
    });
  }

  statusTexts(): string[] {
    return this.statuses.map((s) => s.status.text ?? '');
  }

  async waitFinals(n: number, key?: string, ms = 20000): Promise<TranscriptMsg[]> {
    await until(`${n} finals (have ${this.finals(key).length})`, () => this.finals(key).length >= n, ms);
    return this.finals(key);
  }
}

/** After each test: unload the flow and put the runtime settings back for the other test files. */
export async function unloadFlow(): Promise<void> {
  await helper.unload();
  helper.settings({});
}
