/**
 * The `info` answer to `describe` (../shared/reference/wyoming.md §3.1): every program list present (empty, never
 * null: Python's Info.from_event fails on null), no `satellite` (Home Assistant would then load no STT/TTS),
 * every required artifact field set (`name`, `attribution`, `installed`, model `languages`, tts `voices`).
 */

export const ATTRIBUTION = { name: 'Gradium', url: 'https://gradium.ai' } as const;

/** What an attached gradium-stt offers. */
export interface AsrDescription {
  model: string;
  /** Languages a request may ask for (sorted). */
  languages: string[];
  /** false: the server ends the command itself (Gradium's turn detection). */
  requiresExternalVad: boolean;
}

export interface VoiceDescription {
  /** The voice id (what Home Assistant sends back as `voice.name`). */
  id: string;
  /** The display name Home Assistant shows. */
  displayName: string;
  languages: string[];
}

/** What an attached gradium-tts offers. */
export interface TtsDescription {
  voices: VoiceDescription[];
}

export function infoData(name: string, version: string, asr: AsrDescription | null, tts: TtsDescription | null): Record<string, unknown> {
  return {
    asr: asr
      ? [
          {
            name,
            attribution: ATTRIBUTION,
            installed: true,
            description: 'Gradium speech-to-text through Node-RED',
            version,
            models: [
              {
                name: asr.model,
                attribution: ATTRIBUTION,
                installed: true,
                description: `Gradium ${asr.model}`,
                version: null,
                languages: asr.languages,
              },
            ],
            supports_transcript_streaming: true,
            requires_external_vad: asr.requiresExternalVad,
          },
        ]
      : [],
    tts: tts
      ? [
          {
            name,
            attribution: ATTRIBUTION,
            installed: true,
            description: 'Gradium text-to-speech through Node-RED',
            version,
            voices: tts.voices.map((v) => ({
              name: v.id,
              attribution: ATTRIBUTION,
              installed: true,
              description: v.displayName,
              version: null,
              languages: v.languages,
              speakers: null,
            })),
            supports_synthesize_streaming: true,
          },
        ]
      : [],
    handle: [],
    intent: [],
    wake: [],
    mic: [],
    snd: [],
  };
}

/** `fr-FR`, `fr_FR`, `FR` → `fr`. */
export function baseLanguage(tag: string): string {
  return tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}
