// Who uses an image, from every source at once: pool volumes' own backing files, libvirt's live
// chains, Virtdesk's metadata and other connections' VMs — with a fake libvirt API.
import { describe, expect, it } from 'vitest';
import type { DomainXmlRecord } from '../../../src-main/libvirt/protocol';
import { chainBelow, deleteRefusal, scanStorageUsage, volumeBackingPath } from '../../../src-main/storage/usage-scan';

const disk = (file: string, extra = '') => `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${file}'/>${extra}<target dev='vda' bus='virtio'/></disk>`;
const domain = (name: string, disks: string, meta = '') => `<domain type='qemu'><name>${name}</name><uuid>${uuidOf(name)}</uuid>${meta}<devices>${disks}</devices></domain>`;
const uuidOf = (name: string) => `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padEnd(12, '0').slice(0, 12)}`;
const rec = (name: string, xml: string, active = false): DomainXmlRecord => ({ name, uuid: uuidOf(name), active, persistent: true, xml });
const volXml = (p: string, backing?: string) => `<volume><name>${p.split('/').pop()}</name><target><path>${p}</path><format type='qcow2'/></target>${backing ? `<backingStore><path>${backing}</path><format type='qcow2'/></backingStore>` : ''}</volume>`;

function fakeApi(records: DomainXmlRecord[], vols: Record<string, string | undefined>) {
  const list = Object.keys(vols).map((p) => ({ name: p.split('/').pop()!, key: p, path: p, type: 0, capacity: 1, allocation: 1 }));
  return {
    allDomainXml: async () => records,
    listPools: async () => [{ name: 'p', uuid: 'u', active: true, persistent: true, autostart: false, capacity: 0, allocation: 0, available: 0 }],
    listVolumes: async () => list,
    volumeXml: async (_pool: string, name: string) => {
      const p = list.find((v) => v.name === name)!.path;
      return volXml(p, vols[p]);
    },
  } as never;
}

describe('scanStorageUsage', () => {
  it('reads a multi-level chain from the volumes themselves: the base is used by a VM two levels up', async () => {
    const api = fakeApi([rec('top', domain('top', disk('/p/o2.qcow2')))], { '/p/base.qcow2': undefined, '/p/o1.qcow2': '/p/base.qcow2', '/p/o2.qcow2': '/p/o1.qcow2' });
    const u = await scanStorageUsage(api, { local: false });
    expect(chainBelow(u.backingOf, '/p/o2.qcow2')).toEqual(['/p/o1.qcow2', '/p/base.qcow2']);
    expect(deleteRefusal(u, '/p/base.qcow2')).toMatch(/backing file of the disk of VM 'top'/);
    expect(deleteRefusal(u, '/p/o1.qcow2')).toMatch(/'top'/);
    expect(deleteRefusal(u, '/p/o2.qcow2', uuidOf('top'))).toBeNull(); // deleting 'top' with its own disk
  });

  it("uses Virtdesk's metadata (overlay → base) when the overlay is not in a pool", async () => {
    const meta = `<metadata><virtdesk:vm xmlns:virtdesk="https://virtdesk.invalid/xmlns/1"><virtdesk:disk target="vda" pool="x" volume="c.qcow2" overlay="/elsewhere/c.qcow2" base="/p/base.qcow2" baseFormat="qcow2"/></virtdesk:vm></metadata>`;
    const api = fakeApi([rec('clone', domain('clone', disk('/elsewhere/c.qcow2'), meta))], { '/p/base.qcow2': undefined });
    const u = await scanStorageUsage(api, { local: false });
    expect(deleteRefusal(u, '/p/base.qcow2')).toMatch(/'clone'/);
  });

  it("counts VMs of other connections to this computer, naming the connection", async () => {
    const api = fakeApi([], { '/p/base.qcow2': undefined });
    const peers = async () => [{ connection: 'qemu:///session', records: [rec('mine', domain('mine', disk('/p/base.qcow2')))] }];
    const u = await scanStorageUsage(api, { local: false, peers });
    expect(deleteRefusal(u, '/p/base.qcow2')).toBe("also used by VM 'mine (on qemu:///session)'");
  });

  it('names an overlay volume no VM uses, and survives a backing cycle', async () => {
    const api = fakeApi([], { '/p/a.qcow2': '/p/b.qcow2', '/p/b.qcow2': '/p/a.qcow2', '/p/base.qcow2': undefined, '/p/lone.qcow2': '/p/base.qcow2' });
    const u = await scanStorageUsage(api, { local: false });
    expect(deleteRefusal(u, '/p/base.qcow2')).toMatch(/'\/p\/lone.qcow2'/);
    expect(chainBelow(u.backingOf, '/p/a.qcow2')).toEqual(['/p/b.qcow2']);
  });

  it('reads <backingStore><path> of a volume XML', () => {
    expect(volumeBackingPath(volXml('/p/o.qcow2', '/p/b.qcow2'))).toBe('/p/b.qcow2');
    expect(volumeBackingPath(volXml('/p/o.qcow2'))).toBeUndefined();
  });
});
