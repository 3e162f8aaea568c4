/**
 * Recognises, by the first bytes of a stream, the containers Gradium does not take and an installed ffmpeg
 * decodes: MP3 (ID3 tag or MPEG audio frame sync), MP4/M4A (`ftyp` box), ADTS AAC, FLAC (`fLaC`),
 * WebM/Matroska (EBML magic 1A45DFA3) and Ogg whose first packet is not Opus (Vorbis, FLAC, Speex in Ogg).
 * Ogg Opus is named too: it goes to Gradium as it is. Only a stream's first bytes are looked at: raw PCM in
 * the middle of a stream could hold any byte pattern.
 */

export const CONTAINERS = ['mp3', 'mp4', 'aac', 'flac', 'webm', 'ogg-vorbis', 'ogg', 'ogg-opus'] as const;
export type Container = (typeof CONTAINERS)[number];

/** What users call each container, for errors and warnings. */
export const CONTAINER_NAMES: Record<Container, string> = {
  mp3: 'MP3',
  mp4: 'MP4/M4A',
  aac: 'AAC (ADTS)',
  flac: 'FLAC',
  webm: 'WebM/Matroska',
  'ogg-vorbis': 'Ogg Vorbis',
  ogg: 'Ogg (not Opus)',
  'ogg-opus': 'Ogg Opus',
};

/** Enough bytes to decide every case above (an Ogg page header plus the first packet's codec id). */
export const SNIFF_BYTES = 64;

/** The result: a container, 'unknown' (raw PCM or WAV as far as this module goes), or 'short' (send more). */
export type SniffResult = Container | 'unknown' | 'short';

function ascii(b: Buffer, at: number, n: number): string {
  return b.toString('latin1', at, at + n);
}

/** MPEG-1/2/2.5 Layer I–III bitrates (kbit/s) by [version 1 or 2][layer 1..3][index]. */
const BITRATES: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Length in bytes of the MPEG audio frame whose header is at `at`, or 0 when it is not a valid header. */
export function mpegFrameLength(b: Buffer, at: number): number {
  if (b.length < at + 4 || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return 0;
  const versionBits = (b[at + 1]! >> 3) & 3;
  const layerBits = (b[at + 1]! >> 1) & 3;
  const bitrateIndex = b[at + 2]! >> 4;
  const rateIndex = (b[at + 2]! >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0;
  const layer = 4 - layerBits;
  const v1 = versionBits === 3;
  const kbps = BITRATES[`${v1 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  const rate = MPEG_RATES[versionBits]![rateIndex]!;
  const padding = (b[at + 2]! >> 1) & 1;
  if (layer === 1) return (Math.floor((12 * kbps * 1000) / rate) + padding) * 4;
  const perFrame = layer === 3 && !v1 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + padding;
}

/** ADTS (raw AAC) frame length from its header at `at`, or 0. */
function adtsFrameLength(b: Buffer, at: number): number {
  if (b.length < at + 7 || b[at] !== 0xff || (b[at + 1]! & 0xf6) !== 0xf0) return 0;
  const len = ((b[at + 3]! & 0x03) << 11) | (b[at + 4]! << 3) | (b[at + 5]! >> 5);
  return len >= 7 ? len : 0;
}

/**
 * A frame sync alone could be raw PCM (a sample of -1 is FF FF): a second valid header must follow where the
 * first frame ends. When the chunk ends before that, one valid header is taken as enough.
 */
function framesChain(b: Buffer, length: (b: Buffer, at: number) => number): boolean {
  const first = length(b, 0);
  if (first === 0) return false;
  if (b.length < first + 4) return true;
  return length(b, first) > 0;
}

function sniffOgg(b: Buffer): SniffResult {
  // Page header: 27 bytes, then one lacing value per segment; the first packet starts after them.
  if (b.length < 27) return 'short';
  const segments = b[26]!;
  const packet = 27 + segments;
  if (b.length < packet + 8) return 'short';
  if (ascii(b, packet, 8) === 'OpusHead') return 'ogg-opus';
  if (b[packet] === 0x01 && ascii(b, packet + 1, 6) === 'vorbis') return 'ogg-vorbis';
  return 'ogg';
}

/** What the first bytes of a stream are. */
export function sniffContainer(b: Buffer): SniffResult {
  if (b.length < 4) return 'short';
  const magic = ascii(b, 0, 4);
  if (magic === 'OggS') return sniffOgg(b);
  if (magic === 'fLaC') return 'flac';
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
  if (magic.startsWith('ID3') && b[3]! >= 2 && b[3]! <= 4) return 'mp3';
  if (b.length < 12) return magic === 'RIFF' || b[0] === 0xff || b[0] === 0 ? 'short' : 'unknown';
  if (ascii(b, 4, 4) === 'ftyp') return 'mp4';
  if (b[0] === 0xff && framesChain(b, adtsFrameLength)) return 'aac';
  if (b[0] === 0xff && framesChain(b, mpegFrameLength)) return 'mp3';
  return 'unknown';
}

/** The containers that need ffmpeg (all but Ogg Opus, which Gradium takes as it is). */
export function needsFfmpeg(c: SniffResult): c is Exclude<Container, 'ogg-opus'> {
  return c !== 'unknown' && c !== 'short' && c !== 'ogg-opus';
}
