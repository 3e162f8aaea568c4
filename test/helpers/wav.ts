/**
 * A canonical 44-byte header of a 16-bit mono PCM WAV, written by hand (not by the code under test), for the
 * tests that feed WAV to a real Node-RED: a whole file (`dataBytes` known) or a never-ending stream (`null`:
 * RIFF and data sizes 0xFFFFFFFF, as streaming writers put them).
 */
export function pcm16MonoWavHeader(dataBytes: number | null, sampleRate = 16000): Buffer {
  const unknown = 0xffffffff;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(dataBytes === null ? unknown : 36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes === null ? unknown : dataBytes, 40);
  return header;
}
