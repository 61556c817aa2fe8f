// Reads back what the create flow cares about from domain XML (ours, or libvirt's normalized
// dump): the values a VmSpec set, and every disk with its source and backing chain (safe delete),
// as views over the domain model. Pools, volumes and networks are read here too.
import { parseDomain, type Domain } from '../domain';
import { asArray, attr, parseXml, text, type XmlNode } from './parse';
import { toBytes } from './build';

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

/** Every disk of a domain, with its host path and backing chain. Throws DomainXmlError on XML that is not a domain. */
export function domainDisks(xml: string | Domain): DomainDisk[] {
  const d = typeof xml === 'string' ? parseDomain(xml) : xml;
  return d.devicesOf('disk').map((disk) => ({
    device: disk.device,
    type: disk.type ?? 'file',
    target: disk.targetDev ?? '',
    bus: disk.bus,
    format: disk.format,
    path: disk.sourceFile ?? disk.sourceDev ?? disk.sourceDir,
    pool: disk.sourcePool,
    volume: disk.sourceVolume,
    readonly: disk.readonly,
    shareable: disk.shareable,
    backing: disk.backingChain,
  }));
}

/** What a VmSpec set, read back from domain XML. Throws DomainXmlError on XML that is not a domain. */
export function readDomainXml(xml: string): DomainReadback {
  const d = parseDomain(xml);
  const memoryKiB = d.memoryKiB;
  const firmware = d.os.firmware === 'efi' || d.os.loaderType === 'pflash' ? 'uefi' : 'bios';
  return {
    name: d.name,
    uuid: d.uuid || undefined,
    domainType: d.type,
    osId: d.osinfoId,
    memoryMiB: memoryKiB === undefined ? undefined : memoryKiB / 1024,
    vcpus: Number.isFinite(d.maxVcpus) ? d.maxVcpus : undefined,
    arch: d.os.arch,
    machine: d.os.machine,
    firmware,
    kernel: d.os.kernel,
    initrd: d.os.initrd,
    cmdline: d.os.cmdline,
    bootOrder: d.os.bootDevices.filter(Boolean),
    disks: domainDisks(d),
    nics: d.devicesOf('interface').map((n) => ({
      type: n.type ?? 'unknown',
      source: n.sourceNetwork ?? n.sourceBridge ?? n.sourceDev,
      model: n.model,
      backend: n.backendType,
      portForwards: n.portForwards,
    })),
    tpm: d.devicesOf('tpm').length > 0,
    vnc: d.devicesOf('graphics').some((g) => g.type === 'vnc'),
    serial: d.devicesOf('serial').length > 0,
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
