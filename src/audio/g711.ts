/**
 * G.711 μ-law and A-law (ITU-T G.711) to and from 16-bit linear PCM. They pass through untouched when
 * Gradium can take them (8 kHz mono); these tables serve downmix, resampling and mixed-encoding streams.
 */

function decodeMuLaw(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function decodeALaw(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function buildTable(decode: (byte: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let b = 0; b < 256; b++) table[b] = decode(b);
  return table;
}

/** Linear value of each code byte, indexed by the byte. */
export const MULAW_TO_LINEAR = buildTable(decodeMuLaw);
export const ALAW_TO_LINEAR = buildTable(decodeALaw);

/** Index of the highest set bit (value > 0). */
function highestBit(value: number): number {
  return 31 - Math.clz32(value);
}

export function linearToMuLaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  const exponent = highestBit(s) - 7;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function linearToALaw(sample: number): number {
  let s = sample;
  const sign = s >= 0 ? 0x80 : 0;
  if (!sign) s = -s - 1;
  if (s > 32767) s = 32767;
  let code: number;
  if (s >= 256) {
    const exponent = highestBit(s) - 7;
    code = (exponent << 4) | ((s >> (exponent + 3)) & 0x0f);
  } else {
    code = s >> 4;
  }
  return (sign | code) ^ 0x55;
}
