// <metadata> over the DOM: Virtdesk's own element (namespace VIRTDESK_NS) read and written,
// every other tool's element left exactly as it is.
import { VIRTDESK_NS, VIRTDESK_PREFIX, type VirtdeskDiskMeta, type VirtdeskMeta } from '../xml/virtdesk-meta';
import { insertChild, insertOrdered, removeElement } from './view';
import { checkXmlChars, elementChildren, type Element } from './xml';

export const LIBOSINFO_NS = 'http://libosinfo.org/xmlns/libvirt/domain/1.0';

function nsChildren(el: Element, local: string): Element[] {
  return elementChildren(el).filter((c) => c.namespaceURI === el.namespaceURI && (c.localName ?? c.tagName) === local);
}

function attrs(el: Element | undefined, ...names: string[]): (string | undefined)[] {
  return names.map((n) => (el && el.hasAttribute(n) ? el.getAttribute(n)! : undefined));
}

/** Reads our <vm> element (any prefix bound to VIRTDESK_NS). */
export function readVirtdeskElement(vm: Element): VirtdeskMeta {
  const [labName, machine, instance, network] = attrs(nsChildren(vm, 'lab')[0], 'name', 'machine', 'instance', 'network');
  const [linkedUuid, linkedName] = attrs(nsChildren(vm, 'linkedFrom')[0], 'uuid', 'name');
  const [seedPool, seedVolume, seedPath] = attrs(nsChildren(vm, 'seed')[0], 'pool', 'volume', 'path');
  const disks: VirtdeskDiskMeta[] = [];
  for (const d of nsChildren(vm, 'disk')) {
    const [target, pool, volume, overlay, base, baseFormat] = attrs(d, 'target', 'pool', 'volume', 'overlay', 'base', 'baseFormat');
    if (target && pool && volume && overlay && base && (baseFormat === 'qcow2' || baseFormat === 'raw')) disks.push({ target, pool, volume, overlay, base, baseFormat });
  }
  return {
    template: nsChildren(vm, 'template').length > 0,
    ...(labName && machine && instance ? { lab: { name: labName, machine, instance, ...(network ? { network } : {}) } } : {}),
    tags: nsChildren(vm, 'tag').map((t) => (t.textContent ?? '').trim()).filter(Boolean),
    disks,
    ...(linkedUuid && linkedName ? { linkedFrom: { uuid: linkedUuid, name: linkedName } } : {}),
    ...(seedPool && seedVolume && seedPath ? { seed: { pool: seedPool, volume: seedVolume, path: seedPath } } : {}),
    ...(nsChildren(vm, 'installer').length ? { installer: true } : {}),
  };
}

/** Our element inside <metadata>, or null. */
export function findVirtdeskElement(metadata: Element | null): Element | null {
  if (!metadata) return null;
  return elementChildren(metadata).find((c) => c.namespaceURI === VIRTDESK_NS && c.localName === 'vm') ?? null;
}

/** A new <virtdesk:vm> element for `meta` in `metadata`'s document (values escaped by the DOM). */
export function buildVirtdeskElement(metadata: Element, meta: VirtdeskMeta): Element {
  const doc = metadata.ownerDocument!;
  const q = (local: string): string => `${VIRTDESK_PREFIX}:${local}`;
  const vm = doc.createElementNS(VIRTDESK_NS, q('vm'));
  const add = (local: string, a: Record<string, string | undefined> = {}, text?: string): void => {
    const e = doc.createElementNS(VIRTDESK_NS, q(local));
    for (const [k, v] of Object.entries(a)) if (v !== undefined) e.setAttribute(k, checkXmlChars(v, `Virtdesk metadata ${local} ${k}`));
    if (text !== undefined) e.textContent = checkXmlChars(text, `Virtdesk metadata ${local}`);
    vm.appendChild(e);
  };
  if (meta.template) add('template');
  if (meta.lab) add('lab', { name: meta.lab.name, machine: meta.lab.machine, instance: meta.lab.instance, network: meta.lab.network });
  for (const t of meta.tags) add('tag', {}, t);
  for (const d of meta.disks) add('disk', { target: d.target, pool: d.pool, volume: d.volume, overlay: d.overlay, base: d.base, baseFormat: d.baseFormat });
  if (meta.linkedFrom) add('linkedFrom', { uuid: meta.linkedFrom.uuid, name: meta.linkedFrom.name });
  if (meta.seed) add('seed', { pool: meta.seed.pool, volume: meta.seed.volume, path: meta.seed.path });
  if (meta.installer) add('installer');
  return vm;
}

/** Replaces (or with null removes) our element; <metadata> is created or removed as needed. */
export function writeVirtdeskMeta(domainEl: Element, meta: VirtdeskMeta | null): void {
  let metadata = elementChildren(domainEl).find((c) => c.tagName === 'metadata') ?? null;
  const existing = findVirtdeskElement(metadata);
  if (!meta) {
    if (existing) removeElement(existing);
    if (metadata && elementChildren(metadata).length === 0 && !(metadata.textContent ?? '').trim()) removeElement(metadata);
    return;
  }
  if (!metadata) {
    metadata = domainEl.ownerDocument!.createElement('metadata');
    insertOrdered(domainEl, metadata);
  }
  const vm = buildVirtdeskElement(metadata, meta);
  if (existing) metadata.replaceChild(vm, existing);
  else insertChild(metadata, vm, null);
}

/** The namespaces of the elements in <metadata> (other tools' data the model keeps as is). */
export function metadataNamespaces(domainEl: Element): string[] {
  const metadata = elementChildren(domainEl).find((c) => c.tagName === 'metadata');
  return metadata ? elementChildren(metadata).map((c) => c.namespaceURI ?? '') : [];
}

/** libosinfo's <libosinfo:os id='…'/>, the OS the VM was created for. */
export function readOsinfoId(domainEl: Element): string | undefined {
  const metadata = elementChildren(domainEl).find((c) => c.tagName === 'metadata');
  const lo = metadata && elementChildren(metadata).find((c) => c.namespaceURI === LIBOSINFO_NS && c.localName === 'libosinfo');
  const os = lo && elementChildren(lo).find((c) => c.localName === 'os');
  return os?.getAttribute('id') || undefined;
}
