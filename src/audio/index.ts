/** Public API of the audio layer: payload → 80 ms frames in one Gradium input_format. */
export { AudioPipeline, OPUS_MAX_FRAME_BYTES } from './pipeline';
export { validateFormatOverride } from './format-override';
export { prepareAudio } from './resampler';
export { outputRateFor } from './output-rate';
export { ACCEPTED_PAYLOADS } from './payload';
export { AudioInputError } from './types';
export type { AudioFormat, AudioFrame, AudioPipelineOptions, Encoding, InputFormat, SampleFormat } from './types';
