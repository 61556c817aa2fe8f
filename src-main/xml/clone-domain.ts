// The domain XML of a clone, from the source's persistent definition, edited through the domain
// model: everything is kept as it was (unknown elements, other tools' metadata, order, text)
// except what must be new or must not be shared — name, UUID (omitted: libvirt makes one), MAC
// addresses (omitted: libvirt makes them), the writable disks (pointed at the copies /
// overlays), fixed display ports, the UEFI NVRAM file (omitted: libvirt creates
// <name>_VARS.fd from the firmware's template at the first start), a pinned SMBIOS UUID and
// Virtdesk's own metadata (the clone gets its own).
import { DomainXmlError, elementChildren, parseDomain, removeElement, type DiskDevice, type Domain, type Element } from '../domain';
import type { VirtdeskMeta } from './virtdesk-meta';

export interface CloneDisk {
  path: string;
  format: 'qcow2' | 'raw';
}

export interface CloneDomainEdits {
  name: string;
  /** By target (vda, sdb, …): the clone's disk. Disks not listed stay as they are (shared, e.g. CD-ROMs). */
  disks: ReadonlyMap<string, CloneDisk>;
  /** Virtdesk metadata for the clone; null: none. Other metadata (libosinfo, …) is kept. */
  meta: VirtdeskMeta | null;
}

const childrenNamed = (el: Element, name: string): Element[] => elementChildren(el).filter((e) => e.tagName === name);

function pointDiskAt(disk: DiskDevice, to: CloneDisk): void {
  disk.type = 'file';
  if (childrenNamed(disk.el, 'driver').length === 0) disk.driverName = 'qemu';
  disk.format = to.format;
  disk.removeBackingStore();
  disk.setSourcePath(to.path);
}

function dropSmbiosUuid(d: Domain): void {
  for (const sysinfo of childrenNamed(d.el, 'sysinfo')) {
    for (const system of childrenNamed(sysinfo, 'system')) {
      for (const entry of childrenNamed(system, 'entry')) if (entry.getAttribute('name') === 'uuid') removeElement(entry);
    }
  }
}

/** The clone's domain XML. Throws DomainXmlError when the source is not a domain or a new value cannot go into XML. */
export function cloneDomainXml(sourceXml: string, edits: CloneDomainEdits): string {
  let d: Domain;
  try {
    d = parseDomain(sourceXml);
  } catch (e) {
    throw new DomainXmlError(`Cannot clone: the source is not a domain XML document (${e instanceof Error ? e.message : String(e)})`);
  }
  d.name = edits.name;
  d.uuid = undefined;
  d.virtdeskMeta = edits.meta;
  d.os.forgetNvramFile();
  dropSmbiosUuid(d);
  for (const disk of d.devicesOf('disk')) {
    const to = disk.targetDev ? edits.disks.get(disk.targetDev) : undefined;
    if (to) pointDiskAt(disk, to);
  }
  // The whole <mac> (also type/check): libvirt generates a new address.
  for (const nic of d.devicesOf('interface')) for (const mac of childrenNamed(nic.el, 'mac')) removeElement(mac);
  for (const g of d.devicesOf('graphics')) {
    if (g.port !== undefined && g.autoport !== true) {
      g.port = undefined;
      g.autoport = true;
    }
    if (g.websocket !== undefined && g.websocket !== -1) g.websocket = -1;
  }
  return d.toXml();
}
