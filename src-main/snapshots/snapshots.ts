// Snapshot operations over a host client: the tree, create (internal or external, with or
// without memory), revert and delete, each refused up front with a clear reason when libvirt
// would refuse it (or, worse, half-do it).
import path from 'node:path';
import { ApiError } from '../contract';
import type { SnapshotCapabilities, SnapshotInfo } from '../contract';
import type { LibvirtHostClient } from '../libvirt/host-client';
import type { DomainRef, SnapshotRecord } from '../libvirt/protocol';
import { buildSnapshotXml, readSnapshotXml, snapshotHasMemory, snapshotIsExternal, type SnapshotSpec } from '../xml/snapshot-xml';
import { domainDisks } from '../xml/read-domain';
import { EXTERNAL_REVERT_SINCE, formatLibVersion, snapshotCapabilities } from './capabilities';

type Api = LibvirtHostClient['api'];

const invalid = (field: string, message: string): ApiError => new ApiError('INVALID_INPUT', message, field);

/** Snapshot records → the API's tree (parents before children, children listed per node). */
export function toSnapshotInfos(records: SnapshotRecord[]): SnapshotInfo[] {
  const infos = records.map((r): SnapshotInfo => {
    const x = readSnapshotXml(r.xml);
    return {
      name: r.name,
      description: x.description,
      createdAt: new Date((x.creationTime ?? 0) * 1000).toISOString(),
      state: x.state,
      hasMemory: snapshotHasMemory(x),
      current: r.current,
      parent: r.parent ?? x.parent,
      children: [],
      external: snapshotIsExternal(x),
    };
  });
  const byName = new Map(infos.map((i) => [i.name, i]));
  for (const i of infos) if (i.parent) byName.get(i.parent)?.children.push(i.name);
  // Parents first, siblings by creation time (libvirt's topological order, made stable).
  const out: SnapshotInfo[] = [];
  const visit = (i: SnapshotInfo): void => {
    out.push(i);
    i.children.sort((a, b) => byName.get(a)!.createdAt.localeCompare(byName.get(b)!.createdAt) || a.localeCompare(b));
    for (const c of i.children) visit(byName.get(c)!);
  };
  infos
    .filter((i) => !i.parent || !byName.has(i.parent))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name))
    .forEach(visit);
  return out;
}

export async function capabilitiesOf(client: LibvirtHostClient, vm: DomainRef): Promise<SnapshotCapabilities> {
  const [info, xml] = await Promise.all([client.connect(), client.api.domainXml(vm)]);
  return snapshotCapabilities(xml, info.libVersion);
}

export async function listSnapshots(api: Api, vm: DomainRef): Promise<SnapshotInfo[]> {
  return toSnapshotInfos(await api.listSnapshots(vm));
}

export interface CreateSnapshotInput {
  name: string;
  description?: string;
  memory?: boolean;
  external: boolean;
}

export async function createSnapshot(client: LibvirtHostClient, vm: DomainRef, i: CreateSnapshotInput): Promise<SnapshotInfo> {
  const api = client.api;
  const d = await api.lookupDomain(vm);
  const ref = { uuid: d.uuid };
  const [info, xml, existing] = await Promise.all([client.connect(), api.domainXml(ref), api.listSnapshots(ref)]);
  if (existing.some((s) => s.name === i.name)) throw invalid('name', `VM '${d.name}' already has a snapshot named '${i.name}'`);
  const caps = snapshotCapabilities(xml, info.libVersion);
  const active = d.id !== -1 && d.state !== 'shutoff';
  const memory = i.memory ?? active;
  if (memory && !active) throw invalid('memory', `VM '${d.name}' is not running: there is no memory state to save (leave memory out, or set it to false)`);

  const disks = domainDisks(xml);
  const writable = disks.filter((x) => x.device === 'disk' && !x.readonly && !x.shareable);
  let spec: SnapshotSpec;
  let diskOnly = false;
  if (!i.external) {
    if (!caps.internal) {
      const why = caps.reasons.filter((r) => !r.startsWith('reverting') && !r.startsWith('external snapshots need'));
      throw invalid('external', `VM '${d.name}' cannot have internal snapshots (${why.join('; ')})${caps.external ? ': take an external snapshot instead (external: true)' : ''}`);
    }
    if (active && !memory) {
      throw invalid('memory', `an internal snapshot of a running VM always includes its memory (QEMU savevm): set memory to true, take an external snapshot, or shut '${d.name}' down first`);
    }
    spec = { name: i.name, description: i.description };
  } else {
    if (!caps.external) throw invalid('external', `VM '${d.name}' cannot have external snapshots (${caps.reasons.join('; ')})`);
    const first = writable[0].path!;
    spec = {
      name: i.name,
      description: i.description,
      // The memory file goes beside the first disk, named after the VM's UUID (names may hold anything).
      memory: memory ? { snapshot: 'external', file: path.join(path.dirname(first), `${d.uuid}.${i.name}.memory`) } : { snapshot: 'no' },
      disks: disks.filter((x) => x.device === 'disk' || x.device === 'cdrom' || x.device === 'floppy').map((x) => ({ name: x.target, snapshot: writable.includes(x) ? 'external' : 'no' })),
    };
    diskOnly = !memory;
  }
  const rec = await api.createSnapshot(ref, buildSnapshotXml(spec), { diskOnly, atomic: i.external });
  return toSnapshotInfos([rec])[0];
}

async function snapshotOf(api: Api, vm: DomainRef, name: string): Promise<{ d: { uuid: string; name: string }; x: ReturnType<typeof readSnapshotXml> }> {
  const d = await api.lookupDomain(vm);
  const list = await api.listSnapshots({ uuid: d.uuid });
  const rec = list.find((s) => s.name === name);
  if (!rec) {
    throw new ApiError('NOT_FOUND', `VM '${d.name}' has no snapshot named '${name}'${list.length ? ` (snapshots: ${list.map((s) => s.name).join(', ')})` : ''}`, 'name', 72);
  }
  return { d, x: readSnapshotXml(rec.xml) };
}

const externalRefusal = (what: string, name: string, libVersion: number): string =>
  `'${name}' is an external snapshot: ${what} external snapshots needs libvirt ≥ ${formatLibVersion(EXTERNAL_REVERT_SINCE)} (this host has ${formatLibVersion(libVersion)})`;

export async function revertSnapshot(client: LibvirtHostClient, vm: DomainRef, name: string): Promise<void> {
  const [info, { d, x }] = await Promise.all([client.connect(), snapshotOf(client.api, vm, name)]);
  if (snapshotIsExternal(x) && info.libVersion < EXTERNAL_REVERT_SINCE) throw invalid('name', externalRefusal('reverting to', name, info.libVersion));
  await client.api.revertSnapshot({ uuid: d.uuid }, name);
}

export async function deleteSnapshot(client: LibvirtHostClient, vm: DomainRef, name: string): Promise<void> {
  const [info, { d, x }] = await Promise.all([client.connect(), snapshotOf(client.api, vm, name)]);
  if (snapshotIsExternal(x) && info.libVersion < EXTERNAL_REVERT_SINCE) throw invalid('name', externalRefusal('deleting', name, info.libVersion));
  await client.api.deleteSnapshot({ uuid: d.uuid }, name);
}
