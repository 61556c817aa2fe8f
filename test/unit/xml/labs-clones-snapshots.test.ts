// XML of labs, clones and snapshots: overlays, Virtdesk metadata, clone edits, lab machines,
// snapshot documents. User strings are escaped by XMLBuilder and read back unchanged.
import { describe, expect, it } from 'vitest';
import { buildCopyVolumeXml, buildOverlayVolumeXml, cloneVolumeName } from '../../../src-main/xml/build-overlay';
import { buildLabNetworkXml } from '../../../src-main/xml/build-lab-network';
import { cloneDomainXml } from '../../../src-main/xml/clone-domain';
import { summarizeDomainXml, labTagsOf } from '../../../src-main/xml/domain-summary';
import { parseXml, type XmlNode } from '../../../src-main/xml/parse';
import { readDomainXml, readNetworkXml, readVolumeXml } from '../../../src-main/xml/read-domain';
import { buildSnapshotXml, readSnapshotXml, snapshotHasMemory, snapshotIsExternal } from '../../../src-main/xml/snapshot-xml';
import { VIRTDESK_NS, buildMetadataElement, readMetadataElement, readVirtdeskMeta, type VirtdeskMeta } from '../../../src-main/xml/virtdesk-meta';
import { buildLabDomainXml, type LabDomainSpec } from '../../../src-main/labs/lab-domain';
import { XmlValueError } from '../../../src-main/xml/build';

const NASTY = `a&b <c> "q" 'x' ]]> Ωmega`;

const META: VirtdeskMeta = {
  template: false,
  lab: { name: 'web', machine: 'node', instance: 'node-2', network: 'vdlab-web' },
  tags: [NASTY, 'ci'],
  disks: [{ target: 'vda', pool: 'virtdesk-labs', volume: 'web-node-2-vda.qcow2', overlay: `/p/o&"'<>.qcow2`, base: `/b/<base> & 'x'.qcow2`, baseFormat: 'raw' }],
};

function labSpec(over: Partial<LabDomainSpec> = {}): LabDomainSpec {
  return {
    name: 'web-node-2',
    uuid: '0d6f5c2a-8a0b-4b4e-9d49-2f9e7d1a3c11',
    domainType: 'qemu',
    machine: 'q35',
    firmware: 'bios',
    osId: null,
    memoryMiB: 256,
    vcpus: 1,
    boot: { kernel: '/k/vmlinuz', initrd: '/k/initrd.gz', cmdline: 'console=ttyS0 x="<y>"' },
    disks: [{ path: '/p/web-node-2-vda.qcow2', target: 'vda', bus: 'virtio' }],
    network: 'vdlab-web',
    meta: META,
    ...over,
  };
}

describe('overlay and copy volume XML', () => {
  it('names the backing file and its format, escaped', () => {
    const xml = buildOverlayVolumeXml({ name: `o&<'>.qcow2`, capacityBytes: 64 * 2 ** 20, backingPath: `/b/<x> & "y".qcow2`, backingFormat: 'qcow2' });
    expect(xml).not.toContain('<x>');
    const vol = parseXml(xml).volume as XmlNode;
    const back = vol.backingStore as XmlNode;
    expect(back.path).toBe(`/b/<x> & "y".qcow2`);
    expect((back.format as XmlNode)['@type']).toBe('qcow2');
    expect(readVolumeXml(xml)).toMatchObject({ name: `o&<'>.qcow2`, capacityBytes: 64 * 2 ** 20, format: 'qcow2' });
    expect((vol.target as XmlNode).compat).toBe('1.1');
  });

  it('refuses relative backing files, bad sizes and characters XML cannot carry', () => {
    expect(() => buildOverlayVolumeXml({ name: 'o', capacityBytes: 1, backingPath: 'rel.qcow2', backingFormat: 'raw' })).toThrow(/absolute/);
    expect(() => buildOverlayVolumeXml({ name: 'o', capacityBytes: 0, backingPath: '/b', backingFormat: 'raw' })).toThrow(/positive/);
    expect(() => buildOverlayVolumeXml({ name: 'o\u0001', capacityBytes: 1, backingPath: '/b', backingFormat: 'raw' })).toThrow(XmlValueError);
    expect(readVolumeXml(buildCopyVolumeXml({ name: 'c.qcow2', capacityBytes: 2 ** 30 }))).toMatchObject({ name: 'c.qcow2', capacityBytes: 2 ** 30, format: 'qcow2' });
    expect(cloneVolumeName('my vm', 'vda')).toBe('my vm-vda.qcow2');
  });
});

