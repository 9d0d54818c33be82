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
  ])('refuses %s (%s)', (address, why) => {
    expect(policy.allows(address)).toBe(false);
    expect(policy.describe(address)).toBe(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '172.32.0.1', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(policy.allows(address)).toBe(true);
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
