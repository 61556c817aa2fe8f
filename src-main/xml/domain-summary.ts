// Reads what the UI shows about a VM from its domain XML (a view over the domain model).
import type { VmDetails, VmDisk, VmNic } from '../contract';
import { parseDomain, type Domain } from '../domain';
import { shortOsId } from './short-os-id';

export type DomainXmlSummary = Omit<VmDetails, 'connection' | 'uuid' | 'name' | 'id' | 'state' | 'persistent' | 'autostart' | 'hasManagedSave' | 'vcpus' | 'memoryKiB' | 'maxMemoryKiB'>;

export { shortOsId };

/**
 * Lab and tags of the domains summarized so far, by UUID: the core's vm.list path keeps only
 * the OS of each summary (core.ts caches `.os`), so toVmSummary (connection-manager.ts) looks
 * the lab and tags up here. Bounded; refreshed whenever a domain's XML is summarized again
 * (the core does so after every 'defined' event).
 */
const labTagsByUuid = new Map<string, { lab?: string; tags?: string[] }>();
const LAB_TAGS_MAX = 10_000;

export function labTagsOf(uuid: string): { lab?: string; tags?: string[] } {
  return labTagsByUuid.get(uuid) ?? {};
}

function labAndTags(d: Domain): { lab?: string; tags?: string[] } {
  const meta = d.virtdeskMeta;
  if (!meta) return {};
  return { ...(meta.lab ? { lab: meta.lab.name } : {}), ...(meta.tags.length ? { tags: meta.tags } : {}) };
}

const UNREADABLE: DomainXmlSummary = { domainType: 'unknown', firmware: 'bios', bootOrder: [], disks: [], nics: [], graphics: [], serialConsoles: 0 };

/** Never throws: XML that is not a domain gives an 'unknown' summary with nothing in it. */
export function summarizeDomainXml(xml: string): DomainXmlSummary {
  let d: Domain;
  try {
    d = parseDomain(xml);
  } catch {
    return { ...UNREADABLE };
  }
  const disks: VmDisk[] = d.devicesOf('disk').map((disk) => ({
    device: disk.device,
    target: disk.targetDev ?? '',
    bus: disk.bus,
    source: disk.source,
    format: disk.format,
    readonly: disk.readonly || disk.device === 'cdrom',
  }));
  const nics: VmNic[] = d.devicesOf('interface').map((n) => ({
    type: n.type ?? 'unknown',
    mac: n.mac,
    source: n.sourceNetwork ?? n.sourceBridge ?? n.sourceDev,
    model: n.model,
  }));
  const graphics = d.devicesOf('graphics').map((g) => {
    const port = g.port;
    return { type: g.type ?? 'unknown', port: port !== undefined && port > 0 ? port : undefined, listen: g.listen };
  });
  const lt = labAndTags(d);
  const uuid = d.uuid;
  if (uuid) {
    labTagsByUuid.delete(uuid);
    if (lt.lab || lt.tags) {
      if (labTagsByUuid.size >= LAB_TAGS_MAX) labTagsByUuid.delete(labTagsByUuid.keys().next().value!);
      labTagsByUuid.set(uuid, lt);
    }
  }
  const osId = d.osinfoId;
  return {
    ...lt,
    title: d.title,
    description: d.description,
    domainType: d.type ?? 'unknown',
    arch: d.os.arch,
    machine: d.os.machine,
    firmware: d.os.firmware === 'efi' || d.os.loaderType === 'pflash' ? 'uefi' : 'bios',
    bootOrder: d.os.bootDevices.filter(Boolean),
    disks,
    nics,
    graphics,
    // LXC containers have a <console> and no <serial>.
    serialConsoles: d.devicesOf('serial').length || d.devicesOf('console').length,
    os: osId ? shortOsId(osId) : undefined,
  };
}
