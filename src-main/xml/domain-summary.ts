// Reads what the UI shows about a VM from its domain XML.
import type { VmDetails, VmDisk, VmNic } from '../contract';
import { asArray, attr, parseXml, text, type XmlNode } from './parse';
import { readMetadataNode } from './virtdesk-meta';

export type DomainXmlSummary = Omit<VmDetails, 'connection' | 'uuid' | 'name' | 'id' | 'state' | 'persistent' | 'autostart' | 'hasManagedSave' | 'vcpus' | 'memoryKiB' | 'maxMemoryKiB'>;

const LIBOSINFO_NS = 'http://libosinfo.org/xmlns/libvirt/domain/1.0';

/** The OS short id from virt-manager's libosinfo metadata: <libosinfo:os id="http://debian.org/debian/12"/>. */
function osFromMetadata(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  for (const [key, value] of Object.entries(metadata as XmlNode)) {
    if (!key.endsWith('libosinfo')) continue;
    const node = asArray(value as XmlNode)[0];
    if (!node || (attr(node, `xmlns:${key.split(':')[0]}`) ?? LIBOSINFO_NS) !== LIBOSINFO_NS) continue;
    const id = attr(asArray((node as XmlNode)[`${key.split(':')[0]}:os`] as XmlNode)[0], 'id');
    if (id) return shortOsId(id);
  }
  return undefined;
}

/** "http://debian.org/debian/12" → "debian12"; "http://microsoft.com/win/11" → "win11". */
export function shortOsId(id: string): string {
  const parts = id.replace(/^[a-z]+:\/\/[^/]+\//i, '').split('/').filter(Boolean);
  if (parts.length >= 2) return `${parts[parts.length - 2]}${parts[parts.length - 1]}`;
  return parts[0] ?? id;
}

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

function labAndTags(metadata: unknown): { lab?: string; tags?: string[] } {
  const meta = readMetadataNode(metadata);
  if (!meta) return {};
  return { ...(meta.lab ? { lab: meta.lab.name } : {}), ...(meta.tags.length ? { tags: meta.tags } : {}) };
}

export function summarizeDomainXml(xml: string): DomainXmlSummary {
  const dom = (asArray(parseXml(xml).domain as XmlNode[])[0] ?? {}) as XmlNode;
  const os = (dom.os ?? {}) as XmlNode;
  const devices = (dom.devices ?? {}) as XmlNode;
  const type = asArray(os.type as XmlNode)[0];
  const loader = asArray(os.loader as XmlNode)[0];
  const firmware = attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash' ? 'uefi' : 'bios';
  const disks: VmDisk[] = asArray(devices.disk as XmlNode[]).map((d) => {
    const source = (d.source ?? {}) as XmlNode;
    return {
      device: attr(d, 'device') ?? 'disk',
      target: attr(d.target, 'dev') ?? '',
      bus: attr(d.target, 'bus'),
      source: attr(source, 'file') ?? attr(source, 'dev') ?? (attr(source, 'pool') ? `${attr(source, 'pool')}/${attr(source, 'volume')}` : undefined),
      format: attr(d.driver, 'type'),
      readonly: 'readonly' in d || attr(d, 'device') === 'cdrom',
    };
  });
  const nics: VmNic[] = asArray(devices.interface as XmlNode[]).map((n) => ({
    type: attr(n, 'type') ?? 'unknown',
    mac: attr(n.mac, 'address'),
    source: attr(n.source, 'network') ?? attr(n.source, 'bridge') ?? attr(n.source, 'dev'),
    model: attr(n.model, 'type'),
  }));
  const graphics = asArray(devices.graphics as XmlNode[]).map((g) => {
    const port = Number(attr(g, 'port'));
    return { type: attr(g, 'type') ?? 'unknown', port: Number.isFinite(port) && port > 0 ? port : undefined, listen: attr(g, 'listen') };
  });
  const lt = labAndTags(dom.metadata);
  const uuid = text(dom.uuid);
  if (uuid) {
    labTagsByUuid.delete(uuid);
    if (lt.lab || lt.tags) {
      if (labTagsByUuid.size >= LAB_TAGS_MAX) labTagsByUuid.delete(labTagsByUuid.keys().next().value!);
      labTagsByUuid.set(uuid, lt);
    }
  }
  return {
    ...lt,
    title: text(dom.title),
    description: text(dom.description),
    domainType: attr(dom, 'type') ?? 'unknown',
    arch: attr(type, 'arch'),
    machine: attr(type, 'machine'),
    firmware,
    bootOrder: asArray(os.boot as XmlNode[]).map((b) => attr(b, 'dev') ?? '').filter(Boolean),
    disks,
    nics,
    graphics,
    serialConsoles: asArray(devices.serial as XmlNode[]).length,
    os: osFromMetadata(dom.metadata),
  };
}
