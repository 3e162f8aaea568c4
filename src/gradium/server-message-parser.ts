/**
 * Turns a raw server frame into a typed ServerMessage, checking every field the client relies on.
 * A malformed frame yields a reason string instead of throwing: one bad frame must not kill a session.
 */
import type { ErrorMessage, ServerMessage, VadEntry } from './protocol';

export type ParseResult = { ok: true; message: ServerMessage } | { ok: false; reason: string };

/** Frames larger than this are refused unparsed: no legitimate server message comes near it. */
export const MAX_SERVER_FRAME_BYTES = 1024 * 1024;

type Fields = Record<string, unknown>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isStreamId = (v: unknown): v is number | null => v === null || v === undefined || isNum(v);

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}

/** An `error` frame, the same in ASR and TTS: whatever is missing gets a stand-in, so the error is never lost. */
export function readErrorFrame(m: Readonly<Record<string, unknown>>): ErrorMessage {
  return {
    type: 'error',
    message: isStr(m.message) ? m.message : 'unknown error',
    code: isNum(m.code) ? m.code : 1011,
    client_req_id: isStr(m.client_req_id) ? m.client_req_id : null,
  };
}

/** Checks the entries in place rather than copying them: a step arrives every 80 ms on every stream. */
function parseVad(v: unknown): VadEntry[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const e of v) {
    if (!e || typeof e !== 'object') return undefined;
    const entry = e as Fields;
    if (!isNum(entry.horizon_s) || !isNum(entry.inactivity_prob)) return undefined;
  }
  return v as VadEntry[];
}

export function parseServerMessage(raw: string): ParseResult {
  if (raw.length > MAX_SERVER_FRAME_BYTES) return fail(`frame of ${raw.length} bytes exceeds the limit`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail(`not JSON: ${raw.slice(0, 80)}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return fail('not a JSON object');
  const m = data as Fields;
  switch (m.type) {
    case 'ready':
      if (!isStr(m.request_id)) return fail('ready without request_id');
      return {
        ok: true,
        message: {
          type: 'ready',
          request_id: m.request_id,
          model_name: isStr(m.model_name) ? m.model_name : 'default',
          sample_rate: isNum(m.sample_rate) ? m.sample_rate : 24000,
          frame_size: isNum(m.frame_size) ? m.frame_size : 1920,
          delay_in_frames: isNum(m.delay_in_frames) ? m.delay_in_frames : 10,
          text_stream_names: Array.isArray(m.text_stream_names) ? m.text_stream_names.filter(isStr) : [],
        },
      };
    case 'text':
      if (!isStr(m.text) || !isNum(m.start_s) || !isStreamId(m.stream_id)) return fail('malformed text');
      return { ok: true, message: { type: 'text', text: m.text, start_s: m.start_s, stream_id: m.stream_id ?? null } };
    case 'end_text':
      if (!isNum(m.stop_s) || !isStreamId(m.stream_id)) return fail('malformed end_text');
      return { ok: true, message: { type: 'end_text', stop_s: m.stop_s, stream_id: m.stream_id ?? null } };
    case 'step': {
      const vad = parseVad(m.vad);
      if (!vad || !isNum(m.step_idx)) return fail('malformed step');
      return {
        ok: true,
        message: {
          type: 'step',
          vad,
          step_idx: m.step_idx,
          step_duration_s: isNum(m.step_duration_s) ? m.step_duration_s : 0.08,
          total_duration_s: isNum(m.total_duration_s) ? m.total_duration_s : 0,
        },
      };
    }
    case 'flushed':
      if (!isNum(m.flush_id) && !isStr(m.flush_id)) return fail('flushed without flush_id');
      return { ok: true, message: { type: 'flushed', flush_id: m.flush_id } };
    case 'end_of_stream':
      return { ok: true, message: { type: 'end_of_stream' } };
    case 'error':
      return { ok: true, message: readErrorFrame(m) };
    default:
      return fail(`unknown message type ${JSON.stringify(m.type)}`);
  }
}
