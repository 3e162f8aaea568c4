/** The part of multicast-dns (plain JavaScript, no types published) that zeroconf.ts uses. */
declare module 'multicast-dns' {
  import type { EventEmitter } from 'node:events';

  interface Question {
    name: string;
    type: string;
  }
  interface Answer {
    name: string;
    type: string;
    ttl?: number;
    class?: string;
    flush?: boolean;
    data: unknown;
  }
  interface MulticastDns extends EventEmitter {
    respond(packet: { answers: Answer[]; additionals?: Answer[] }, cb?: (err: Error | null) => void): void;
    respond(packet: { answers: Answer[]; additionals?: Answer[] }, to: { address: string; port: number }, cb?: (err: Error | null) => void): void;
    query(questions: Question[] | { questions: Question[] }, cb?: (err: Error | null) => void): void;
    destroy(cb?: () => void): void;
  }
  interface Options {
    multicast?: boolean;
    interface?: string;
    port?: number;
    ip?: string;
    ttl?: number;
    loopback?: boolean;
    reuseAddr?: boolean;
    bind?: string | false;
  }
  function multicastDns(options?: Options): MulticastDns;
  export = multicastDns;
}
