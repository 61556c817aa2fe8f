// Virtdesk's metadata on a container: the folder it unpacked the root filesystem into (only such
// a folder may be deleted with the container). Its own namespace, next to the VM metadata.
import { el, type XmlTree } from '../xml/build';
import { asArray, attr, parseXml, type XmlNode } from '../xml/parse';

export const CONTAINER_NS = 'https://virtdesk.invalid/xmlns/container/1';
const PREFIX = 'vdct';

export interface ContainerMeta {
  unpackedInto?: string;
}

export function containerMetaEntry(m: ContainerMeta): XmlTree {
  return { [`${PREFIX}:container`]: el({ [`xmlns:${PREFIX}`]: CONTAINER_NS }, m.unpackedInto ? { [`${PREFIX}:unpacked`]: el({ path: m.unpackedInto }) } : {}) };
}

/** The metadata of a domain XML, from any prefix bound to the namespace. */
export function readContainerMeta(xml: string): ContainerMeta {
  const dom = asArray(parseXml(xml).domain as XmlNode[])[0];
  const metadata = asArray(dom?.metadata as XmlNode[])[0];
  if (!metadata || typeof metadata !== 'object') return {};
  for (const [key, value] of Object.entries(metadata)) {
    const [prefix, local] = key.split(':');
    if (local !== 'container') continue;
    const node = asArray(value as XmlNode[])[0];
    if (attr(node, `xmlns:${prefix}`) !== CONTAINER_NS) continue;
    const unpacked = attr(asArray(node[`${prefix}:unpacked`] as XmlNode[])[0], 'path');
    return unpacked ? { unpackedInto: unpacked } : {};
  }
  return {};
}

/** The host folder mounted as the container's / (null: the host's own root). */
export function rootFolderInXml(xml: string): string | null {
  const dom = asArray(parseXml(xml).domain as XmlNode[])[0];
  const devices = asArray(dom?.devices as XmlNode[])[0];
  for (const fs of asArray(devices?.filesystem as XmlNode[])) {
    const target = attr(asArray(fs.target as XmlNode[])[0], 'dir');
    const source = attr(asArray(fs.source as XmlNode[])[0], 'dir');
    if (target === '/' && source) return source;
  }
  return null;
}
