/**
 * The properties the editor saves for each node type, as the runtime reads them. Names, defaults and ranges
 * come from src/settings; the editor HTML (nodes/*.html) declares the same defaults literally (the Flow
 * Library reads them there), and test/editor/defaults.test.ts keeps the two in step.
 */

import type { Node } from 'node-red';
import { CONFIG_SPEC } from '../settings/config-spec';
import { editorDefaultsOf, type SavedValuesOf } from '../settings/spec';
import { STT_SPEC } from '../settings/stt-spec';
import { TTS_SPEC } from '../settings/tts-spec';
import { WYOMING_SERVER_SPEC } from '../settings/wyoming-spec';
import type { WyomingServer } from '../wyoming/server';

/** `gradium-config` as saved in the flow (the key lives in credentials, never here). */
export type GradiumConfigProps = SavedValuesOf<typeof CONFIG_SPEC>;

export interface GradiumConfigCredentials {
  apiKey?: string;
}

/** The runtime side of a deployed gradium-config node, as gradium-stt sees it. */
export interface GradiumConfigNode extends Node<GradiumConfigCredentials> {
  region: string;
  endpoint: string;
  /** URL and key for a new session. Throws GradiumError (NO_KEY, BAD_ENDPOINT) when either is missing. */
  connection(): { url: string; apiKey: string };
  /** The same for text-to-speech: the TTS URL beside the ASR one (`…/api/speech/tts`). */
  ttsConnection(): { url: string; apiKey: string };
}

/** `gradium-stt` as saved in the flow, plus the id of its gradium-config node. */
export type GradiumSttProps = SavedValuesOf<typeof STT_SPEC> & { gradium: string };

/** The defaults of a new gradium-stt node, as the editor saves them. */
export const STT_DEFAULTS = editorDefaultsOf(STT_SPEC) as Omit<GradiumSttProps, 'gradium'>;

/** `gradium-tts` as saved in the flow, plus the id of its gradium-config node. */
export type GradiumTtsProps = SavedValuesOf<typeof TTS_SPEC> & { gradium: string };

/** The defaults of a new gradium-tts node, as the editor saves them. */
export const TTS_DEFAULTS = editorDefaultsOf(TTS_SPEC) as Omit<GradiumTtsProps, 'gradium'>;

export const CONFIG_DEFAULTS = editorDefaultsOf(CONFIG_SPEC) as GradiumConfigProps;

/** `wyoming-server` as saved in the flow. */
export type WyomingServerProps = SavedValuesOf<typeof WYOMING_SERVER_SPEC>;

export const WYOMING_SERVER_DEFAULTS = editorDefaultsOf(WYOMING_SERVER_SPEC) as WyomingServerProps;

/** The runtime side of a deployed wyoming-server node, as gradium-stt and gradium-tts see it. */
export interface WyomingServerNode extends Node {
  /** null when the node's properties are invalid. */
  wyoming: WyomingServer | null;
  /** Resolves once listening; rejects with the reason it cannot (port in use, bad properties). */
  listening: Promise<void>;
}
