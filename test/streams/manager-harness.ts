/**
 * A real StreamManager on a ManualClock, its sessions going to a ScriptedGradium instead of a socket, and
 * everything it emits recorded per key. No Node-RED, no network, no real time.
 */
import type { GradiumError } from '../../src/gradium/errors';
import type { ConnectedPayload, DisconnectedPayload, Transcript } from '../../src/streams/events';
import type { StreamSettings } from '../../src/streams/settings';
import { passThroughFilter } from '../../src/streams/outbound-audio-filter';
import { STREAM_DEFAULTS } from '../../src/streams/stream-defaults';
import { StreamManager, type StreamManagerOptions } from '../../src/streams/stream-manager';
import { ManualClock } from '../helpers/manual-clock';
import { ScriptedGradium, type ServerBehaviour } from './scripted-gradium';

/**
 * A new node's stream settings (sendAudio "speech"). The harness gives its manager a pass-through filter (see
 * below), whatever these say; tests of the voice gate give theirs.
 */
export const SETTINGS: StreamSettings = { ...STREAM_DEFAULTS.settings };

export interface Recorded<P> {
  key: string;
  payload: P;
  at: number;
}

export class ManagerHarness {
  readonly clock = new ManualClock();
  readonly server: ScriptedGradium;
  readonly manager: StreamManager<unknown>;
  readonly connected: Recorded<ConnectedPayload>[] = [];
  readonly disconnected: Recorded<DisconnectedPayload>[] = [];
  readonly transcripts: Recorded<Transcript>[] = [];
  readonly failed: Recorded<GradiumError>[] = [];
  readonly warnings: string[] = [];

  constructor(
    settings: Partial<StreamSettings> = {},
    behaviour: Partial<ServerBehaviour> = {},
    options: Partial<StreamManagerOptions> = {},
  ) {
    this.server = new ScriptedGradium(this.clock, behaviour);
    this.manager = new StreamManager({
      settings: { ...SETTINGS, ...settings },
      format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' },
      maxStreams: 50,
      connection: () => ({ url: 'ws://127.0.0.1:1/api/speech/asr', apiKey: 'gsk_unit_test_key' }),
      clock: this.clock,
      transport: this.server.transport,
      // Half the jitter range: delays are exact and predictable.
      random: () => 0.5,
      // Stream rules without the voice gate; `outboundFilter: undefined` gives the manager its own (from sendAudio).
      outboundFilter: passThroughFilter,
      ...options,
    });
    const at = (): number => this.clock.now();
    this.manager.on('connected', (key, payload) => this.connected.push({ key, payload, at: at() }));
    this.manager.on('disconnected', (key, payload) => this.disconnected.push({ key, payload, at: at() }));
    this.manager.on('transcript', (key, payload) => this.transcripts.push({ key, payload, at: at() }));
    this.manager.on('failed', (key, payload) => this.failed.push({ key, payload, at: at() }));
    this.manager.on('warning', (_key, message) => this.warnings.push(message));
  }

  /** Push 80 ms chunks for a key, one call each (as Node-RED messages would come). */
  push(key: string, chunks: Buffer[]): void {
    for (const c of chunks) this.manager.pushAudio(key, c, undefined, undefined);
  }

  /** Push chunks paced in real time: one every 80 ms of the clock. */
  pushPaced(key: string, chunks: Buffer[], everyMs = 80): void {
    for (const c of chunks) {
      this.manager.pushAudio(key, c, undefined, undefined);
      this.clock.advance(everyMs);
    }
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  finals(key?: string): Transcript[] {
    return this.transcripts.filter((t) => t.payload.final && (key === undefined || t.key === key)).map((t) => t.payload);
  }

  reasons(key?: string): string[] {
    return this.disconnected.filter((d) => key === undefined || d.key === key).map((d) => d.payload.reason);
  }
}
