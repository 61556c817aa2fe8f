// Virtdesk's own domain metadata: one element in Virtdesk's namespace inside <metadata>, e.g.
//   <virtdesk:vm xmlns:virtdesk="https://virtdesk.invalid/xmlns/1">
//     <virtdesk:template/>
//     <virtdesk:lab name="web" machine="node" instance="node-2" network="vdlab-web"/>
//     <virtdesk:tag>ci</virtdesk:tag>
//     <virtdesk:disk target="vda" pool="virtdesk-labs" volume="web-node-2-vda.qcow2" overlay="/…" base="/…" baseFormat="qcow2"/>
//     <virtdesk:linkedFrom uuid="…" name="…"/>
//     <virtdesk:seed pool="default" volume="web-cidata.iso" path="/…"/>
//     <virtdesk:installer/>          (live XML of a network install's installer run only)
//   </virtdesk:vm>
// Flat on purpose: virDomainSetMetadata puts the namespace on the root and its direct children
// only. Built with XMLBuilder (escaping); read back from any prefix bound to the namespace.
import { buildXml, el, type XmlTree } from './build';
import { asArray, attr, parseXml, text, type XmlNode } from './parse';

export const VIRTDESK_NS = 'https://virtdesk.invalid/xmlns/1';
/** The prefix Virtdesk writes (readers accept any prefix bound to VIRTDESK_NS). */
export const VIRTDESK_PREFIX = 'virtdesk';

export interface VirtdeskDiskMeta {
  target: string;
  /** Pool and volume of the overlay (lab machines and linked clones). */
  pool: string;
  volume: string;
  overlay: string;
  /** The backing file the overlay sits on, and its format. */
  base: string;
  baseFormat: 'qcow2' | 'raw';
}

export interface VirtdeskMeta {
  /** Linked clones sit on this VM's disks: do not start or change it without asking. */
  template: boolean;
  lab?: { name: string; machine: string; instance: string; network?: string };
  tags: string[];
  disks: VirtdeskDiskMeta[];
  linkedFrom?: { uuid: string; name: string };
  /** The cloud-init seed ISO Virtdesk made for this VM (deleting the VM may delete it). */
  seed?: { pool: string; volume: string; path: string };
  /** This run boots a network installer (live configuration only; see install/install-watch.ts). */
  installer?: boolean;
}

export const EMPTY_META: VirtdeskMeta = { template: false, tags: [], disks: [] };

export function isEmptyMeta(m: VirtdeskMeta): boolean {
  return !m.template && !m.lab && m.tags.length === 0 && m.disks.length === 0 && !m.linkedFrom && !m.seed && !m.installer;
}

function children(m: VirtdeskMeta, p: string): XmlTree {
  const out: XmlTree = {};
  if (m.template) out[`${p}template`] = '';
  if (m.lab) out[`${p}lab`] = el({ name: m.lab.name, machine: m.lab.machine, instance: m.lab.instance, network: m.lab.network });
  if (m.tags.length) out[`${p}tag`] = m.tags.map((t) => ({ '#text': t }));
  if (m.disks.length) {
    out[`${p}disk`] = m.disks.map((d) => el({ target: d.target, pool: d.pool, volume: d.volume, overlay: d.overlay, base: d.base, baseFormat: d.baseFormat }));
  }
  if (m.linkedFrom) out[`${p}linkedFrom`] = el({ uuid: m.linkedFrom.uuid, name: m.linkedFrom.name });
  if (m.seed) out[`${p}seed`] = el({ pool: m.seed.pool, volume: m.seed.volume, path: m.seed.path });
  if (m.installer) out[`${p}installer`] = '';
  return out;
}

/** What goes under <metadata> of a domain XML we build: { 'virtdesk:vm': … } with its xmlns. */
export function metadataEntry(m: VirtdeskMeta): XmlTree {
  const p = `${VIRTDESK_PREFIX}:`;
  return { [`${p}vm`]: el({ [`xmlns:${VIRTDESK_PREFIX}`]: VIRTDESK_NS }, children(m, p)) };
}

