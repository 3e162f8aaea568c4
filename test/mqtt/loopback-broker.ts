/**
 * An in-process MQTT broker (aedes) on a loopback TCP port chosen by the OS, for tests that need a real
 * broker between a publishing device and Node-RED's `mqtt in` node.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { until } from '../helpers/speech-audio';

export interface LoopbackBroker {
  readonly port: number;
  /** mqtt://127.0.0.1:<port> */
  readonly url: string;
  /** Resolves once some client (e.g. Node-RED's mqtt in) has subscribed to exactly this topic filter. */
  subscribed(filter: string): Promise<void>;
  /** Closes the broker, every client connection and the TCP server. */
  close(): Promise<void>;
}

export async function startBroker(): Promise<LoopbackBroker> {
  // aedes 1.x is an ES module; a dynamic import loads it from this CommonJS file on every Node version.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const sockets = new Set<net.Socket>();
  const filters = new Set<string>();
  broker.on('subscribe', (subs) => {
    for (const s of subs) filters.add(s.topic);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async subscribed(filter: string): Promise<void> {
      await until(`a subscription to ${filter}`, () => filters.has(filter), 10000);
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      // Connections Node-RED or a publisher left open would keep the server (and mocha) alive.
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
