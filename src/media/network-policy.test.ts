import { describe, expect, it } from 'vitest';
import { NetworkPolicy } from './network-policy.js';

describe('NetworkPolicy', () => {
  const policy = new NetworkPolicy([]);
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.0.1', 'a private address'],
    ['169.254.169.254', 'a link-local (cloud metadata) address'],
    ['100.100.100.200', 'a shared (CGNAT) address'],
    ['0.0.0.0', 'a "this network" address'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'the unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['fd00:ec2::254', 'a private (unique local) address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a link-local (cloud metadata) address'],
    ['::ffff:a9fe:a9fe', 'a link-local (cloud metadata) address'],
    // Every IPv6 spelling that carries an IPv4 address, as WHATWG URL parsing normalises them ([::127.0.0.1] → ::7f00:1).
    ['::127.0.0.1', 'a loopback address'],
    ['::7f00:1', 'a loopback address'],
    ['::ffff:0:127.0.0.1', 'a loopback address'],
    ['::ffff:0:7f00:1', 'a loopback address'],
    ['0:0:0:0:0:ffff:7f00:1', 'a loopback address'],
    ['::a9fe:a9fe', 'a link-local (cloud metadata) address'],
    ['2002:7f00:1::', 'a loopback address'],
    ['2002:a9fe:a9fe::1', 'a link-local (cloud metadata) address'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'a Teredo tunnel address (it hides the IPv4 address it reaches)'],
    ['64:ff9b::7f00:1', 'a NAT64 address'],
    ['64:ff9b:1::a:b', 'a NAT64 address'],
  ])('refuses %s (%s)', (address, why) => {
    expect(policy.allows(address)).toBe(false);
    expect(policy.describe(address)).toBe(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(policy.allows(address)).toBe(true);
    },
  );

  it('refuses the URL forms of those addresses after URL parsing', () => {
    for (const host of ['[::127.0.0.1]', '[::ffff:0:127.0.0.1]', '[0:0:0:0:0:ffff:127.0.0.1]']) {
      const literal = new URL(`http://${host}/a.png`).hostname.replace(/^\[|\]$/g, '');
      expect(policy.allows(literal), `${host} → ${literal}`).toBe(false);
    }
  });

  it('lets configured networks through, and only those', () => {
    const internal = new NetworkPolicy(['10.20.0.0/16', '127.0.0.2/32']);
    expect(internal.allows('10.20.5.5')).toBe(true);
    expect(internal.allows('10.21.0.1')).toBe(false);
    expect(internal.allows('127.0.0.2')).toBe(true);
    expect(internal.allows('127.0.0.1')).toBe(false);
  });

  it('rejects a malformed network in the configuration', () => {
    expect(() => new NetworkPolicy(['ten.0.0.0/8'])).toThrow(/Invalid network/);
  });
});
