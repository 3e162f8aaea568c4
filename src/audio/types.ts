/**
 * The contract between the audio layer and the stream layer. The stream layer only needs frames of bytes
 * in one Gradium `input_format`, with their duration, and a clear error for input it cannot use.
 */
import type { InputFormat } from '../gradium/protocol';
import { CodedError } from '../common/error-codes';

export type { InputFormat };

/**
 * How raw payload bytes are read: `auto` recognises WAV and Ogg Opus by their first bytes, and the containers
 * only ffmpeg reads (MP3, MP4/M4A/AAC, FLAC, WebM/Matroska, Ogg Vorbis: container-sniff.ts); else raw PCM.
 * `ffmpeg` sends whatever comes through an installed ffmpeg.
 */
export const ENCODINGS = ['auto', 'pcm', 'wav', 'opus', 'ulaw', 'alaw', 'ffmpeg'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Sample layouts of raw PCM: little-endian, and big-endian 16-bit (node-red-contrib-mic, Asterisk slin). */
export const SAMPLE_FORMATS = ['s16le', 's24le', 's32le', 'f32le', 'u8', 's16be'] as const;
export type SampleFormat = (typeof SAMPLE_FORMATS)[number];

/** How the bytes of a payload are to be read. `auto` sniffs WAV (RIFF) and Ogg by magic bytes. */
export interface AudioFormat {
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  sampleFormat: SampleFormat;
}

/** One chunk ready for an `audio` message: at most 80 ms, whole samples, in `inputFormat`. */
export interface AudioFrame {
  data: Buffer;
  durationMs: number;
}

/** Thrown for a payload that cannot be audio; the message names what came and what is accepted. */
export class AudioInputError extends CodedError {
  override readonly name = 'AudioInputError';
  constructor(message: string) {
    super('BAD_AUDIO', message);
  }
}

export interface AudioPipelineOptions {
  /** The node's defaults, used for raw PCM and G.711 payloads unless `msg.format` overrides them. */
  format: AudioFormat;
  /** Called at most once per kind of event (header change, conversion, dropped bytes). */
  onWarning?: (message: string) => void;
  /** Resample everything (except Ogg Opus) to this native PCM rate, e.g. 16000. */
  targetRate?: number;
}
