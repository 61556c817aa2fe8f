// Who uses which disk image, read from everything that can know it — the one answer every
// delete path asks before it removes a volume:
// - every defined domain (running or not): its disks, live and persistent definition;
// - the backing chains of the images themselves: each pool volume's own XML (libvirt reads the
//   qcow2 header: <backingStore>), `qemu-img info --backing-chain -U` for disks outside pools on
//   this computer, libvirt's live <backingStore> chains, and Virtdesk's metadata (overlay→base).
//   A shut-off linked clone's backing file is in none of libvirt's domain XML, so reading only
//   domain XML offers a template's base disk for deletion and destroys every linked clone;
// - overlay volumes that no VM uses yet (deleting their base would break them too);
// - optionally the domains of other connections to this same computer (qemu:///session VMs
//   may sit on files in qemu:///system's pools).
import { execFile } from 'node:child_process';
import type { DomainXmlRecord, PoolSummary, VolumeSummary } from '../libvirt/protocol';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { readVirtdeskMeta } from '../xml/virtdesk-meta';
import { parseXml, asArray, text, type XmlNode } from '../xml/parse';
import { VolumeIndex, recordDisks, type VolumeRef } from './usage';

type Api = LibvirtHostClient['api'];

/** One reason a path must not be deleted. */
export interface PathUser {
  /** 'vm': a VM uses it (directly, or as a level of its disk's backing chain); 'overlay': a volume sits on it. */
  kind: 'vm' | 'overlay';
  /** VM name, or the overlay's path. */
  name: string;
  uuid?: string;
  active: boolean;
  /** The VM's own disk, not only somewhere in the chain under it. */
  direct: boolean;
  /** Another connection's VM on this same computer. */
  connection?: string;
}

export interface StorageUsage {
  records: DomainXmlRecord[];
  index: VolumeIndex;
  /** path → direct backing file (one level), from every source above. */
  backingOf: Map<string, string>;
  /** path → every user of it. */
  users: Map<string, PathUser[]>;
}

export interface UsageScanOptions {
  /** Files named by the domains are on this computer (qemu-img may read them). */
  local: boolean;
  pools?: PoolSummary[];
  records?: DomainXmlRecord[];
  /** Domains of other connections to this same computer, by connection URI. */
  peers?: () => Promise<{ connection: string; records: DomainXmlRecord[] }[]>;
}

const MAX_CHAIN = 64;

/** The image's backing chain as qemu-img reads it from the files: path → its backing file. */
export function qemuImgBackingChain(file: string, timeoutMs = 15_000): Promise<[string, string][]> {
  return new Promise((resolve) => {
    execFile('qemu-img', ['info', '--output=json', '--backing-chain', '-U', file], { timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout) => {
      if (err) return resolve([]); // missing or unreadable: libvirt's view below still counts
      try {
        const infos = JSON.parse(stdout) as { filename?: string; 'full-backing-filename'?: string; 'backing-filename'?: string }[];
        const out: [string, string][] = [];
        for (const i of Array.isArray(infos) ? infos : [infos]) {
          const b = i['full-backing-filename'] ?? i['backing-filename'];
          if (i.filename && b) out.push([i.filename, b]);
        }
        resolve(out);
      } catch {
        resolve([]);
      }
    });
  });
}

/** The backing file a volume's own XML names (<backingStore><path>), if any. */
export function volumeBackingPath(volumeXml: string): string | undefined {
  const vol = (parseXml(volumeXml).volume ?? {}) as XmlNode;
  const b = asArray(vol.backingStore as XmlNode)[0] as XmlNode | undefined;
  return b ? text(b.path) || undefined : undefined;
}

async function listVolumeRefs(api: Api, pools: PoolSummary[]): Promise<VolumeRef[]> {
  const lists = await Promise.all(
    pools
      .filter((p) => p.active)
      .map(async (p) => (await api.listVolumes(p.name).catch(() => [] as VolumeSummary[])).map((v): VolumeRef => ({ pool: p.name, volume: v.name, path: v.path, capacity: v.capacity }))),
  );
  return lists.flat();
}

/** Every path under `p` in the backing graph, nearest first (cycles and runaway chains stop). */
export function chainBelow(backingOf: ReadonlyMap<string, string>, p: string): string[] {
  const out: string[] = [];
  const seen = new Set([p]);
  for (let cur = backingOf.get(p); cur && !seen.has(cur) && out.length < MAX_CHAIN; cur = backingOf.get(cur)) {
    out.push(cur);
    seen.add(cur);
  }
  return out;
}

