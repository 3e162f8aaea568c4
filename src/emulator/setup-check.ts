/**
 * Validation of a `setup` message the way Gradium answers it: the error code and, where known, the
 * exact text. Texts marked UNCONFIRMED are ours; only the language-required text is a real capture.
 */
import {
  DELAYS_IN_FRAMES,
  INPUT_FORMATS,
  LANGUAGES,
  SERVER_DEFAULT_DELAY_IN_FRAMES,
  type InputFormat,
  type JsonConfig,
  type SetupMessage,
} from '../gradium/protocol';

export const LANGUAGE_REQUIRED_MESSAGE =
  'A language is required to start an ASR session. Supported languages: en, fr, de, es, pt, any.';

export interface AcceptedSetup {
  ok: true;
  setup: SetupMessage;
  config: JsonConfig;
  modelName: string;
  inputFormat: InputFormat;
  delayInFrames: number;
  closeOnEndOfStream: boolean;
  /** `json_config.emulator_script`: a per-session script that real Gradium ignores as an unknown key. */
  script: string[] | undefined;
}

export interface RefusedSetup {
  ok: false;
  code: number;
  message: string;
}

export function checkSetup(msg: Record<string, unknown>, requireLanguage: boolean): AcceptedSetup | RefusedSetup {
  const refuse = (code: number, message: string): RefusedSetup => ({ ok: false, code, message });

  const modelName = msg.model_name === undefined ? 'default' : msg.model_name;
  if (typeof modelName !== 'string' || modelName === '') return refuse(1008, 'model_name must be a non-empty string'); // UNCONFIRMED text

  const format = msg.input_format === undefined ? 'wav' : msg.input_format;
  if (typeof format !== 'string' || !(INPUT_FORMATS as readonly string[]).includes(format)) {
    // UNCONFIRMED text; 1008 is documented for an invalid audio format.
    return refuse(1008, `Unsupported input_format ${JSON.stringify(format)}. Supported formats: ${INPUT_FORMATS.join(', ')}.`);
  }

  const config = parseJsonConfig(msg.json_config);
  if (!config) return refuse(1011, 'json_config must be a JSON object or a string holding one'); // UNCONFIRMED text

  const language = config.language;
  if (language === undefined || language === null || language === '') {
    if (requireLanguage) return refuse(1011, LANGUAGE_REQUIRED_MESSAGE);
  } else if (typeof language !== 'string' || !(LANGUAGES as readonly string[]).includes(language)) {
    return refuse(1011, `Unsupported language ${JSON.stringify(language)}. Supported languages: ${LANGUAGES.join(', ')}.`); // UNCONFIRMED text
  }

  const delay = config.delay_in_frames ?? config.delay_in_tokens ?? SERVER_DEFAULT_DELAY_IN_FRAMES;
  if (typeof delay !== 'number' || !(DELAYS_IN_FRAMES as readonly number[]).includes(delay)) {
    return refuse(1011, `Unsupported delay_in_frames ${JSON.stringify(delay)}. Supported values: ${DELAYS_IN_FRAMES.join(', ')}.`); // UNCONFIRMED text
  }

  if (msg.close_ws_on_eos !== undefined && typeof msg.close_ws_on_eos !== 'boolean') {
    return refuse(1008, 'close_ws_on_eos must be a boolean'); // UNCONFIRMED text
  }

  const script = config.emulator_script;
  return {
    ok: true,
    setup: msg as unknown as SetupMessage,
    config,
    modelName,
    inputFormat: format as InputFormat,
    delayInFrames: delay,
    closeOnEndOfStream: msg.close_ws_on_eos !== false,
    script: Array.isArray(script) && script.every((l) => typeof l === 'string') ? script : undefined,
  };
}

/** A setup's json_config (ASR or TTS): absent is {}, an object or a string holding one; undefined when it is neither. */
export function parseJsonConfig<C extends object = JsonConfig>(raw: unknown): C | undefined {
  if (raw === undefined || raw === null) return {} as C;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as C) : undefined;
}