describe('Virtdesk metadata', () => {
  it('round-trips through a lab domain XML, escaped', () => {
    const xml = buildLabDomainXml(labSpec());
    expect(xml).not.toContain('<c>');
    expect(xml).toContain(`xmlns:virtdesk="${VIRTDESK_NS}"`);
    expect(readVirtdeskMeta(xml)).toEqual(META);
  });

  it('builds the bare element virDomainSetMetadata wants, and reads what virDomainGetMetadata returns', () => {
    const el = buildMetadataElement({ template: true, tags: [NASTY], disks: [] });
    expect(el).toMatch(/^<vm>/);
    expect(el).toContain('<template/>');
    expect(readMetadataElement(el)).toEqual({ template: true, tags: [NASTY], disks: [] });
    // libvirt may print it with a prefix of its choosing.
    expect(readMetadataElement(`<vd:vm xmlns:vd="${VIRTDESK_NS}"><vd:template/></vd:vm>`)).toEqual({ template: true, tags: [], disks: [] });
    expect(readMetadataElement(null)).toBeNull();
    expect(readMetadataElement('garbage <')).toBeNull();
  });

  it('ignores other namespaces and other prefixes bound elsewhere', () => {
    const xml = `<domain type='qemu'><name>x</name><metadata>
      <virtdesk:vm xmlns:virtdesk="https://evil.invalid/ns"><virtdesk:lab name="web" machine="a" instance="a"/></virtdesk:vm>
      <other:vm xmlns:other="${VIRTDESK_NS}"><other:tag>t1</other:tag><other:lab name="real" machine="m" instance="m-1"/></other:vm>
    </metadata></domain>`;
    expect(readVirtdeskMeta(xml)).toEqual({ template: false, lab: { name: 'real', machine: 'm', instance: 'm-1' }, tags: ['t1'], disks: [] });
    expect(readVirtdeskMeta("<domain type='qemu'><name>x</name></domain>")).toBeNull();
  });

  it('feeds lab and tags to the VM list summary', () => {
    const xml = buildLabDomainXml(labSpec());
    const s = summarizeDomainXml(xml);
    expect(s).toMatchObject({ lab: 'web', tags: [NASTY, 'ci'] });
    expect(labTagsOf('0d6f5c2a-8a0b-4b4e-9d49-2f9e7d1a3c11')).toEqual({ lab: 'web', tags: [NASTY, 'ci'] });
    // Summarized again without metadata: forgotten.
    summarizeDomainXml("<domain type='qemu'><name>web-node-2</name><uuid>0d6f5c2a-8a0b-4b4e-9d49-2f9e7d1a3c11</uuid></domain>");
    expect(labTagsOf('0d6f5c2a-8a0b-4b4e-9d49-2f9e7d1a3c11')).toEqual({});
  });
});

describe('lab machine domain XML', () => {
  it('has the machine, the overlay, serial console, VNC on loopback and the lab network', () => {
    const r = readDomainXml(buildLabDomainXml(labSpec()));
    expect(r).toMatchObject({ name: 'web-node-2', domainType: 'qemu', memoryMiB: 256, vcpus: 1, machine: 'q35', firmware: 'bios', kernel: '/k/vmlinuz', initrd: '/k/initrd.gz', cmdline: 'console=ttyS0 x="<y>"', serial: true, vnc: true });
    expect(r.disks).toEqual([expect.objectContaining({ device: 'disk', path: '/p/web-node-2-vda.qcow2', format: 'qcow2', target: 'vda', bus: 'virtio' })]);
    expect(r.nics).toEqual([expect.objectContaining({ type: 'network', source: 'vdlab-web', model: 'virtio' })]);
    const graphics = (parseXml(buildLabDomainXml(labSpec())).domain as XmlNode[])[0].devices as XmlNode;
    expect((graphics.graphics as XmlNode[])[0]['@listen']).toBe('127.0.0.1');
  });

  it('uses user-mode networking without a lab network, disk boot without a kernel', () => {
    const r = readDomainXml(buildLabDomainXml(labSpec({ network: null, boot: undefined })));
    expect(r.nics).toEqual([expect.objectContaining({ type: 'user' })]);
    expect(r.kernel).toBeUndefined();
    expect(r.bootOrder).toEqual(['hd']);
  });
});

