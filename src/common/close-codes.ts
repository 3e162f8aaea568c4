/**
 * Which WebSocket close codes may go in a close frame (RFC 6455 §7.4, and the `ws` package's check, which
 * throws "First argument must be a valid error code number" on any other): 1000-1003, 1007-1014, and the
 * application range 3000-4999. 1004 is reserved, 1005 ("no status") and 1006 ("abnormal", the socket died)
 * and 1015 (TLS failure) only ever describe a close, never travel in one. Shared by the Gradium clients
 * (which echo a server's error code when it is sendable) and the emulator (whose faults may name any code).
 */

export const NORMAL_CLOSE = 1000;
/** What an unsendable code becomes: "internal error", the code Gradium uses for a failure of its own. */
export const FALLBACK_CLOSE = 1011;

export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** `code` when a close frame may carry it, else 1011: a fault or an error frame naming 1006 still closes cleanly. */
export function sendableCloseCode(code: number): number {
  return isSendableCloseCode(code) ? code : FALLBACK_CLOSE;
}

/** A close reason is limited to 123 bytes; longer ones are cut (at a character, then checked in bytes). */
export function closeReason(message: string): string {
  if (Buffer.byteLength(message) <= 123) return message;
  let cut = message.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}
