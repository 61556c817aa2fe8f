// <domainsnapshot> documents: built for virDomainSnapshotCreateXML, read back from
// virDomainSnapshotGetXMLDesc (state, creation time, memory and disk snapshot modes).
import { buildXml, el, type XmlTree } from './build';
import { asArray, attr, parseXml, text, type XmlNode } from './parse';

export type SnapshotMode = 'internal' | 'external' | 'no';

export interface SnapshotSpec {
  name: string;
  description?: string;
  /** Omitted: libvirt's default for the domain's state (internal snapshots). */
  memory?: { snapshot: 'internal' | 'no' } | { snapshot: 'external'; file: string };
  /** Per disk (by target): omitted disks get libvirt's default. External disks: libvirt names the overlay file. */
  disks?: { name: string; snapshot: SnapshotMode }[];
}

export function buildSnapshotXml(s: SnapshotSpec): string {
  const doc: XmlTree = { name: s.name };
  if (s.description) doc.description = s.description;
  if (s.memory) doc.memory = el(s.memory.snapshot === 'external' ? { snapshot: 'external', file: s.memory.file } : { snapshot: s.memory.snapshot });
  if (s.disks?.length) doc.disks = { disk: s.disks.map((d) => el({ name: d.name, snapshot: d.snapshot })) };
  return buildXml({ domainsnapshot: doc });
}

export interface SnapshotReadback {
  name: string;
  description: string | null;
  /** running, paused, shutoff, disk-snapshot, … */
  state: string;
  /** Seconds since the epoch; null when libvirt gave none. */
  creationTime: number | null;
  memory: SnapshotMode | null;
  memoryFile: string | null;
  disks: { name: string; snapshot: SnapshotMode | null; file: string | null }[];
  parent: string | null;
}

const mode = (v: string | undefined): SnapshotMode | null => (v === 'internal' || v === 'external' || v === 'no' ? v : null);

export function readSnapshotXml(xml: string): SnapshotReadback {
  const s = (parseXml(xml).domainsnapshot ?? {}) as XmlNode;
  const memory = asArray(s.memory as XmlNode[])[0];
  const created = Number(text(s.creationTime));
  const parent = asArray(s.parent as XmlNode[])[0];
  const disks = asArray(((s.disks ?? {}) as XmlNode).disk as XmlNode[]).map((d) => ({
    name: attr(d, 'name') ?? '',
    snapshot: mode(attr(d, 'snapshot')),
    file: attr(d.source, 'file') ?? null,
  }));
  return {
    name: text(s.name) ?? '',
    description: text(s.description) ?? null,
    state: text(s.state) ?? 'nostate',
    creationTime: Number.isFinite(created) && text(s.creationTime) !== undefined ? created : null,
    memory: mode(attr(memory, 'snapshot')),
    memoryFile: attr(memory, 'file') ?? null,
    disks,
    parent: parent && typeof parent === 'object' ? text((parent as XmlNode).name) ?? null : null,
  };
}

/** Memory is part of the snapshot: explicit memory mode, else (old libvirt) a live state. */
export function snapshotHasMemory(r: SnapshotReadback): boolean {
  if (r.memory) return r.memory !== 'no';
  return r.state !== 'shutoff' && r.state !== 'disk-snapshot';
}

/** Any part of the snapshot lives outside the disk images. */
export function snapshotIsExternal(r: SnapshotReadback): boolean {
  return r.memory === 'external' || r.disks.some((d) => d.snapshot === 'external');
}
