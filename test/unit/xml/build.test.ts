// XML builders: user strings are escaped by XMLBuilder, and parse back (xml/parse.ts) unchanged.
import { describe, expect, it } from 'vitest';
import { buildDomainXml, type DomainPlan } from '../../../src-main/xml/build-domain';
import { buildDirPoolXml, buildVolumeXml } from '../../../src-main/xml/build-storage';
import { buildNetworkXml } from '../../../src-main/xml/build-network';
import { XmlValueError, toBytes } from '../../../src-main/xml/build';
import { readDomainXml, readNetworkXml, readPoolXml, readVolumeXml } from '../../../src-main/xml/read-domain';
import { summarizeDomainXml } from '../../../src-main/xml/domain-summary';
import { parseXml } from '../../../src-main/xml/parse';

const NASTY = ['</name><devices>', `a&b "q" 'x'`, ']]><!--', '&amp; &lt; literal', 'Ωmega 名前 🚀', '${x} %s \\n'];

function plan(over: Partial<DomainPlan> = {}): DomainPlan {
  return {
    name: 'vm',
    uuid: '0d6f5c2a-8a0b-4b4e-9d49-2f9e7d1a3c11',
    domainType: 'qemu',
    osId: 'http://debian.org/debian/12',
    memoryMiB: 1024,
    vcpus: 2,
    arch: 'x86_64',
    machine: 'q35',
    firmware: 'bios',
    cpuMode: 'maximum',
    clock: 'utc',
    kernel: null,
    bootOrder: ['cdrom', 'hd'],
    disks: [
      { device: 'disk', path: '/var/lib/libvirt/images/vm.qcow2', format: 'qcow2', bus: 'virtio', target: 'vda' },
      { device: 'cdrom', path: '/isos/debian.iso', format: 'raw', bus: 'sata', target: 'sda', readonly: true },
    ],
    nics: [{ type: 'user', model: 'virtio' }],
    vnc: true,
    video: 'vga',
    serial: true,
    tpm: false,
    virtioExtras: true,
    usbTablet: true,
    ...over,
  };
}

describe('domain XML builder', () => {
  it.each(NASTY)('escapes the name %j and parses it back unchanged', (name) => {
    const xml = buildDomainXml(plan({ name }));
    if (/[<>&]/.test(name)) expect(xml).not.toContain(`<name>${name}</name>`); // no raw metacharacters
    const back = readDomainXml(xml);
    expect(back.name).toBe(name);
    // Exactly one <devices> and one <name>: the name did not inject elements.
    const dom = parseXml(xml).domain as Record<string, unknown>[];
    expect(dom).toHaveLength(1);
    expect(Array.isArray(dom[0].name)).toBe(false);
    expect(Array.isArray(dom[0].devices)).toBe(false);
  });

  it('escapes paths, the kernel command line and port forwards, and reads every value back', () => {
    const p = plan({
      name: `a&b "q" 'x'`,
      kernel: { path: `/k/</kernel>&"'.img`, initrd: '/k/init<rd>', cmdline: `console=ttyS0 x="<y>" z='&'` },
      bootOrder: [],
      disks: [{ device: 'disk', path: `/img/"weird" & <odd>.qcow2`, format: 'qcow2', bus: 'sata', target: 'sda' }],
      nics: [{ type: 'user', model: 'e1000', portForwards: [{ host: 2222, guest: 22, protocol: 'tcp' }, { host: 5353, guest: 53, protocol: 'udp' }] }],
      tpm: true,
      firmware: 'uefi',
      memoryMiB: 3000,
      vcpus: 3,
    });
    const back = readDomainXml(buildDomainXml(p));
    expect(back).toMatchObject({
      name: p.name,
      uuid: p.uuid,
      domainType: 'qemu',
      osId: 'http://debian.org/debian/12',
      memoryMiB: 3000,
      vcpus: 3,
      machine: 'q35',
      firmware: 'uefi',
      kernel: p.kernel!.path,
      initrd: p.kernel!.initrd,
      cmdline: p.kernel!.cmdline,
      tpm: true,
      vnc: true,
      serial: true,
    });
    expect(back.disks).toEqual([expect.objectContaining({ path: p.disks[0].path, format: 'qcow2', bus: 'sata', target: 'sda', device: 'disk' })]);
    expect(back.nics[0]).toMatchObject({ type: 'user', model: 'e1000', backend: 'passt' });
    expect(back.nics[0].portForwards).toEqual([{ protocol: 'tcp', host: 2222, guest: 22 }, { protocol: 'udp', host: 5353, guest: 53 }]);
  });

  it('records the OS in libosinfo metadata like virt-manager (domain-summary reads it)', () => {
    const xml = buildDomainXml(plan());
    expect(xml).toContain('<libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">');
    expect(xml).toContain('<libosinfo:os id="http://debian.org/debian/12"/>');
    expect(summarizeDomainXml(xml).os).toBe('debian12');
    expect(readDomainXml(buildDomainXml(plan({ osId: null }))).osId).toBeUndefined();
  });

  it('builds CD-ROMs read-only, network and bridge NICs, and boot order', () => {
    const back = readDomainXml(buildDomainXml(plan({ nics: [{ type: 'network', source: 'my "net"', model: 'virtio' }, { type: 'bridge', source: 'br0', model: 'virtio' }] })));
    expect(back.disks[1]).toMatchObject({ device: 'cdrom', readonly: true, path: '/isos/debian.iso' });
    expect(back.nics.map((n) => [n.type, n.source])).toEqual([['network', 'my "net"'], ['bridge', 'br0']]);
    expect(back.bootOrder).toEqual(['cdrom', 'hd']);
  });

  it('refuses characters XML cannot carry, even behind the validation', () => {
    expect(() => buildDomainXml(plan({ name: 'bad\u0001name' }))).toThrow(XmlValueError);
    expect(() => buildDomainXml(plan({ name: 'lone \ud800 surrogate' }))).toThrow(XmlValueError);
    expect(() => buildDirPoolXml({ name: 'p', path: '/x\u0000y' })).toThrow(XmlValueError);
  });
});

