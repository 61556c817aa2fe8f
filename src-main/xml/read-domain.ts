// Reads back what the create flow cares about from domain XML (ours, or libvirt's normalized
// dump): the values a VmSpec set, and every disk with its source and backing chain (safe delete).
import { asArray, attr, parseXml, text, type XmlNode } from './parse';
import { toBytes } from './build';
import { LIBOSINFO_NS } from './build-domain';

export interface DomainDisk {
  /** disk, cdrom, floppy, lun */
  device: string;
  /** file, block, volume, network, dir */
  type: string;
  target: string;
  bus?: string;
  format?: string;
  /** Host path (file/block sources; for volume sources only when libvirt filled it in). */
  path?: string;
  pool?: string;
  volume?: string;
  readonly: boolean;
  shareable: boolean;
  /** Paths of the backing chain libvirt reports (<backingStore>), nearest first. */
  backing: string[];
}

export interface DomainNicInfo {
  type: string;
  source?: string;
  model?: string;
  backend?: string;
  portForwards: { protocol: string; host: number; guest: number }[];
}

export interface DomainReadback {
  name?: string;
  uuid?: string;
  domainType?: string;
  /** Full osinfo id from the libosinfo metadata. */
  osId?: string;
  memoryMiB?: number;
  vcpus?: number;
  arch?: string;
  machine?: string;
  firmware: 'bios' | 'uefi';
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  bootOrder: string[];
  disks: DomainDisk[];
  nics: DomainNicInfo[];
  tpm: boolean;
  vnc: boolean;
  serial: boolean;
}

function root(xml: string): XmlNode {
  return (asArray(parseXml(xml).domain as XmlNode[])[0] ?? {}) as XmlNode;
}

function osinfoId(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  for (const [key, value] of Object.entries(metadata as XmlNode)) {
    const [prefix, local] = key.includes(':') ? key.split(':') : ['', key];
    if (local !== 'libosinfo') continue;
    const node = asArray(value as XmlNode)[0];
    if (!node) continue;
    const ns = attr(node, prefix ? `xmlns:${prefix}` : 'xmlns');
    if (ns !== undefined && ns !== LIBOSINFO_NS) continue;
    const os = asArray((node as XmlNode)[prefix ? `${prefix}:os` : 'os'] as XmlNode)[0];
    const id = attr(os, 'id');
    if (id) return id;
  }
  return undefined;
}

function backingChain(d: XmlNode): string[] {
  const out: string[] = [];
  let b: unknown = asArray(d.backingStore as XmlNode)[0];
  for (let depth = 0; b && typeof b === 'object' && depth < 64; depth++) {
    const node = b as XmlNode;
    const src = (node.source ?? {}) as XmlNode;
    const p = attr(src, 'file') ?? attr(src, 'dev');
    if (p) out.push(p);
    b = asArray(node.backingStore as XmlNode)[0];
  }
  return out;
}

/** Every disk of a domain, with its host path and backing chain. */
export function domainDisks(xml: string): DomainDisk[] {
  const devices = (root(xml).devices ?? {}) as XmlNode;
  return asArray(devices.disk as XmlNode[]).map((d) => {
    const src = (d.source ?? {}) as XmlNode;
    const type = attr(d, 'type') ?? 'file';
    return {
      device: attr(d, 'device') ?? 'disk',
      type,
      target: attr(d.target, 'dev') ?? '',
      bus: attr(d.target, 'bus'),
      format: attr(d.driver, 'type'),
      path: attr(src, 'file') ?? attr(src, 'dev') ?? attr(src, 'dir'),
      pool: attr(src, 'pool'),
      volume: attr(src, 'volume'),
      readonly: 'readonly' in d,
      shareable: 'shareable' in d,
      backing: backingChain(d),
    };
  });
}

