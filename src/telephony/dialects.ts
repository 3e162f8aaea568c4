/**
 * The phone providers whose media-stream messages the nodes speak, and how each one differs: the name of
 * its stream id, the shape of what goes back (media, mark, clear), and which audio it plays. Where a
 * provider's shape is not documented, the Twilio shape is used and the README ("Phone calls") says so.
 */

/** `signalwire` is Twilio's protocol under another name (cXML mirrors TwiML). */
export const DIALECTS = ['twilio', 'signalwire', 'telnyx', 'plivo', 'exotel'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** The audio a dialect plays back, in gradium-tts `format` terms (G.711 and PCM are 8 kHz unless listed). */
export interface PlayableAudio {
  /** gradium-tts formats this dialect can carry, with the sample rates each may have. */
  formats: Readonly<Partial<Record<'ulaw' | 'alaw' | 'pcm', readonly number[]>>>;
  /** Media events carry whole frames of this length (20 ms: what the providers send and expect). */
  frameMs: number;
  /** Each media event carries at most this much audio. */
  maxChunkMs: number;
  /** Each media event carries at least this much (the last one of an utterance is padded with silence). */
  minChunkMs: number;
}

const TWILIO_AUDIO: PlayableAudio = { formats: { ulaw: [8000] }, frameMs: 20, maxChunkMs: 100, minChunkMs: 0 };

export const PLAYABLE: Readonly<Record<Dialect, PlayableAudio>> = {
  twilio: TWILIO_AUDIO,
  signalwire: TWILIO_AUDIO,
  // PCMU by default, PCMA when the stream's bidirectional codec says so; L16's byte order is not documented.
  telnyx: { formats: { ulaw: [8000], alaw: [8000] }, frameMs: 20, maxChunkMs: 100, minChunkMs: 0 },
  // playAudio names its content type; L16's byte order is not documented, μ-law is.
  plivo: { formats: { ulaw: [8000] }, frameMs: 20, maxChunkMs: 100, minChunkMs: 0 },
  // slin 16-bit little-endian; chunks of at least 100 ms in multiples of 320 bytes, else gaps.
  exotel: { formats: { pcm: [8000, 16000, 24000] }, frameMs: 20, maxChunkMs: 100, minChunkMs: 100 },
};

/** Why a format cannot go out in this dialect, or undefined when it can. */
export function unplayableReason(dialect: Dialect, format: string, sampleRate: number): string | undefined {
  const rates = (PLAYABLE[dialect].formats as Record<string, readonly number[] | undefined>)[format];
  const accepted = Object.entries(PLAYABLE[dialect].formats)
    .map(([f, r]) => (f === 'pcm' ? `"pcm" at ${r.join(', ')} Hz` : `"${f}"`))
    .join(' or ');
  if (!rates) return `a ${dialect} media stream cannot carry format "${format}"; choose format ${accepted}`;
  const rate = format === 'pcm' ? sampleRate : 8000;
  if (!rates.includes(rate)) return `a ${dialect} media stream cannot carry "${format}" at ${sampleRate} Hz; choose format ${accepted}`;
  return undefined;
}