export async function scanStorageUsage(api: Api, o: UsageScanOptions): Promise<StorageUsage> {
  const [records, pools] = await Promise.all([o.records ?? api.allDomainXml(), o.pools ?? api.listPools()]);
  const vols = await listVolumeRefs(api, pools);
  const index = new VolumeIndex(vols);
  const backingOf = new Map<string, string>();
  const link = (from: string | undefined, to: string | undefined) => {
    if (from && to && from !== to && !backingOf.has(from)) backingOf.set(from, to);
  };

  // Pool volumes: libvirt reads each image's header for its volume XML.
  const volumeXmls = await Promise.all(vols.map((v) => api.volumeXml(v.pool, v.volume).catch(() => null)));
  vols.forEach((v, n) => {
    const x = volumeXmls[n];
    if (x) link(v.path, volumeBackingPath(x));
  });

  const peerRecords = o.peers ? await o.peers().catch(() => []) : [];
  const allRecords: { connection?: string; r: DomainXmlRecord }[] = [...records.map((r) => ({ r })), ...peerRecords.flatMap((p) => p.records.map((r) => ({ connection: p.connection, r })))];

  // Domains: libvirt's live chains and Virtdesk's overlay→base records.
  const diskPaths = new Set<string>();
  for (const { r } of allRecords) {
    for (const d of recordDisks(r)) {
      const p = index.pathOf(d);
      if (!p) continue;
      diskPaths.add(p);
      let prev = p;
      for (const b of d.backing) {
        link(prev, b);
        prev = b;
      }
    }
    for (const x of [r.inactiveXml, r.xml]) {
      for (const m of x ? readVirtdeskMeta(x)?.disks ?? [] : []) link(m.overlay, m.base);
    }
  }

  // Disks outside every pool, on this computer: ask the image files themselves.
  if (o.local) {
    const outside = [...diskPaths].filter((p) => !index.atPath(p) || !backingOf.has(p));
    const chains = await Promise.all(outside.map((p) => qemuImgBackingChain(p)));
    for (const chain of chains) for (const [from, to] of chain) link(from, to);
  }

  const users = new Map<string, PathUser[]>();
  const add = (p: string, u: PathUser) => {
    const list = users.get(p) ?? [];
    if (!list.some((x) => x.kind === u.kind && x.name === u.name && x.uuid === u.uuid && x.direct === u.direct && x.connection === u.connection)) list.push(u);
    users.set(p, list);
  };
  for (const { connection, r } of allRecords) {
    const base = { kind: 'vm' as const, name: r.name, uuid: r.uuid, active: r.active, ...(connection ? { connection } : {}) };
    for (const d of recordDisks(r)) {
      const p = index.pathOf(d);
      if (!p) continue;
      add(p, { ...base, direct: true });
      for (const b of chainBelow(backingOf, p)) add(b, { ...base, direct: false });
    }
  }
  // Overlays with or without a VM: their bases are used by them.
  for (const [from] of backingOf) {
    for (const b of chainBelow(backingOf, from)) add(b, { kind: 'overlay', name: from, active: false, direct: false });
  }
  return { records, index, backingOf, users };
}

/** VM names using `p` (any level), except the VM `exceptUuid`. */
export function vmUsersOf(usage: StorageUsage, p: string, exceptUuid?: string): string[] {
  return [...new Set((usage.users.get(p) ?? []).filter((u) => u.kind === 'vm' && u.uuid !== exceptUuid).map((u) => (u.connection ? `${u.name} (on ${u.connection})` : u.name)))].sort();
}

/**
 * Why `p` must not be deleted, or null. `exceptUuid`: the VM being deleted (its own use does not
 * count); `alsoDeleted`: paths deleted in the same request (overlays among them do not count,
 * but only when nothing else sits on them).
 */
export function deleteRefusal(usage: StorageUsage, p: string, exceptUuid?: string, alsoDeleted: ReadonlySet<string> = new Set()): string | null {
  const users = (usage.users.get(p) ?? []).filter((u) => !(u.kind === 'vm' && u.uuid === exceptUuid));
  const vms = users.filter((u) => u.kind === 'vm');
  const direct = [...new Set(vms.filter((u) => u.direct).map(label))].sort();
  const chained = [...new Set(vms.filter((u) => !u.direct).map(label))].sort().filter((n) => !direct.includes(n));
  const overlays = users
    .filter((u) => u.kind === 'overlay')
    .map((u) => u.name)
    .filter((o) => !alsoDeleted.has(o) && !vms.some((v) => !v.direct && usage.users.get(o)?.some((x) => x.kind === 'vm' && x.uuid === v.uuid)));
  const parts: string[] = [];
  if (direct.length) parts.push(`also used by VM ${quoteList(direct)}`);
  if (chained.length) parts.push(`backing file of the disk of VM ${quoteList(chained)} (linked clone${chained.length > 1 ? 's' : ''} or snapshot overlay${chained.length > 1 ? 's' : ''}: deleting it would destroy ${chained.length > 1 ? 'their' : 'its'} disk${chained.length > 1 ? 's' : ''}) — delete ${chained.length > 1 ? 'those VMs' : 'that VM'} first`);
  const lonely = [...new Set(overlays)].sort();
  if (lonely.length) parts.push(`backing file of the image${lonely.length > 1 ? 's' : ''} ${quoteList(lonely)} — delete ${lonely.length > 1 ? 'them' : 'it'} first`);
  return parts.length ? parts.join('; ') : null;
}

function label(u: PathUser): string {
  return u.connection ? `${u.name} (on ${u.connection})` : u.name;
}

function quoteList(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
