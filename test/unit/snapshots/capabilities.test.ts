// Which snapshots a VM can have: internal needs qcow2 everywhere and no UEFI (pflash);
// external needs file/block disks; reverting external snapshots needs libvirt ≥ 9.9.0.
import { describe, expect, it } from 'vitest';
import { EXTERNAL_REVERT_SINCE, formatLibVersion, snapshotCapabilities } from '../../../src-main/snapshots/capabilities';
import { toSnapshotInfos } from '../../../src-main/snapshots/snapshots';

const V9_0 = 9_000_000;
const V9_9 = 9_009_000;

function domain(o: { os?: string; disks: string }): string {
  return `<domain type='qemu'><name>vm</name><os${o.os ?? ''}><type arch='x86_64' machine='q35'>hvm</type></os><devices>${o.disks}</devices></domain>`;
}
const QCOW2 = `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/a.qcow2'/><target dev='vda' bus='virtio'/></disk>`;
const RAW = `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/i/b.img'/><target dev='vdb' bus='virtio'/></disk>`;
const CDROM = `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/i/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>`;
const NETDISK = `<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='nbd' name='x'><host name='h'/></source><target dev='vdc' bus='virtio'/></disk>`;
const PFLASH = `<domain type='qemu'><name>vm</name><os><type arch='x86_64' machine='q35'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram>/var/lib/libvirt/qemu/nvram/vm_VARS.fd</nvram></os><devices>${QCOW2}</devices></domain>`;

describe('snapshot capabilities', () => {
  it('BIOS + qcow2 (CD-ROMs do not count): internal and external; external revert only from libvirt 9.9.0', () => {
    const xml = domain({ disks: QCOW2 + CDROM });
    expect(snapshotCapabilities(xml, V9_0)).toEqual({
      internal: true,
      external: true,
      externalRevert: false,
      reasons: ['reverting to or deleting external snapshots needs libvirt ≥ 9.9.0 (this host has 9.0.0): external snapshots can be created but not reverted here'],
      libVersion: '9.0.0',
    });
    expect(snapshotCapabilities(xml, V9_9)).toEqual({ internal: true, external: true, externalRevert: true, reasons: [], libVersion: '9.9.0' });
    expect(snapshotCapabilities(xml, 10_002_000).externalRevert).toBe(true);
  });

  it('UEFI (pflash loader, or firmware autoselection): no internal snapshots, external offered', () => {
    for (const xml of [PFLASH, domain({ os: " firmware='efi'", disks: QCOW2 })]) {
      const c = snapshotCapabilities(xml, V9_0);
      expect(c.internal).toBe(false);
      expect(c.external).toBe(true);
      expect(c.reasons[0]).toMatch(/UEFI firmware \(pflash\): libvirt refuses internal snapshots .* use external/);
    }
  });

  it('a raw disk rules out internal snapshots and says which one', () => {
    const c = snapshotCapabilities(domain({ disks: QCOW2 + RAW }), V9_9);
    expect(c).toMatchObject({ internal: false, external: true, externalRevert: true });
    expect(c.reasons).toEqual(['internal snapshots need qcow2 disks; vdb is raw']);
  });

  it('a network disk rules out external snapshots; no writable disk rules out both', () => {
    const n = snapshotCapabilities(domain({ disks: QCOW2 + NETDISK }), V9_9);
    expect(n).toMatchObject({ internal: false, external: false, externalRevert: false });
    expect(n.reasons).toContain('external snapshots need file or block disks; vdc is a network disk');
    const none = snapshotCapabilities(domain({ disks: CDROM }), V9_9);
    expect(none).toMatchObject({ internal: false, external: false, externalRevert: false });
    expect(none.reasons).toContain('the VM has no writable disk to hold a snapshot');
  });

  it('formats libvirt versions', () => {
    expect(formatLibVersion(EXTERNAL_REVERT_SINCE)).toBe('9.9.0');
    expect(formatLibVersion(10_010_003)).toBe('10.10.3');
  });
});

describe('snapshot tree', () => {
  const rec = (name: string, parent: string | null, t: number, o: { current?: boolean; memory?: string; state?: string; ext?: boolean } = {}) => ({
    name,
    parent,
    current: !!o.current,
    hasMetadata: true,
    xml: `<domainsnapshot><name>${name}</name><state>${o.state ?? 'running'}</state><creationTime>${t}</creationTime><memory snapshot='${o.memory ?? 'internal'}'/><disks><disk name='vda' snapshot='${o.ext ? 'external' : 'internal'}'/></disks></domainsnapshot>`,
  });

  it('lists parents before children with each node\'s children', () => {
    const list = toSnapshotInfos([rec('c', 'a', 300, { current: true }), rec('b', 'a', 200), rec('a', null, 100, { state: 'shutoff', memory: 'no' }), rec('x', null, 50, { ext: true, memory: 'no', state: 'disk-snapshot' })]);
    expect(list.map((s) => [s.name, s.parent, s.children])).toEqual([
      ['x', null, []],
      ['a', null, ['b', 'c']],
      ['b', 'a', []],
      ['c', 'a', []],
    ]);
    expect(list.find((s) => s.name === 'a')).toMatchObject({ hasMemory: false, state: 'shutoff', external: false, createdAt: new Date(100_000).toISOString() });
    expect(list.find((s) => s.name === 'c')).toMatchObject({ current: true, hasMemory: true });
    expect(list.find((s) => s.name === 'x')).toMatchObject({ external: true, hasMemory: false });
  });
});