describe('pool, volume and network XML builders', () => {
  it.each(NASTY)('escapes %j in pool, volume and network names', (name) => {
    expect(readPoolXml(buildDirPoolXml({ name, path: `/srv/${name.replace(/\//g, '_')}` }))).toEqual({ name, type: 'dir', path: `/srv/${name.replace(/\//g, '_')}` });
    expect(readVolumeXml(buildVolumeXml({ name, capacityBytes: 5 * 2 ** 30, format: 'raw' }))).toMatchObject({ name, capacityBytes: 5 * 2 ** 30, format: 'raw' });
    const net = readNetworkXml(buildNetworkXml({ name, mode: 'nat', ipv4: { address: '10.9.8.1', prefix: 24, dhcpStart: '10.9.8.100', dhcpEnd: '10.9.8.200' } }));
    expect(net).toMatchObject({ name, forward: 'nat', ipv4: { address: '10.9.8.1', prefix: 24, dhcpStart: '10.9.8.100', dhcpEnd: '10.9.8.200' } });
  });

  it('leaves out <forward> for isolated networks and refuses a bad capacity', () => {
    expect(readNetworkXml(buildNetworkXml({ name: 'iso', mode: 'isolated', ipv4: { address: '10.1.0.1', prefix: 16, dhcpStart: '10.1.0.2', dhcpEnd: '10.1.0.9' } })).forward).toBeNull();
    expect(() => buildVolumeXml({ name: 'v', capacityBytes: 0, format: 'qcow2' })).toThrow(/positive/);
    expect(() => buildVolumeXml({ name: 'v', capacityBytes: 1.5, format: 'qcow2' })).toThrow(/whole/);
  });

  it('converts libvirt size units', () => {
    expect(toBytes('262144', 'KiB')).toBe(256 * 2 ** 20);
    expect(toBytes('1', 'G')).toBe(2 ** 30);
    expect(toBytes('1', 'GB')).toBe(1e9);
    expect(toBytes('7', undefined)).toBe(7);
    expect(toBytes('x', 'KiB')).toBeUndefined();
  });
});
