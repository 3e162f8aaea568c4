/**
 * Turns a raw TTS server frame into a typed message, checking every field the client relies on. A
 * malformed frame yields a reason instead of throwing; a frame of a type this client does not know
 * (`need_more_text`, anything newer) is reported as `unknown` so the session can ignore it on purpose.
 */
import type { TtsServerMessage } from './tts-protocol';
import { MAX_SERVER_FRAME_BYTES, readErrorFrame } from './server-message-parser';

export type TtsParseResult =
  | { ok: true; message: TtsServerMessage }
  | { ok: false; reason: string; unknownType?: string };

type Fields = Record<string, unknown>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isStr) : []);

export function parseTtsServerMessage(raw: string): TtsParseResult {
  if (raw.length > MAX_SERVER_FRAME_BYTES) return { ok: false, reason: `frame of ${raw.length} bytes exceeds the limit` };
  // The hot path: audio frames are most of the traffic and carry a long base64 string.
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, reason: `not JSON: ${raw.slice(0, 80)}` };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { ok: false, reason: 'not a JSON object' };
  const m = data as Fields;
  switch (m.type) {
    case 'audio':
      if (!isStr(m.audio)) return { ok: false, reason: 'audio without a base64 string' };
      return {
        ok: true,
        message: {
          type: 'audio',
          audio: m.audio,
          start_s: isNum(m.start_s) ? m.start_s : 0,
          stop_s: isNum(m.stop_s) ? m.stop_s : 0,
          stream_id: isNum(m.stream_id) ? m.stream_id : 0,
        },
      };
    case 'text':
      if (!isStr(m.text)) return { ok: false, reason: 'text without a string' };
      return {
        ok: true,
        message: {
          type: 'text',
          text: m.text,
          start_s: isNum(m.start_s) ? m.start_s : 0,
          stop_s: isNum(m.stop_s) ? m.stop_s : isNum(m.start_s) ? m.start_s : 0,
          stream_id: isNum(m.stream_id) ? m.stream_id : 0,
        },
      };
    case 'ready':
      if (!isStr(m.request_id)) return { ok: false, reason: 'ready without request_id' };
      return {
        ok: true,
        message: {
          type: 'ready',
          request_id: m.request_id,
          model_name: isStr(m.model_name) ? m.model_name : 'default',
          sample_rate: isNum(m.sample_rate) ? m.sample_rate : 0,
          frame_size: isNum(m.frame_size) ? m.frame_size : 0,
          audio_stream_names: strings(m.audio_stream_names),
          text_stream_names: strings(m.text_stream_names),
        },
      };
    case 'end_of_stream':
      return { ok: true, message: { type: 'end_of_stream' } };
    case 'error':
      return { ok: true, message: readErrorFrame(m) };
    case 'need_more_text':
      return { ok: true, message: { type: 'need_more_text' } };
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(m.type)}`, unknownType: String(m.type) };
  }
}
