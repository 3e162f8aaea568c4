/**
 * ffmpeg as the decoder of every container Gradium does not take: one process per decoding stream fed through
 * its standard input (ffmpeg-decoder.ts), MP4 through a temporary file (spooled-decoder.ts), the program looked
 * up before anything starts (find-executable.ts), and no process outliving Node.js (child-reaper.ts).
 */
export { DECODED_RATE, DecodeError, FfmpegDecoder, NoDecoderError, noDecoderError, type DecoderExit } from './ffmpeg-decoder';
export { SpooledDecoder, MAX_SPOOL_BYTES } from './spooled-decoder';
export { canRun } from './find-executable';
export { liveChildPids } from './child-reaper';
