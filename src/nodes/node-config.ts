/**
 * The properties the editor saves for each node type. The editor HTML (nodes/*.html) declares the same
 * names and default values in its `defaults`; test/editor/defaults.test.ts keeps the two in step.
 */

import type { Node } from 'node-red';

export const REGIONS = ['global', 'eu', 'us', 'custom'] as const;
export type Region = (typeof REGIONS)[number];

/** `gradium-config` as saved in the flow (the key lives in credentials, never here). */
export interface GradiumConfigProps {
  name: string;
  region: Region;
  /** Only used when region is `custom`: a wss:// URL (ws:// allowed for loopback hosts). */
  endpoint: string;
}

export interface GradiumConfigCredentials {
  apiKey?: string;
}

/** The runtime side of a deployed gradium-config node, as gradium-stt sees it. */
export interface GradiumConfigNode extends Node<GradiumConfigCredentials> {
  region: string;
  endpoint: string;
  /** URL and key for a new session. Throws GradiumError (category auth/config) when either is missing. */
  connection(): { url: string; apiKey: string };
}

export const ENCODINGS = ['auto', 'pcm', 'wav', 'opus', 'ulaw', 'alaw'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const SAMPLE_FORMATS = ['s16le', 's24le', 's32le', 'f32le', 'u8'] as const;
export type SampleFormat = (typeof SAMPLE_FORMATS)[number];

export const TURN_MODES = ['vad', 'manual'] as const;
export type TurnMode = (typeof TURN_MODES)[number];

/** `gradium-stt` as saved in the flow. Numbers may arrive as strings from old editors. */
export interface GradiumSttProps {
  name: string;
  /** id of the gradium-config node */
  gradium: string;
  /** msg property (dot path) whose value names the stream; default `topic`. */
  keyProperty: string;
  maxStreams: number | string;
  encoding: Encoding;
  sampleRate: number | string;
  channels: number | string;
  sampleFormat: SampleFormat;
  language: string;
  delayInFrames: number | string;
  model: string;
  /** Extra json_config keys as JSON text (merged under language/delay_in_frames). */
  jsonConfig: string;
  turnMode: TurnMode;
  vadHorizon: number | string;
  vadThreshold: number | string;
  vadSteps: number | string;
  flushTimeout: number | string;
  finalGrace: number | string;
  idleTimeout: number | string;
  interim: boolean;
  bufferSeconds: number | string;
}

/** Defaults, mirrored literally in nodes/gradium-stt.html. Reasons in README "Choosing the settings". */
export const STT_DEFAULTS: Omit<GradiumSttProps, 'gradium'> = {
  name: '',
  keyProperty: 'topic',
  maxStreams: 50,
  encoding: 'auto',
  sampleRate: 16000,
  channels: 1,
  sampleFormat: 's16le',
  language: 'en',
  delayInFrames: 10,
  model: 'default',
  jsonConfig: '',
  turnMode: 'vad',
  vadHorizon: 2,
  vadThreshold: 0.7,
  vadSteps: 3,
  flushTimeout: 2000,
  finalGrace: 100,
  idleTimeout: 3000,
  interim: true,
  bufferSeconds: 10,
};

export const CONFIG_DEFAULTS: GradiumConfigProps = {
  name: '',
  region: 'global',
  endpoint: '',
};
