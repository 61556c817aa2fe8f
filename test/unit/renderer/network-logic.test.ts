import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { networkCreateSchema } from '../../../src-main/contract';
import { checkNetworkForm, describeIpv4, intToIp, ipToInt, networkModeKey, subnetsOverlap, suggestSubnet, type NetworkForm } from '../../../src-renderer/networks/network-logic';

const form = (over: Partial<NetworkForm> = {}): NetworkForm => ({ name: 'lab', mode: 'nat', address: '192.168.150.1', prefix: '24', dhcpStart: '192.168.150.2', dhcpEnd: '192.168.150.254', start: true, autostart: false, ...over });

describe('IPv4 helpers', () => {
  it('converts addresses', () => {
    expect(ipToInt('192.168.1.1')).toBe(0xc0a80101);
    expect(intToIp(0xc0a80101)).toBe('192.168.1.1');
  });
  it('detects overlapping subnets', () => {
    expect(subnetsOverlap({ address: '192.168.122.1', prefix: 24 }, { address: '192.168.122.0', prefix: 24 })).toBe(true);
    expect(subnetsOverlap({ address: '10.0.0.1', prefix: 8 }, { address: '10.20.30.0', prefix: 24 })).toBe(true);
    expect(subnetsOverlap({ address: '192.168.122.1', prefix: 24 }, { address: '192.168.123.0', prefix: 24 })).toBe(false);
  });
  it('suggests a /24 nobody uses', () => {
    expect(suggestSubnet([])).toEqual({ address: '192.168.100.1', prefix: '24', dhcpStart: '192.168.100.2', dhcpEnd: '192.168.100.254' });
    expect(suggestSubnet([{ ipv4: { address: '192.168.100.1', prefix: 24 } }, { ipv4: null }]).address).toBe('192.168.101.1');
    expect(suggestSubnet([{ ipv4: { address: '192.168.0.1', prefix: 16 } }]).address).toBe('10.10.1.1');
    expect(checkNetworkForm({ ...form(), ...suggestSubnet([]) })).toBeNull();
  });
  it('describes a network', () => {
    expect(describeIpv4(null)).toBe('—');
    expect(describeIpv4({ address: '192.168.122.1', prefix: 24, dhcpStart: '192.168.122.2', dhcpEnd: '192.168.122.254' })).toBe('192.168.122.1/24 (DHCP 192.168.122.2 – 192.168.122.254)');
    expect(networkModeKey(null)).toBe('networks.mode.isolated');
    expect(networkModeKey('nat')).toBe('networks.mode.nat');
    expect(networkModeKey('hostdev')).toBe('networks.mode.other');
  });
});

describe('checkNetworkForm', () => {
  it('explains each problem on its field', () => {
    expect(checkNetworkForm(form())).toBeNull();
    expect(checkNetworkForm(form({ name: '' }))?.field).toBe('name');
    expect(checkNetworkForm(form(), ['lab'])).toMatchObject({ key: 'check.networkTaken', field: 'name' });
    expect(checkNetworkForm(form({ address: '300.1.1.1' }))).toMatchObject({ key: 'check.ipv4', field: 'address' });
    expect(checkNetworkForm(form({ prefix: '31' }))?.field).toBe('prefix');
    expect(checkNetworkForm(form({ address: '192.168.150.0' }))).toMatchObject({ key: 'check.addressEdge', field: 'address' });
    expect(checkNetworkForm(form({ dhcpStart: '192.168.151.2' }))).toMatchObject({ key: 'check.dhcpOutside', field: 'dhcpStart', params: { subnet: '192.168.150.0/24' } });
    expect(checkNetworkForm(form({ dhcpEnd: '192.168.150.255' }))).toMatchObject({ key: 'check.dhcpEdge', field: 'dhcpEnd' });
    expect(checkNetworkForm(form({ dhcpStart: '192.168.150.200', dhcpEnd: '192.168.150.100' }))).toMatchObject({ key: 'check.dhcpOrder' });
    expect(checkNetworkForm(form({ address: '192.168.150.10' }))).toMatchObject({ key: 'check.addressInRange', field: 'address' });
  });
  it('agrees with the contract (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const ip = fc.tuple(fc.constantFrom(10, 192), fc.constantFrom(168, 0), fc.constantFrom(150, 151), octet).map((p) => p.join('.'));
    fc.assert(
      fc.property(ip, fc.integer({ min: 6, max: 32 }), ip, ip, (address, prefix, dhcpStart, dhcpEnd) => {
        const f = form({ address, prefix: String(prefix), dhcpStart, dhcpEnd });
        const server = networkCreateSchema.safeParse({ name: f.name, mode: f.mode, ipv4: { address, prefix, dhcpStart, dhcpEnd } }).success;
        expect(checkNetworkForm(f) === null, JSON.stringify(f)).toBe(server);
      }),
      { numRuns: 800 },
    );
  });
});
