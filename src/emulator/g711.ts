/**
 * G.711 expansion tables (ITU-T G.711, the classic Sun reference algorithm): one byte to a 16-bit sample.
 * Built once at load so decoding is a table lookup per byte.
 */

function expandMuLaw(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function expandALaw(code: number): number {
  const a = code ^ 0x55;
  const segment = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function table(expand: (code: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) t[code] = expand(code);
  return t;
}

export const MU_LAW_TO_PCM16: Int16Array = table(expandMuLaw);
export const A_LAW_TO_PCM16: Int16Array = table(expandALaw);

/** 16-bit sample to μ-law (G.711, with the usual bias and clip). */
export function pcm16ToMuLaw(sample: number): number {
  const BIAS = 0x84;
  let s = sample;
  const sign = s < 0 ? 0x80 : 0x00;
  if (s < 0) s = -s;
  if (s > 32635) s = 32635;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** 16-bit sample to A-law (G.711). */
export function pcm16ToALaw(sample: number): number {
  let s = sample >> 3; // A-law works on 13-bit magnitudes
  let sign = 0x80;
  if (s < 0) {
    sign = 0x00;
    s = -s - 1;
  }
  let code: number;
  if (s < 32) {
    code = s >> 1;
  } else {
    let segment = 1;
    for (let v = s >> 5; v > 1 && segment < 7; v >>= 1) segment++;
    code = (segment << 4) | ((s >> segment) & 0x0f);
  }
  return (sign | code) ^ 0x55;
}
