/**
 * Zeroconf advertising of the server as `_wyoming._tcp.local.`, the service Home Assistant's wyoming integration
 * discovers (homeassistant/generated/zeroconf.py). An mDNS responder: it answers questions for the service type,
 * the instance and the host name with PTR, SRV, TXT and A/AAAA records, announces itself when it starts and says
 * goodbye (TTL 0) when it stops. It works where multicast reaches Home Assistant (the same LAN, host networking);
 * in a Docker bridge network it does not, and adding the integration by host and port still works.
 */
import * as os from 'node:os';
import multicastDns = require('multicast-dns');

export const SERVICE_TYPE = '_wyoming._tcp.local';
const TTL_SECONDS = 120;
const MDNS_PORT = 5353;

export interface AdvertiseOptions {
  /** The instance name Home Assistant shows in its discovery card. */
  name: string;
  port: number;
  /** Default: this machine's name. */
  hostName?: string;
  /** Default: every non-internal address of this machine (loopback in tests). */
  addresses?: string[];
  /** multicast-dns options (tests bind the responder to loopback). */
  mdns?: Parameters<typeof multicastDns>[0];
  onWarning?: (message: string) => void;
}

type Answer = { name: string; type: string; ttl?: number; flush?: boolean; data: unknown };

export class ZeroconfAdvertiser {
  private readonly mdns: ReturnType<typeof multicastDns>;
  private readonly instance: string;
  private readonly host: string;
  private readonly addresses: string[];
  private stopped = false;

  constructor(private readonly options: AdvertiseOptions) {
    // DNS labels: at most 63 bytes; dots would split the instance name.
    this.instance = `${options.name.replace(/\./g, ' ').slice(0, 63) || 'Gradium'}.${SERVICE_TYPE}`;
    this.host = `${(options.hostName ?? os.hostname()).split('.')[0]!.replace(/[^A-Za-z0-9-]/g, '-') || 'node-red'}.local`;
    this.addresses = options.addresses ?? ownAddresses();
    this.mdns = multicastDns(options.mdns);
    this.mdns.on('query', (packet: { questions: { name: string; type: string }[] }, from: { address: string; port: number }) =>
      this.onQuery(packet.questions, from),
    );
    this.mdns.on('error', (err: Error) => options.onWarning?.(`zeroconf: ${err.message}`));
    this.mdns.on('warning', () => undefined);
    this.mdns.on('ready', () => this.announce(TTL_SECONDS));
  }

  get instanceName(): string {
    return this.instance;
  }

  /** Goodbye records (TTL 0), then the socket closes. */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        this.mdns.destroy(() => resolve());
      };
      try {
        this.mdns.respond({ answers: this.records(0) }, () => finish());
      } catch {
        finish();
      }
      setTimeout(finish, 200).unref();
    });
  }

  private onQuery(questions: { name: string; type: string }[], from: { address: string; port: number }): void {
    if (this.stopped) return;
    const wanted = questions.some((q) => {
      const name = q.name.toLowerCase().replace(/\.$/, '');
      return name === SERVICE_TYPE || name === this.instance.toLowerCase() || name === this.host.toLowerCase() || name === '_services._dns-sd._udp.local';
    });
    // A querier that is not on port 5353 is a one-shot (legacy) resolver: it gets its answer by unicast
    // (RFC 6762 §6.7); everyone else hears it on the multicast group.
    if (wanted) this.announce(TTL_SECONDS, from.port === MDNS_PORT ? undefined : from);
  }

  private announce(ttl: number, to?: { address: string; port: number }): void {
    if (this.stopped && ttl > 0) return;
    const [ptr, ...rest] = this.records(ttl);
    const done = (err: Error | null): void => {
      if (err) this.options.onWarning?.(`zeroconf: ${err.message}`);
    };
    if (to) {
      this.mdns.respond({ answers: [ptr!], additionals: rest }, to, done);
      return;
    }
    this.mdns.respond({ answers: [ptr!], additionals: rest }, (err) => {
      if (err) this.options.onWarning?.(`zeroconf: ${err.message}`);
    });
  }

  private records(ttl: number): Answer[] {
    const out: Answer[] = [
      { name: SERVICE_TYPE, type: 'PTR', ttl, data: this.instance },
      { name: this.instance, type: 'SRV', ttl, flush: true, data: { port: this.options.port, weight: 0, priority: 0, target: this.host } },
      { name: this.instance, type: 'TXT', ttl, flush: true, data: [] },
    ];
    for (const a of this.addresses) out.push({ name: this.host, type: a.includes(':') ? 'AAAA' : 'A', ttl, flush: true, data: a });
    return out;
  }
}

function ownAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && (a.family === 'IPv4' || !a.address.startsWith('fe80'))) out.push(a.address);
  }
  return out.length > 0 ? out : ['127.0.0.1'];
}
