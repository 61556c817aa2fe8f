// Which VMs use which disk images: from every domain's XML (live and persistent definition,
// disks and their backing chains), with pool/volume disk sources resolved to paths.
import type { DomainXmlRecord } from '../libvirt/protocol';
import { domainDisks, type DomainDisk } from '../xml/read-domain';

export interface VolumeRef {
  pool: string;
  volume: string;
  path: string;
  capacity: number;
}

/** path → volume, and pool/volume → volume, over the listed pools. */
export class VolumeIndex {
  private readonly byPath = new Map<string, VolumeRef>();
  private readonly byName = new Map<string, VolumeRef>();
  constructor(volumes: VolumeRef[]) {
    for (const v of volumes) {
      this.byPath.set(v.path, v);
      this.byName.set(`${v.pool}\0${v.volume}`, v);
    }
  }
  atPath(p: string): VolumeRef | undefined {
    return this.byPath.get(p);
  }
  named(pool: string, volume: string): VolumeRef | undefined {
    return this.byName.get(`${pool}\0${volume}`);
  }
  /** The disk's host path (volume sources resolved through the index). */
  pathOf(d: Pick<DomainDisk, 'path' | 'pool' | 'volume'>): string | undefined {
    if (d.path) return d.path;
    if (d.pool && d.volume) return this.named(d.pool, d.volume)?.path;
    return undefined;
  }
}

export interface DiskUse {
  vm: string;
  uuid: string;
  active: boolean;
  /** The VM's own disk (not only a backing file of one). */
  direct: boolean;
  device: string;
}

/** Disks of one domain record (live + persistent definition), de-duplicated by path/target. */
export function recordDisks(r: DomainXmlRecord): DomainDisk[] {
  const all = [...domainDisks(r.xml), ...(r.inactiveXml ? domainDisks(r.inactiveXml) : [])];
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = `${d.target}\0${d.path ?? ''}\0${d.pool ?? ''}\0${d.volume ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** path → every use of it by a VM. */
export function diskUsage(records: DomainXmlRecord[], index: VolumeIndex): Map<string, DiskUse[]> {
  const out = new Map<string, DiskUse[]>();
  const add = (p: string, use: DiskUse) => {
    const list = out.get(p) ?? [];
    if (!list.some((u) => u.uuid === use.uuid && u.direct === use.direct)) list.push(use);
    out.set(p, list);
  };
  for (const r of records) {
    for (const d of recordDisks(r)) {
      const p = index.pathOf(d);
      const base = { vm: r.name, uuid: r.uuid, active: r.active, device: d.device };
      if (p) add(p, { ...base, direct: true });
      for (const b of d.backing) add(b, { ...base, direct: false });
    }
  }
  return out;
}

export function vmNames(uses: DiskUse[] | undefined, exceptUuid?: string): string[] {
  return [...new Set((uses ?? []).filter((u) => u.uuid !== exceptUuid).map((u) => u.vm))].sort();
}
