/**
 * TTS errors in the terms of GradiumError. Gradium's TTS answers an unknown voice with error 1011
 * "Embeddings not found for <id>": a configuration error that the same setup will hit again, so it must
 * not be retried, and the user needs the voice named. Real error texts carry a support footer after the
 * first line; only the first line is kept.
 */
import { GradiumError, errorFromServerFrame } from './errors';

export class UnknownVoiceError extends GradiumError {
  constructor(
    readonly voice: string,
    closeCode: number,
    serverMessage: string,
  ) {
    super('server', `Gradium does not know the voice "${voice}" (error ${closeCode}: ${serverMessage}).`, closeCode, 'config', 'VOICE_UNKNOWN');
  }
}

const UNKNOWN_VOICE = /embeddings? not found|unknown voice|voice[^\n]*not found|invalid voice/i;

export function firstLine(message: string): string {
  return (message.split(/\r?\n/)[0] ?? '').trim() || message.trim();
}

/** Classify a TTS `error` frame; `voice` is the voice_id the setup asked for. */
export function ttsErrorFromServerFrame(code: number, message: string, voice: string): GradiumError {
  const text = firstLine(message);
  if (UNKNOWN_VOICE.test(text)) return new UnknownVoiceError(voice, code, text);
  return errorFromServerFrame(code, text);
}
