// cloneDomainXml edits the source through the domain model: only what must change for a clone
// changes, everything else (unknown elements, other tools' data, text as written) is kept.
import { describe, expect, it } from 'vitest';
import { canonicalXml, parseDomain } from '../../../src-main/domain';
import { cloneDomainXml } from '../../../src-main/xml/clone-domain';
import { readDomainXml } from '../../../src-main/xml/read-domain';
import { VIRTDESK_NS, readVirtdeskMeta } from '../../../src-main/xml/virtdesk-meta';

const SOURCE = `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>src</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <description>  first line
  second line  </description>
  <metadata>
    <other:data xmlns:other="https://other.example/ns"><other:x a="1">keep</other:x></other:data>
    <virtdesk:vm xmlns:virtdesk="${VIRTDESK_NS}"><virtdesk:template/></virtdesk:vm>
  </metadata>
  <memory unit='MiB'>512</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type><nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'><source file='/var/lib/libvirt/qemu/nvram/src_VARS.fd'/></nvram></os>
  <futureElement mode='x'><child/></futureElement>
  <devices>
    <!-- the system disk -->
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none'><metadata_cache><max_size unit='bytes'>12345</max_size></metadata_cache></driver>
      <source dev='/dev/vg/src'/>
      <backingStore type='file'><format type='raw'/><source file='/img/base.raw'/></backingStore>
      <target dev='vda' bus='virtio'/>
      <serial>  SN-1</serial>
    </disk>
    <interface type='network'><mac address='52:54:00:aa:bb:cc' type='static' check='yes'/><source network='default'/><model type='virtio'/></interface>
    <graphics type='vnc' port='5907' autoport='no' websocket='5707'/>
  </devices>
  <qemu:commandline><qemu:arg value='-no-hpet'/></qemu:commandline>
</domain>`;

function clone(name = 'copy'): string {
  return cloneDomainXml(SOURCE, { name, disks: new Map([['vda', { path: '/img/copy.qcow2', format: 'qcow2' }]]), meta: { template: false, tags: ['t'], disks: [] } });
}

describe('cloneDomainXml', () => {
  it('changes only what a clone must not share', () => {
    const xml = clone();
    const r = readDomainXml(xml);
    expect([r.name, r.uuid]).toEqual(['copy', undefined]);
    expect(r.disks[0]).toMatchObject({ type: 'file', path: '/img/copy.qcow2', format: 'qcow2', backing: [] });
    expect(xml).not.toContain('52:54:00:aa:bb:cc');
    expect(xml).not.toContain('<mac');
    expect(xml).not.toContain('src_VARS.fd');
    expect(xml).toContain('<nvram template="/usr/share/OVMF/OVMF_VARS_4M.fd"/>');
    expect(readVirtdeskMeta(xml)).toEqual({ template: false, tags: ['t'], disks: [] });
    const g = parseDomain(xml).devicesOf('graphics')[0];
    expect([g.port, g.autoport, g.websocket]).toEqual([undefined, true, -1]);
  });

  it('keeps everything else exactly: unknown elements, other metadata, comments, text with its spaces', () => {
    const xml = clone();
    const d = parseDomain(xml);
    expect(d.description).toBe('  first line\n  second line  ');
    expect(d.devicesOf('disk')[0].serial).toBe('  SN-1');
    expect(xml).toContain('<!-- the system disk -->');
    expect(xml).toContain('<metadata_cache><max_size unit="bytes">12345</max_size></metadata_cache>');
    expect(xml).toContain('cache="none"');
    expect(canonicalXml(xml)).toContain('<futureElement mode="x"><child></child></futureElement>');
    expect(canonicalXml(xml)).toContain('<qemu:commandline><qemu:arg value="-no-hpet"></qemu:arg></qemu:commandline>');
    expect(canonicalXml(xml)).toContain('<other:data xmlns:other="https://other.example/ns"><other:x a="1">keep</other:x></other:data>');
  });

  it('an unchanged-looking clone of its own output is canonically the same (nothing drifts)', () => {
    const once = clone();
    const twice = cloneDomainXml(once, { name: 'copy', disks: new Map([['vda', { path: '/img/copy.qcow2', format: 'qcow2' }]]), meta: { template: false, tags: ['t'], disks: [] } });
    expect(canonicalXml(twice)).toBe(canonicalXml(once));
  });

  it('refuses a name XML cannot carry, and a document that is not a domain', () => {
    expect(() => clone('bad\u0001name')).toThrow(/character XML cannot carry/);
    expect(() => cloneDomainXml('<network/>', { name: 'x', disks: new Map(), meta: null })).toThrow(/not a domain XML document.*Expected a <domain> document, got <network>/);
  });
});
