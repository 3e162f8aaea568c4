/**
 * The voices the emulator knows: a sample of Gradium's public catalogue (ids from the protocol
 * docs/gradium-tts-protocol.md, "Voices") and any custom voices given as an option (the account's clones). A setup naming any
 * other voice_id fails the way Gradium fails it: error 1011 "Embeddings not found for <id>".
 */

export interface EmulatorVoice {
  uid: string;
  name: string;
  language: string;
  gender: 'F' | 'M' | '';
  description: string;
  is_catalog: boolean;
}

function v(uid: string, name: string, language: string, gender: 'F' | 'M', description: string): EmulatorVoice {
  return { uid, name, language, gender, description, is_catalog: true };
}

export const CATALOG_VOICES: readonly EmulatorVoice[] = [
  v('YTpq7expH9539ERJ', 'Emma', 'en', 'F', 'US English'),
  v('_6Aslh2DxfmnRLmP', 'Russell', 'en', 'M', 'US English'),
  v('NbpkqMVS3CJeq2j8', 'Zoey', 'en', 'F', 'US English'),
  v('4rdlkbxRv4m3UQTW', 'Tilly', 'en', 'F', 'British English'),
  v('dME3IWyZBvmh1n1q', 'Toby', 'en', 'M', 'British English'),
  v('YhIHaAfQ0cQPDV9R', 'Solène', 'fr', 'F', 'French'),
  v('iEu63s1rhn_kegTr', 'Gaspard', 'fr', 'M', 'French'),
  v('MAYVpVTYBzLRqNC7', 'Resi', 'de', 'F', 'German'),
  v('20zdyYrQPzKlCwkk', 'Leon', 'de', 'M', 'German'),
  v('iTQW2xFICXk8riV4', 'Vera', 'es', 'F', 'Spanish (Spain)'),
  v('n7vovxcDTVG4gClo', 'Diego', 'es', 'M', 'Spanish (Mexico)'),
  v('6k6cRt7QJfm5ChrH', 'Rafaela', 'pt', 'F', 'Brazilian Portuguese'),
];

/** The voice used when a setup names none (Gradium falls back to a default voice). */
export const DEFAULT_VOICE_ID = 'YTpq7expH9539ERJ';

export const UNKNOWN_VOICE_MESSAGE = (voiceId: string): string => `Embeddings not found for ${voiceId}`;
