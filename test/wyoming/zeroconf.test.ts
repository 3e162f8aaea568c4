/**
 * Zeroconf advertising, as far as it can be tested here: the loopback interface has no multicast, and no other
 * network may be used, so the responder runs on a loopback port and a one-shot resolver asks it by unicast (the
 * legacy query of RFC 6762 §6.7, answered to the asker). What this proves: the responder answers a question
 * for `_wyoming._tcp.local` with the PTR, SRV (port), TXT and A records Home Assistant's zeroconf reads, and says
 * goodbye (TTL 0) when it stops. What it cannot: that multicast reaches Home Assistant on a real LAN.
 */
import { strict as assert } from 'node:assert';
import * as dgram from 'node:dgram';
import { ZeroconfAdvertiser, SERVICE_TYPE } from '../../src/wyoming/zeroconf';
import { freePort } from './harness';

// dns-packet comes with multicast-dns (it has no types of its own).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dnsPacket = require('dns-packet') as {
  encode(p: object): Buffer;
  decode(b: Buffer): { answers: { name: string; type: string; ttl: number; data: unknown }[]; additionals: { name: string; type: string; ttl: number; data: unknown }[] };
};

function ask(port: number): Promise<ReturnType<typeof dnsPacket.decode>> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer'));
    }, 5000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(msg));
    });
    socket.bind(0, '127.0.0.1', () => {
      socket.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name: SERVICE_TYPE, type: 'PTR' }] }), port, '127.0.0.1');
    });
  });
}

describe('wyoming: zeroconf advertising (_wyoming._tcp)', () => {
  it('answers a question for _wyoming._tcp.local with PTR, SRV, TXT and A records', async () => {
    const port = await freePort();
    const adv = new ZeroconfAdvertiser({
      name: 'Gradium (Node-RED)',
      port: 10300,
      hostName: 'nodered-test',
      addresses: ['127.0.0.1'],
      mdns: { port, ip: '127.0.0.1', interface: '127.0.0.1', multicast: false },
    });
    try {
      // The responder binds asynchronously; ask until it answers.
      let answer: ReturnType<typeof dnsPacket.decode> | undefined;
      for (let i = 0; i < 5 && !answer; i++) answer = await ask(port).catch(() => undefined);
      assert.ok(answer, 'no answer from the responder');
      const all = [...answer.answers, ...answer.additionals];
      const ptr = all.find((r) => r.type === 'PTR');
      assert.equal(ptr?.name, SERVICE_TYPE);
      assert.equal(ptr?.data, `Gradium (Node-RED).${SERVICE_TYPE}`);
      const srv = all.find((r) => r.type === 'SRV') as { data: { port: number; target: string } } | undefined;
      assert.deepEqual(srv && { port: srv.data.port, target: srv.data.target }, { port: 10300, target: 'nodered-test.local' });
      assert.ok(all.some((r) => r.type === 'TXT'));
      assert.deepEqual(all.filter((r) => r.type === 'A').map((r) => [r.name, r.data]), [['nodered-test.local', '127.0.0.1']]);
      assert.ok(all.every((r) => r.ttl > 0));
    } finally {
      await adv.stop();
    }
  });
});
