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
  ['2001::', 32, 'a Teredo tunnel address (it hides the IPv4 address it reaches)'],
  ['2001:db8::', 32, 'a documentation address'],
  ['64:ff9b:1::', 48, 'a NAT64 address'],
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
      this.allowed.addSubnet(
        address!,
        bits === undefined ? (family === 4 ? 32 : 128) : Number(bits),
        family === 4 ? 'ipv4' : 'ipv6',
      );
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

/** The 8 16-bit groups of an IPv6 address in any spelling (`::`, a trailing dotted quad), or undefined. */
export function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6 || address.includes('%')) return undefined;
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups =
    tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

const dotted = (high: number, low: number): string => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 address an IPv6 address carries and reaches, in every form a connection can use: IPv4-compatible
 * (::a.b.c.d), mapped (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d) and 6to4 (2002:AABB:CCDD::/48).
 */
export function embeddedV4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return undefined;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return dotted(g[6]!, g[7]!); // compatible (not :: or ::1)
  if (zeros(0, 5) && g[5] === 0xffff) return dotted(g[6]!, g[7]!); // mapped
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return dotted(g[6]!, g[7]!); // translated
  if (g[0] === 0x2002) return dotted(g[1]!, g[2]!); // 6to4
  return undefined;
}

/** The address a policy judges: the IPv4 address inside an IPv6 form that carries one, else the address itself. */
function mappedV4(address: string): string | undefined {
  return isIP(address) === 6 ? embeddedV4(address) : undefined;
}

const RANGES = [
  ...BLOCKED_V4.map(([net, bits, why]) => range(net, bits, 'ipv4', why)),
  ...BLOCKED_V6.map(([net, bits, why]) => range(net, bits, 'ipv6', why)),
];

function range(
  net: string,
  bits: number,
  family: 'ipv4' | 'ipv6',
  why: string,
): { list: BlockList; family: 'ipv4' | 'ipv6'; why: string } {
  const list = new BlockList();
  list.addSubnet(net, bits, family);
  return { list, family, why };
}

function blockedRange(address: string): string | undefined {
  const family = isIP(address) === 4 ? 'ipv4' : isIP(address) === 6 ? 'ipv6' : undefined;
  if (!family) return 'not an IP address';
  return RANGES.find((r) => r.family === family && r.list.check(address, family))?.why;
}
