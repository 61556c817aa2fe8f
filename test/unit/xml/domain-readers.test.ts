// readDomainXml, domainDisks and summarizeDomainXml are views over the domain model: what they
// report is what parseDomain reads, for any disk source and display kind libvirt writes.
import { describe, expect, it } from 'vitest';
import { domainDisks, readDomainXml } from '../../../src-main/xml/read-domain';
import { summarizeDomainXml } from '../../../src-main/xml/domain-summary';

const XML = `<domain type='kvm'>
  <name>r</name><uuid>0d6f5c2a-8a0b-4b4e-9d49-2f9e7d1a3c11</uuid>
  <metadata><lo:libosinfo xmlns:lo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><lo:os id="http://debian.org/debian/12"/></lo:libosinfo></metadata>
  <memory unit='GiB'>2</memory><vcpu current='1'>4</vcpu>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/img/top.qcow2'/>
      <backingStore type='file'><format type='qcow2'/><source file='/img/mid.qcow2'/>
        <backingStore type='block'><format type='raw'/><source dev='/dev/vg/base'/><backingStore/></backingStore></backingStore>
      <target dev='vda' bus='virtio'/></disk>
    <disk type='volume' device='disk'><source pool='p' volume='v.qcow2'/><target dev='vdb' bus='virtio'/><shareable/></disk>
    <disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='nbd' name='disk0'><host name='h' port='10809'/></source><target dev='vdc' bus='virtio'/></disk>
    <interface type='user'><backend type='passt'/><portForward proto='tcp'><range start='2222' to='22'/></portForward><portForward proto='udp'><range start='5353'/></portForward><model type='virtio'/></interface>
    <graphics type='vnc' port='5901'><listen type='address' address='127.0.0.1'/></graphics>
    <tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>
  </devices>
</domain>`;

describe('domain readers over the model', () => {
  it('domainDisks: paths, pools and the whole backing chain', () => {
    expect(domainDisks(XML)).toEqual([
      { device: 'disk', type: 'file', target: 'vda', bus: 'virtio', format: 'qcow2', path: '/img/top.qcow2', pool: undefined, volume: undefined, readonly: false, shareable: false, backing: ['/img/mid.qcow2', '/dev/vg/base'] },
      { device: 'disk', type: 'volume', target: 'vdb', bus: 'virtio', format: undefined, path: undefined, pool: 'p', volume: 'v.qcow2', readonly: false, shareable: true, backing: [] },
      expect.objectContaining({ type: 'network', target: 'vdc', path: undefined }),
    ]);
  });

  it('readDomainXml: units, OS id, firmware, passt port forwards, TPM', () => {
    const r = readDomainXml(XML);
    expect(r).toMatchObject({ name: 'r', memoryMiB: 2048, vcpus: 4, osId: 'http://debian.org/debian/12', firmware: 'uefi', machine: 'q35', bootOrder: ['hd'], tpm: true, vnc: true, serial: false });
    expect(r.nics).toEqual([{ type: 'user', source: undefined, model: 'virtio', backend: 'passt', portForwards: [{ protocol: 'tcp', host: 2222, guest: 22 }, { protocol: 'udp', host: 5353, guest: 5353 }] }]);
  });

  it('summary: network disks and <listen> children are shown', () => {
    const s = summarizeDomainXml(XML);
    expect(s.disks.map((d) => d.source)).toEqual(['/img/top.qcow2', 'p/v.qcow2', 'nbd:disk0']);
    expect(s.graphics).toEqual([{ type: 'vnc', port: 5901, listen: '127.0.0.1' }]);
    expect(s.os).toBe('debian12');
  });

  it('readDomainXml and domainDisks name what is wrong with XML that is not a domain', () => {
    expect(() => readDomainXml('<network><name>n</name></network>')).toThrow(/Expected a <domain> document, got <network>/);
    expect(() => domainDisks('<domain><name>x</domain>')).toThrow(/not well-formed/);
    expect(summarizeDomainXml('<network/>')).toMatchObject({ domainType: 'unknown', disks: [] });
  });
});
