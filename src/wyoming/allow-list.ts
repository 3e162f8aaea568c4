/**
 * Who may connect. Wyoming has no authentication, and every connection spends the account's credits, so the
 * default lets in only this machine and the local network: `private` = loopback, private (RFC 1918, IPv6 ULA)
 * and link-local addresses. Otherwise a comma-separated list of addresses and CIDR ranges (IPv4 and IPv6,
 * `private` may be one of the items), or `*` for anyone.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export class AllowListError extends Error {
  override readonly name = 'AllowListError';
}

export interface AllowList {
  /** The text it was read from, normalised (for the status and logs). */
  readonly text: string;
  readonly anyone: boolean;
  allows(address: string): boolean;
}

const PRIVATE_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['127.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

/** Throws AllowListError naming the item it could not read. */
export function parseAllowList(raw: string): AllowList {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new AllowListError('allow is empty; expected "private", "*", or addresses and CIDR ranges such as 192.168.1.0/24');
  if (items.includes('*')) {
    if (items.length > 1) throw new AllowListError('allow: "*" (anyone) cannot be combined with other entries');
    return { text: '*', anyone: true, allows: () => true };
  }
  const list = new BlockList();
  for (const item of items) {
    if (item === 'private') {
      for (const [net, prefix, family] of PRIVATE_RANGES) list.addSubnet(net, prefix, family);
      continue;
    }
    const slash = item.indexOf('/');
    const address = slash < 0 ? item : item.slice(0, slash);
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    if (!family) throw new AllowListError(`allow: "${item}" is not an address or CIDR range; expected e.g. 192.168.1.20, 192.168.1.0/24, fd00::/8, private or *`);
    if (slash < 0) {
      list.addAddress(address, family);
      continue;
    }
    const bits = item.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 'ipv4' ? 32 : 128))) {
      throw new AllowListError(`allow: "${item}" has a prefix length that is not 0–${family === 'ipv4' ? 32 : 128}`);
    }
    list.addSubnet(address, prefix, family);
  }
  return {
    text: items.join(', '),
    anyone: false,
    allows(remote: string): boolean {
      // IPv4 clients of a dual-stack listener arrive as ::ffff:a.b.c.d.
      const plain = remote.startsWith('::ffff:') && isIPv4(remote.slice(7)) ? remote.slice(7) : remote;
      if (isIPv4(plain)) return list.check(plain, 'ipv4');
      if (isIPv6(plain)) return list.check(plain, 'ipv6');
      return false;
    },
  };
}
