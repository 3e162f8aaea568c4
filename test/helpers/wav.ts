/**
 * The 44-byte header of a 16-bit mono PCM WAV, for the tests that feed WAV to a real Node-RED: a never-ending
 * stream (`dataBytes` null: RIFF and data sizes 0xFFFFFFFF, the emulator's streaming header) or a whole file
 * (the real sizes written over them).
 */
import { streamingWavHeader } from '../../src/emulator/wav-header';

export function pcm16MonoWavHeader(dataBytes: number | null, sampleRate = 16000): Buffer {
  const header = streamingWavHeader(sampleRate);
  if (dataBytes !== null) {
    header.writeUInt32LE(36 + dataBytes, 4);
    header.writeUInt32LE(dataBytes, 40);
  }
  return header;
}
