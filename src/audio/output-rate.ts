/** Which rate Gradium is sent for a given source rate. */
import { NATIVE_PCM_RATES } from '../gradium/protocol';

export function isNativeRate(rate: number): boolean {
  return (NATIVE_PCM_RATES as readonly number[]).includes(rate);
}

/**
 * A native rate is kept; any other goes to the nearest native rate at or above it (the highest, 48 kHz,
 * for faster sources), so that conversion never narrows the audio band: 11025 Hz becomes 16000 Hz,
 * not 8000 Hz, which would cut everything above 4 kHz.
 */
export function outputRateFor(sourceRate: number): number {
  if (isNativeRate(sourceRate)) return sourceRate;
  for (const rate of NATIVE_PCM_RATES) if (rate >= sourceRate) return rate;
  return NATIVE_PCM_RATES[NATIVE_PCM_RATES.length - 1]!;
}
