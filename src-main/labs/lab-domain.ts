// The domain XML of a lab machine: the New-VM plan (xml/build-domain.ts) with the machine's
// memory and vCPUs, its overlay disk(s), a serial console, VNC on 127.0.0.1, a NIC on the lab
// network (user-mode networking without one), optional direct kernel boot, and Virtdesk's
// metadata naming the lab, its tags and each overlay with its base.
import { buildXml, type XmlTree } from '../xml/build';
import { domainTree, type DiskBus, type DomainPlan, type PlanDisk } from '../xml/build-domain';
import { metadataEntry, type VirtdeskMeta } from '../xml/virtdesk-meta';

export interface LabDomainSpec {
  name: string;
  uuid: string;
  domainType: 'qemu' | 'kvm';
  machine: 'q35' | 'pc';
  firmware: 'bios' | 'uefi';
  /** Full osinfo id of the base VM, if it had one. */
  osId: string | null;
  memoryMiB: number;
  vcpus: number;
  boot?: { kernel: string; initrd?: string; cmdline?: string };
  disks: { path: string; target: string; bus: DiskBus }[];
  /** The lab network; null: user-mode networking. */
  network: string | null;
  /** The machine's cloud-init NoCloud seed ISO, attached as a CD-ROM. */
  seed?: string;
  meta: VirtdeskMeta;
}

/** The seed CD-ROM on the chipset's own controller (SATA on q35, IDE hdc on pc), on a free target. */
function seedCdrom(s: LabDomainSpec): PlanDisk {
  const bus: DiskBus = s.machine === 'q35' ? 'sata' : 'ide';
  const taken = new Set(s.disks.map((d) => d.target));
  const prefix = bus === 'sata' ? 'sd' : 'hd';
  const first = bus === 'ide' ? 2 : 0;
  let i = first;
  while (taken.has(`${prefix}${String.fromCharCode(97 + i)}`)) i++;
  return { device: 'cdrom', path: s.seed!, format: 'raw', bus, target: `${prefix}${String.fromCharCode(97 + i)}`, readonly: true };
}

export function labDomainPlan(s: LabDomainSpec): DomainPlan {
  const virtio = s.disks.every((d) => d.bus === 'virtio');
  return {
    name: s.name,
    uuid: s.uuid,
    domainType: s.domainType,
    osId: s.osId,
    memoryMiB: s.memoryMiB,
    vcpus: s.vcpus,
    arch: 'x86_64',
    machine: s.machine,
    firmware: s.firmware,
    cpuMode: s.domainType === 'kvm' ? 'host-passthrough' : null,
    clock: 'utc',
    kernel: s.boot ? { path: s.boot.kernel, ...(s.boot.initrd ? { initrd: s.boot.initrd } : {}), ...(s.boot.cmdline ? { cmdline: s.boot.cmdline } : {}) } : null,
    bootOrder: s.boot ? [] : ['hd'],
    disks: [...s.disks.map((d) => ({ device: 'disk' as const, path: d.path, format: 'qcow2' as const, bus: d.bus, target: d.target })), ...(s.seed ? [seedCdrom(s)] : [])],
    nics: [s.network ? { type: 'network', source: s.network, model: virtio ? 'virtio' : 'e1000e' } : { type: 'user', model: virtio ? 'virtio' : 'e1000e' }],
    vnc: true,
    video: 'vga',
    serial: true,
    tpm: false,
    virtioExtras: virtio,
    usbTablet: true,
  };
}

export function buildLabDomainXml(s: LabDomainSpec): string {
  const tree = domainTree(labDomainPlan(s));
  const dom = tree.domain as XmlTree;
  const metadata = { ...((dom.metadata as XmlTree | undefined) ?? {}), ...metadataEntry(s.meta) };
  // <metadata> right after <uuid>, as libvirt writes it.
  const ordered: XmlTree = {};
  for (const [k, v] of Object.entries(dom)) {
    if (k === 'metadata') continue;
    ordered[k] = v;
    if (k === 'uuid') ordered.metadata = metadata;
  }
  return buildXml({ domain: ordered });
}
