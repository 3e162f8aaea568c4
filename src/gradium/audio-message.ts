/**
 * The client's `audio` message, `{"type":"audio","audio":"<base64>"}`, built straight into one Buffer.
 * This runs for every 80 ms frame of every stream: joining strings would build a rope that ws then
 * flattens and re-encodes as UTF-8, and a string is sent as a frame header plus a payload (two writes
 * behind a cork); one Buffer is encoded once and goes out in a single write. Base64 never needs JSON
 * escaping.
 */
const HEAD = Buffer.from('{"type":"audio","audio":"', 'latin1');
const TAIL = Buffer.from('"}', 'latin1');

export function audioMessage(audio: Buffer): Buffer {
  const base64 = audio.toString('base64');
  const out = Buffer.allocUnsafe(HEAD.length + base64.length + TAIL.length);
  HEAD.copy(out, 0);
  out.write(base64, HEAD.length, 'latin1');
  TAIL.copy(out, HEAD.length + base64.length);
  return out;
}