/** The element for virDomainSetMetadata (no prefix: libvirt binds key + uri itself). */
export function buildMetadataElement(m: VirtdeskMeta): string {
  return buildXml({ vm: children(m, '') });
}

function readElement(node: XmlNode, prefix: string): VirtdeskMeta {
  const p = prefix ? `${prefix}:` : '';
  const labNode = asArray(node[`${p}lab`] as XmlNode[])[0];
  const labName = attr(labNode, 'name');
  const machine = attr(labNode, 'machine');
  const instance = attr(labNode, 'instance');
  const network = attr(labNode, 'network');
  const linked = asArray(node[`${p}linkedFrom`] as XmlNode[])[0];
  const seed = asArray(node[`${p}seed`] as XmlNode[])[0];
  const seedPool = attr(seed, 'pool');
  const seedVolume = attr(seed, 'volume');
  const seedPath = attr(seed, 'path');
  const disks: VirtdeskDiskMeta[] = [];
  for (const d of asArray(node[`${p}disk`] as XmlNode[])) {
    const target = attr(d, 'target');
    const pool = attr(d, 'pool');
    const volume = attr(d, 'volume');
    const overlay = attr(d, 'overlay');
    const base = attr(d, 'base');
    const baseFormat = attr(d, 'baseFormat');
    if (target && pool && volume && overlay && base && (baseFormat === 'qcow2' || baseFormat === 'raw')) disks.push({ target, pool, volume, overlay, base, baseFormat });
  }
  return {
    template: `${p}template` in node,
    ...(labName && machine && instance ? { lab: { name: labName, machine, instance, ...(network ? { network } : {}) } } : {}),
    tags: asArray(node[`${p}tag`] as unknown[]).map((t) => text(t)).filter((t): t is string => !!t),
    disks,
    ...(attr(linked, 'uuid') && attr(linked, 'name') ? { linkedFrom: { uuid: attr(linked, 'uuid')!, name: attr(linked, 'name')! } } : {}),
    ...(seedPool && seedVolume && seedPath ? { seed: { pool: seedPool, volume: seedVolume, path: seedPath } } : {}),
    ...(`${p}installer` in node ? { installer: true } : {}),
  };
}

/** Our element among the children of a parsed <metadata> (parse.ts shape), or null. */
export function readMetadataNode(metadata: unknown): VirtdeskMeta | null {
  if (!metadata || typeof metadata !== 'object') return null;
  for (const [key, value] of Object.entries(metadata as XmlNode)) {
    const [prefix, local] = key.includes(':') ? key.split(':', 2) : ['', key];
    if (local !== 'vm') continue;
    for (const node of asArray(value as XmlNode[])) {
      if (!node || typeof node !== 'object') continue;
      const ns = attr(node, prefix ? `xmlns:${prefix}` : 'xmlns');
      if (ns === VIRTDESK_NS) return readElement(node, prefix);
    }
  }
  return null;
}

/** Virtdesk's metadata of a domain XML document, or null when it has none. */
export function readVirtdeskMeta(domainXml: string): VirtdeskMeta | null {
  try {
    const dom = asArray(parseXml(domainXml).domain as XmlNode[])[0];
    return dom ? readMetadataNode(dom.metadata) : null;
  } catch {
    return null;
  }
}

/**
 * What virDomainGetMetadata returns for our namespace: the element, with or without a prefix
 * (libvirt prints it without), or null.
 */
export function readMetadataElement(xml: string | null): VirtdeskMeta | null {
  if (!xml) return null;
  try {
    const doc = parseXml(xml);
    for (const [key, value] of Object.entries(doc)) {
      if (key.startsWith('?')) continue;
      const [prefix, local] = key.includes(':') ? key.split(':', 2) : ['', key];
      const node: unknown = asArray(value as unknown[])[0];
      if (local === 'vm' && node && typeof node === 'object') return readElement(node as XmlNode, prefix);
      if (local === 'vm' && node === '') return { ...EMPTY_META };
    }
  } catch {
    /* unreadable: none */
  }
  return null;
}