export function readDomainXml(xml: string): DomainReadback {
  const dom = root(xml);
  const os = (dom.os ?? {}) as XmlNode;
  const type = asArray(os.type as XmlNode)[0];
  const devices = (dom.devices ?? {}) as XmlNode;
  const memBytes = toBytes(text(dom.memory), attr(dom.memory, 'unit'), 'KiB');
  const vcpus = Number(text(dom.vcpu));
  const loader = asArray(os.loader as XmlNode)[0];
  return {
    name: text(dom.name),
    uuid: text(dom.uuid),
    domainType: attr(dom, 'type'),
    osId: osinfoId(dom.metadata),
    memoryMiB: memBytes === undefined ? undefined : memBytes / 2 ** 20,
    vcpus: Number.isFinite(vcpus) ? vcpus : undefined,
    arch: attr(type, 'arch'),
    machine: attr(type, 'machine'),
    firmware: attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash' ? 'uefi' : 'bios',
    kernel: text(os.kernel),
    initrd: text(os.initrd),
    cmdline: text(os.cmdline),
    bootOrder: asArray(os.boot as XmlNode[]).map((b) => attr(b, 'dev') ?? '').filter(Boolean),
    disks: domainDisks(xml),
    nics: asArray(devices.interface as XmlNode[]).map((n) => ({
      type: attr(n, 'type') ?? 'unknown',
      source: attr(n.source, 'network') ?? attr(n.source, 'bridge') ?? attr(n.source, 'dev'),
      model: attr(n.model, 'type'),
      backend: attr(n.backend, 'type'),
      portForwards: asArray(n.portForward as XmlNode[]).flatMap((pf) =>
        asArray(pf.range as XmlNode[]).map((r) => ({ protocol: attr(pf, 'proto') ?? 'tcp', host: Number(attr(r, 'start')), guest: Number(attr(r, 'to') ?? attr(r, 'start')) })),
      ),
    })),
    tpm: devices.tpm !== undefined,
    vnc: asArray(devices.graphics as XmlNode[]).some((g) => attr(g, 'type') === 'vnc'),
    serial: asArray(devices.serial as XmlNode[]).length > 0,
  };
}

/** The folder of a storage pool (<target><path>) and its type. */
export function readPoolXml(xml: string): { name?: string; type?: string; path?: string } {
  const pool = (parseXml(xml).pool ?? {}) as XmlNode;
  const target = (pool.target ?? {}) as XmlNode;
  return { name: text(pool.name), type: attr(pool, 'type'), path: text(target.path) };
}

/** Name, capacity and format of a volume. */
export function readVolumeXml(xml: string): { name?: string; capacityBytes?: number; format?: string; path?: string } {
  const vol = (parseXml(xml).volume ?? {}) as XmlNode;
  const target = (vol.target ?? {}) as XmlNode;
  return {
    name: text(vol.name),
    capacityBytes: toBytes(text(vol.capacity), attr(vol.capacity, 'unit')),
    format: attr(target.format, 'type'),
    path: text(target.path),
  };
}

export interface NetworkReadback {
  name?: string;
  /** nat, route, open, bridge, …; null: isolated. */
  forward: string | null;
  bridge?: string;
  ipv4?: { address: string; prefix: number; dhcpStart?: string; dhcpEnd?: string };
}

export function readNetworkXml(xml: string): NetworkReadback {
  const net = (parseXml(xml).network ?? {}) as XmlNode;
  const ips = asArray(net.ip as XmlNode[]);
  const v4 = ips.find((ip) => (attr(ip, 'family') ?? 'ipv4') === 'ipv4');
  let ipv4: NetworkReadback['ipv4'];
  if (v4) {
    const address = attr(v4, 'address') ?? '';
    const prefixAttr = attr(v4, 'prefix');
    const netmask = attr(v4, 'netmask');
    const prefix = prefixAttr !== undefined ? Number(prefixAttr) : netmask ? netmaskToPrefix(netmask) : 24;
    const range = asArray(((v4.dhcp ?? {}) as XmlNode).range as XmlNode[])[0];
    ipv4 = { address, prefix, dhcpStart: attr(range, 'start'), dhcpEnd: attr(range, 'end') };
  }
  return {
    name: text(net.name),
    forward: net.forward === undefined ? null : attr(net.forward, 'mode') ?? 'nat',
    bridge: attr(net.bridge, 'name'),
    ipv4,
  };
}

function netmaskToPrefix(mask: string): number {
  return mask.split('.').reduce((n, part) => n + (Number(part) >>> 0).toString(2).split('').filter((b) => b === '1').length, 0);
}
