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