describe('clone domain XML', () => {
  const SOURCE = `<domain type='kvm'>
  <name>src &amp; co</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo>
    <virtdesk:vm xmlns:virtdesk="${VIRTDESK_NS}"><virtdesk:template/><virtdesk:lab name="old" machine="m" instance="m"/></virtdesk:vm>
  </metadata>
  <memory unit='KiB'>1048576</memory>
  <os firmware='efi'><type arch='x86_64' machine='pc-q35-7.2'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/src_VARS.fd</nvram><boot dev='hd'/></os>
  <sysinfo type='smbios'><system><entry name='manufacturer'>ACME</entry><entry name='uuid'>11111111-2222-3333-4444-555555555555</entry></system></sysinfo>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='raw' cache='none'/><source file='/img/src.img'/><backingStore/><target dev='vda' bus='virtio'/><boot order='1'/></disk>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/iso/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default'/><model type='virtio'/></interface>
    <graphics type='vnc' port='5907' autoport='no' listen='127.0.0.1'/>
  </devices>
</domain>`;

  it('renames, drops UUID, MACs, NVRAM path and old Virtdesk metadata, points the disk at the copy', () => {
    const xml = cloneDomainXml(SOURCE, { name: `new <"clone">`, disks: new Map([['vda', { path: `/img/new & "vda".qcow2`, format: 'qcow2' }]]), meta: null });
    const r = readDomainXml(xml);
    expect(r.name).toBe(`new <"clone">`);
    expect(r.uuid).toBeUndefined();
    expect(r.osId).toBe('http://debian.org/debian/12');
    expect(readVirtdeskMeta(xml)).toBeNull();
    expect(xml).not.toContain('52:54:00:aa:bb:cc');
    expect(xml).not.toContain('src_VARS.fd');
    expect(xml).toContain('<nvram template="/usr/share/OVMF/OVMF_VARS_4M.fd"/>');
    expect(xml).not.toContain("<entry name=\"uuid\"");
    expect(xml).toContain('ACME');
    expect(r.disks[0]).toMatchObject({ type: 'file', path: `/img/new & "vda".qcow2`, format: 'qcow2', target: 'vda', backing: [] });
    expect(xml).toContain('cache="none"');
    expect(xml).not.toContain('<backingStore');
    expect(r.disks[1]).toMatchObject({ device: 'cdrom', path: '/iso/x.iso' });
    const g = (((parseXml(xml).domain as XmlNode[])[0].devices as XmlNode).graphics as XmlNode[])[0];
    expect(g['@autoport']).toBe('yes');
    expect(g['@port']).toBeUndefined();
  });

  it("adds a linked clone's own metadata", () => {
    const meta: VirtdeskMeta = { template: false, tags: [], disks: [{ target: 'vda', pool: 'p', volume: 'v', overlay: '/o', base: '/img/src.img', baseFormat: 'raw' }], linkedFrom: { uuid: '11111111-2222-3333-4444-555555555555', name: 'src & co' } };
    const xml = cloneDomainXml(SOURCE, { name: 'linked', disks: new Map([['vda', { path: '/o', format: 'qcow2' }]]), meta });
    expect(readVirtdeskMeta(xml)).toEqual(meta);
    expect(readDomainXml(xml).osId).toBe('http://debian.org/debian/12');
  });

  it('refuses a document that is not a domain', () => {
    expect(() => cloneDomainXml('<network/>', { name: 'x', disks: new Map(), meta: null })).toThrow(/not a domain/);
  });
});

describe('snapshot XML', () => {
  it('builds internal and external snapshot documents, escaped', () => {
    const internal = readSnapshotXml(buildSnapshotXml({ name: 's1', description: NASTY }));
    expect(internal).toMatchObject({ name: 's1', description: NASTY, memory: null, disks: [] });
    const ext = buildSnapshotXml({ name: 's2', memory: { snapshot: 'external', file: '/i/<m>.memory' }, disks: [{ name: 'vda', snapshot: 'external' }, { name: 'sda', snapshot: 'no' }] });
    expect(readSnapshotXml(ext)).toMatchObject({ memory: 'external', memoryFile: '/i/<m>.memory', disks: [{ name: 'vda', snapshot: 'external' }, { name: 'sda', snapshot: 'no' }] });
  });

  it("reads libvirt's snapshot XML: state, time, memory, parent, kind", () => {
    const x = readSnapshotXml(`<domainsnapshot><name>b</name><state>running</state><parent><name>a</name></parent><creationTime>1700000000</creationTime><memory snapshot='internal'/><disks><disk name='vda' snapshot='internal'/></disks><domain type='qemu'><name>vm</name></domain></domainsnapshot>`);
    expect(x).toMatchObject({ name: 'b', state: 'running', parent: 'a', creationTime: 1700000000, memory: 'internal' });
    expect(snapshotHasMemory(x)).toBe(true);
    expect(snapshotIsExternal(x)).toBe(false);
    const d = readSnapshotXml(`<domainsnapshot><name>c</name><state>disk-snapshot</state><memory snapshot='no'/><disks><disk name='vda' snapshot='external'><source file='/x.c'/></disk></disks></domainsnapshot>`);
    expect(snapshotHasMemory(d)).toBe(false);
    expect(snapshotIsExternal(d)).toBe(true);
    expect(d.disks[0].file).toBe('/x.c');
  });
});

describe('lab network XML', () => {
  it('is isolated or NAT, with our UUID; without DHCP it turns DNS off (no dnsmasq needed)', () => {
    const ipv4 = { address: '10.60.0.1', prefix: 24, dhcpStart: '10.60.0.100', dhcpEnd: '10.60.0.200' };
    const a = buildLabNetworkXml({ name: 'vdlab-web', uuid: '0d6f5c2a-8a0b-5b4e-9d49-2f9e7d1a3c11', mode: 'isolated', ipv4, dhcp: true });
    expect(readNetworkXml(a)).toMatchObject({ name: 'vdlab-web', forward: null, ipv4 });
    expect(a).toContain('<uuid>0d6f5c2a-8a0b-5b4e-9d49-2f9e7d1a3c11</uuid>');
    const b = buildLabNetworkXml({ name: 'vdlab-web', uuid: '0d6f5c2a-8a0b-5b4e-9d49-2f9e7d1a3c11', mode: 'nat', ipv4, dhcp: false });
    expect(readNetworkXml(b)).toMatchObject({ forward: 'nat', ipv4: { address: '10.60.0.1', prefix: 24, dhcpStart: undefined } });
    expect(b).toContain('<dns enable="no"/>');
  });
});
