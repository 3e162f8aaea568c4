/**
 * What reached the client end of each WebSocket to one server: an observer on `ws`'s client sockets that
 * replaces nothing (every event still goes to the code under test, unchanged). The emulator knows what it
 * wrote; only the client side knows what arrived. They differ when a socket is reset: a write of the client
 * after the server's RST fails, and Node tears the socket down without reading what was already in its
 * receive buffer. Tests that cut a connection compare the two through this.
 */
import WebSocket from 'ws';

export interface ClientSocketLog {
  /** The highest `total_duration_s` of the `step` messages that reached the client: audio acknowledged (s). */
  ackedS: number;
  /** Words of the `text` messages that reached the client, in order. */
  words: string[];
}

type Emit = (this: WebSocket, event: string | symbol, ...args: unknown[]) => boolean;

export class ClientFrameTap {
  /** One log per client socket to the server, in the order they were opened. */
  readonly sockets: ClientSocketLog[] = [];
  private readonly original: Emit;

  /** Observe the client sockets whose URL starts with the origin of `serverUrl`, until stop(). */
  constructor(serverUrl: string) {
    const u = new URL(serverUrl);
    const prefix = `${u.protocol}//${u.host}/`;
    const logs = new WeakMap<WebSocket, ClientSocketLog>();
    const sockets = this.sockets;
    const original = WebSocket.prototype.emit as Emit;
    this.original = original;
    const observed: Emit = function (event, ...args) {
      // Server-side sockets (the emulator's) have no url.
      if (typeof this.url === 'string' && this.url.startsWith(prefix)) {
        let log = logs.get(this);
        if (!log) {
          log = { ackedS: 0, words: [] };
          logs.set(this, log);
          sockets.push(log);
        }
        if (event === 'message' && args[1] === false) record(log, String(args[0]));
      }
      return original.call(this, event, ...args);
    };
    WebSocket.prototype.emit = observed;
  }

  stop(): void {
    WebSocket.prototype.emit = this.original;
  }
}

function record(log: ClientSocketLog, text: string): void {
  let m: { type?: unknown; total_duration_s?: unknown; text?: unknown };
  try {
    m = JSON.parse(text) as typeof m;
  } catch {
    return;
  }
  if (m.type === 'step' && typeof m.total_duration_s === 'number') log.ackedS = Math.max(log.ackedS, m.total_duration_s);
  else if (m.type === 'text' && typeof m.text === 'string') log.words.push(...m.text.split(' ').filter(Boolean));
}
