/**
 * A gradium-tts node in a real Node-RED runtime (node-red-node-test-helper) wired to the emulator: its two
 * outputs captured in one timeline (so the order of audio and mute/unmute is visible), a Status, a Catch and
 * a Complete node, and the node's warnings and errors.
 */
import type { Node, NodeMessage } from 'node-red';
import configNode = require('../../src/nodes/gradium-config');
import ttsNode = require('../../src/nodes/gradium-tts');
import { TTS_DEFAULTS, type GradiumTtsProps } from '../../src/nodes/node-config';
import type { TtsManagerOptions } from '../../src/tts/tts-manager';
import type { OutputFormat, SpeakingFigures, SpokenWord } from '../../src/tts/types';
import { until } from '../helpers/speech-audio';
import { helper } from './stt-harness';

export { helper };

export interface AudioMsg {
  topic: string;
  payload: Buffer;
  format: OutputFormat;
  durationMs: number;
  words?: SpokenWord[];
  text?: string;
  seq?: number;
  final?: boolean;
  [k: string]: unknown;
}

export interface SpeakingMsg {
  topic: string;
  action: 'mute' | 'unmute';
  payload: SpeakingFigures;
}

export type Event = { port: 'audio'; at: number; msg: AudioMsg } | { port: 'speaking'; at: number; msg: SpeakingMsg };

interface Listenable {
  on(e: string, cb: (m: NodeMessage) => void): void;
}

export interface TtsRunOptions {
  url: string;
  apiKey: string;
  props?: Partial<GradiumTtsProps>;
  testing?: Partial<TtsManagerOptions>;
  region?: string;
}

export function ttsFlow(o: TtsRunOptions, extra: Record<string, unknown> = {}): object[] {
  return [
    { id: 'c1', type: 'gradium-config', name: '', region: o.region ?? 'custom', endpoint: o.url },
    { id: 'n1', type: 'gradium-tts', ...TTS_DEFAULTS, ...o.props, ...extra, gradium: 'c1', wires: [['o1'], ['o2']] },
    { id: 'o1', type: 'helper' },
    { id: 'o2', type: 'helper' },
    { id: 'st', type: 'status', scope: ['n1'], wires: [['s1']] },
    { id: 's1', type: 'helper' },
    { id: 'ct', type: 'catch', scope: ['n1'], uncaught: false, wires: [['k1']] },
    { id: 'k1', type: 'helper' },
    { id: 'cp', type: 'complete', scope: ['n1'], uncaught: false, wires: [['d1']] },
    { id: 'd1', type: 'helper' },
  ];
}

export class TtsRun {
  readonly events: Event[] = [];
  readonly statuses: { fill?: string; shape?: string; text?: string }[] = [];
  readonly caught: { error: { message: string; code?: string; source: { id: string } }; [k: string]: unknown }[] = [];
  readonly completed: NodeMessage[] = [];
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  private readonly attached = new WeakSet<object>();

  static async start(o: TtsRunOptions): Promise<TtsRun> {
    helper.settings({ gradiumTtsTesting: o.testing } as Parameters<typeof helper.settings>[0]);
    const run = new TtsRun();
    await helper.load([configNode, ttsNode], ttsFlow(o) as Parameters<typeof helper.load>[1], { c1: { apiKey: o.apiKey } });
    run.capture();
    return run;
  }

  /** Attach to the current instances (after load or a deploy). */
  capture(): void {
    const sinks: [string, (m: NodeMessage) => void][] = [
      ['o1', (m) => this.events.push({ port: 'audio', at: Date.now(), msg: m as unknown as AudioMsg })],
      ['o2', (m) => this.events.push({ port: 'speaking', at: Date.now(), msg: m as unknown as SpeakingMsg })],
      ['s1', (m) => this.statuses.push((m as unknown as { status: TtsRun['statuses'][number] }).status)],
      ['k1', (m) => this.caught.push(m as unknown as TtsRun['caught'][number])],
      ['d1', (m) => this.completed.push(m)],
    ];
    for (const [id, sink] of sinks) {
      const n = helper.getNode(id) as unknown as Listenable | null;
      if (!n || this.attached.has(n)) continue;
      this.attached.add(n);
      n.on('input', sink);
    }
    const tts = helper.getNode('n1') as unknown as { on(e: string, cb: (call: { args: unknown[] }) => void): void } | null;
    if (tts && !this.attached.has(tts)) {
      this.attached.add(tts);
      tts.on('call:error', (call) => this.errors.push(String(call.args[0])));
      tts.on('call:warn', (call) => this.warnings.push(String(call.args[0])));
      tts.on('call:status', (call) => this.statuses.push(call.args[0] as TtsRun['statuses'][number]));
    }
  }

  get node(): Node {
    return helper.getNode('n1');
  }

  send(msg: Record<string, unknown>): void {
    (this.node as unknown as { receive(m: Record<string, unknown>): void }).receive(msg);
  }

  audio(key?: string): AudioMsg[] {
    return this.events.filter((e): e is Extract<Event, { port: 'audio' }> => e.port === 'audio' && (key === undefined || e.msg.topic === key)).map((e) => e.msg);
  }

  speaking(key?: string): SpeakingMsg[] {
    return this.events
      .filter((e): e is Extract<Event, { port: 'speaking' }> => e.port === 'speaking' && (key === undefined || e.msg.topic === key))
      .map((e) => e.msg);
  }

  /** Audio messages that end an utterance: the `file` ones and the `stream` finals. */
  ends(key?: string): AudioMsg[] {
    return this.audio(key).filter((m) => m.seq === undefined || m.final === true);
  }

  async waitEnds(n: number, key?: string, ms = 15000): Promise<AudioMsg[]> {
    await until(`${n} utterances${key ? ` for ${key}` : ''} (have ${this.ends(key).length})`, () => this.ends(key).length >= n, ms);
    return this.ends(key);
  }

  async waitCaught(n: number, ms = 15000): Promise<void> {
    await until(`${n} caught errors (have ${this.caught.length})`, () => this.caught.length >= n, ms);
  }

  /** Every line that went through Node-RED's log since load. */
  logLines(): string[] {
    return helper.log().args.map((a) => {
      const e = a[0] as { msg?: unknown };
      return typeof e.msg === 'string' ? e.msg : e.msg instanceof Error ? `${e.msg.message} ${e.msg.stack ?? ''}` : JSON.stringify(e.msg);
    });
  }
}

export async function unloadTts(): Promise<void> {
  await helper.unload();
  helper.settings({});
}
