// NetworkPolicy: which IP addresses an image URL may reach. Loopback, private, link-local, CGNAT, multicast,
// reserved and cloud-metadata ranges are refused unless a configured CIDR allows them.
import { BlockList, isIP } from 'node:net';

const BLOCKED_V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a shared (CGNAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local (cloud metadata) address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

const BLOCKED_V6: Array<[string, number, string]> = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['64:ff9b::', 96, 'a NAT64 address'],
  ['100::', 64, 'a discard address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['fc00::', 7, 'a private (unique local) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

export class NetworkPolicy {
  private readonly allowed = new BlockList();

  constructor(allowNetworks: readonly string[]) {
    for (const cidr of allowNetworks) {
      const [address, bits] = cidr.split('/');
      const family = isIP(address ?? '');
      if (!family) throw new Error(`Invalid network ${JSON.stringify(cidr)}: expected a CIDR such as 10.0.0.0/8`);
      this.allowed.addSubnet(address!, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allows(address: string): boolean {
    const v4 = mappedV4(address);
    if (v4) return this.allows(v4);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, family)) return true;
    return blockedRange(address) === undefined;
  }

  /** Why an address is refused, for the error message. */
  describe(address: string): string {
    return blockedRange(mappedV4(address) ?? address) ?? 'not allowed';
  }
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, in either spelling (::ffff:127.0.0.1 or ::ffff:7f00:1). */
function mappedV4(address: string): string | undefined {
  const dotted = /^(?:0{0,4}:){0,4}:?:ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^(?:0{0,4}:){0,4}:?:ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

const RANGES = [
  ...BLOCKED_V4.map(([net, bits, why]) => range(net, bits, 'ipv4', why)),
  ...BLOCKED_V6.map(([net, bits, why]) => range(net, bits, 'ipv6', why)),
];

function range(net: string, bits: number, family: 'ipv4' | 'ipv6', why: string): { list: BlockList; family: 'ipv4' | 'ipv6'; why: string } {
  const list = new BlockList();
  list.addSubnet(net, bits, family);
  return { list, family, why };
}

function blockedRange(address: string): string | undefined {
  const family = isIP(address) === 4 ? 'ipv4' : isIP(address) === 6 ? 'ipv6' : undefined;
  if (!family) return 'not an IP address';
  return RANGES.find((r) => r.family === family && r.list.check(address, family))?.why;
}
