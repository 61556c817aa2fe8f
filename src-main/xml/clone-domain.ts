// The domain XML of a clone, from the source's persistent definition: everything is kept (in
// order: an order-preserving parse and build) except what must be new or must not be shared —
// name, UUID (omitted: libvirt makes one), MAC addresses (omitted: libvirt makes them), the
// writable disks (pointed at the copies / overlays), fixed display ports, the UEFI NVRAM path
// (omitted: libvirt creates <name>_VARS.fd from the firmware's template at the first start) and
// Virtdesk's own metadata (the clone gets its own). New values go through the XML builder.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { assertXmlSafe, buildXml } from './build';
import { VIRTDESK_NS, metadataEntry, type VirtdeskMeta } from './virtdesk-meta';

type Attrs = Record<string, string>;
/** fast-xml-parser's preserveOrder shape: { tag: children[], ':@'?: { '@_a': … } } or { '#text': … }. */
type ONode = Record<string, unknown>;

const options = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  commentPropName: '#comment',
  processEntities: true,
} as const;
const parser = new XMLParser({ ...options, parseTagValue: false, parseAttributeValue: false, trimValues: true });
const builder = new XMLBuilder({ ...options, format: true, indentBy: '  ', suppressEmptyNode: true });

const tagOf = (n: ONode): string | undefined => Object.keys(n).find((k) => k !== ':@');
const childrenOf = (n: ONode): ONode[] => {
  const t = tagOf(n);
  const c = t ? n[t] : undefined;
  return Array.isArray(c) ? (c as ONode[]) : [];
};
const attrsOf = (n: ONode): Attrs => (n[':@'] as Attrs | undefined) ?? {};
const attrOf = (n: ONode, name: string): string | undefined => attrsOf(n)[`@_${name}`];
const setAttr = (n: ONode, name: string, value: string): void => {
  n[':@'] = { ...attrsOf(n), [`@_${name}`]: assertXmlSafe(value, `attribute ${name}`) };
};
const dropAttr = (n: ONode, name: string): void => {
  const a = { ...attrsOf(n) };
  delete a[`@_${name}`];
  if (Object.keys(a).length) n[':@'] = a;
  else delete n[':@'];
};
const find = (list: ONode[], tag: string): ONode | undefined => list.find((c) => tagOf(c) === tag);
const setChildren = (n: ONode, list: ONode[]): void => {
  n[tagOf(n)!] = list;
};
const textNode = (value: string, what: string): ONode => ({ '#text': assertXmlSafe(value, what) });

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

function isOurMetadata(n: ONode): boolean {
  const tag = tagOf(n);
  if (!tag) return false;
  const [prefix, local] = tag.includes(':') ? tag.split(':', 2) : ['', tag];
  return local === 'vm' && attrOf(n, prefix ? `xmlns:${prefix}` : 'xmlns') === VIRTDESK_NS;
}

function metadataNodes(meta: VirtdeskMeta): ONode[] {
  // Built by the escaping builder, then read back into the order-preserving shape.
  const doc = parser.parse(buildXml({ metadata: metadataEntry(meta) })) as ONode[];
  return childrenOf(doc.find((n) => tagOf(n) === 'metadata')!);
}

function editDisk(disk: ONode, to: CloneDisk): void {
  setAttr(disk, 'type', 'file');
  const kept = childrenOf(disk).filter((c) => !['source', 'backingStore', 'driver'].includes(tagOf(c) ?? ''));
  const oldDriver = find(childrenOf(disk), 'driver');
  const driver: ONode = { driver: [], ':@': { ...(oldDriver ? attrsOf(oldDriver) : { '@_name': 'qemu' }) } };
  setAttr(driver, 'type', to.format);
  const source: ONode = { source: [] };
  setAttr(source, 'file', to.path);
  setChildren(disk, [driver, source, ...kept]);
}

/** The clone's domain XML. Throws when the source has no <domain> root. */
export function cloneDomainXml(sourceXml: string, edits: CloneDomainEdits): string {
  const doc = parser.parse(sourceXml) as ONode[];
  const domain = doc.find((n) => tagOf(n) === 'domain');
  if (!domain) throw new Error('not a domain XML document (no <domain> root)');
  let top = childrenOf(domain).filter((c) => tagOf(c) !== 'uuid');

  const name = find(top, 'name');
  if (name) setChildren(name, [textNode(edits.name, '<name>')]);
  else top.unshift({ name: [textNode(edits.name, '<name>')] });

  // Metadata: drop ours, add the clone's.
  const meta = find(top, 'metadata');
  const others = meta ? childrenOf(meta).filter((c) => !isOurMetadata(c)) : [];
  const mine = edits.meta ? metadataNodes(edits.meta) : [];
  if (others.length || mine.length) {
    const node: ONode = meta ?? { metadata: [] };
    setChildren(node, [...others, ...mine]);
    if (!meta) top.splice(top.findIndex((c) => tagOf(c) === 'name') + 1, 0, node);
  } else if (meta) {
    top = top.filter((c) => c !== meta);
  }

  // UEFI NVRAM: keep the element's template/format, drop the path (a new one per VM).
  const os = find(top, 'os');
  if (os) {
    const kept: ONode[] = [];
    for (const c of childrenOf(os)) {
      if (tagOf(c) !== 'nvram') {
        kept.push(c);
        continue;
      }
      setChildren(c, []);
      if (Object.keys(attrsOf(c)).length) kept.push(c);
    }
    setChildren(os, kept);
  }

  // SMBIOS system UUID, if the source pinned one.
  const sysinfo = find(top, 'sysinfo');
  const system = sysinfo ? find(childrenOf(sysinfo), 'system') : undefined;
  if (system) setChildren(system, childrenOf(system).filter((e) => !(tagOf(e) === 'entry' && attrOf(e, 'name') === 'uuid')));

  const devices = find(top, 'devices');
  if (devices) {
    for (const dev of childrenOf(devices)) {
      switch (tagOf(dev)) {
        case 'disk': {
          const target = attrOf(find(childrenOf(dev), 'target') ?? {}, 'dev');
          const to = target ? edits.disks.get(target) : undefined;
          if (to) editDisk(dev, to);
          break;
        }
        case 'interface':
          setChildren(dev, childrenOf(dev).filter((c) => tagOf(c) !== 'mac'));
          break;
        case 'graphics':
          if (attrOf(dev, 'port') !== undefined && attrOf(dev, 'autoport') !== 'yes') {
            dropAttr(dev, 'port');
            setAttr(dev, 'autoport', 'yes');
          }
          if (attrOf(dev, 'websocket') !== undefined && attrOf(dev, 'websocket') !== '-1') setAttr(dev, 'websocket', '-1');
          break;
      }
    }
  }
  setChildren(domain, top);
  return builder.build(doc.filter((n) => tagOf(n) === 'domain')) as string;
}
