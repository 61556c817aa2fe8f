// Domain XML from a resolved plan (every choice already made and validated by the API layer:
// see api/handlers/ and vms/create.ts). The OS is recorded in libosinfo metadata like virt-manager does.
import { buildXml, el, textEl, type XmlTree } from './build';
import { metadataEntry, type VirtdeskMeta } from './virtdesk-meta';

export const LIBOSINFO_NS = 'http://libosinfo.org/xmlns/libvirt/domain/1.0';

export type DiskBus = 'virtio' | 'sata' | 'ide' | 'scsi';
export type NicModel = 'virtio' | 'e1000' | 'e1000e' | 'rtl8139';

export interface PlanDisk {
  device: 'disk' | 'cdrom';
  /** Absolute path of the image file (for a pool volume: the volume's path). */
  path: string;
  format: 'qcow2' | 'raw';
  bus: DiskBus;
  /** vda, sda, hdc, … */
  target: string;
  readonly?: boolean;
}

export interface PortForward {
  host: number;
  guest: number;
  protocol: 'tcp' | 'udp';
}

export type PlanNic =
  | { type: 'user'; model: NicModel; portForwards?: PortForward[] }
  | { type: 'network'; source: string; model: NicModel }
  | { type: 'bridge'; source: string; model: NicModel };

/** An OVMF code image (read-only pflash) and the variable store template its NVRAM is copied from. */
export interface UefiLoader {
  code: string;
  vars: string;
}

export interface DomainPlan {
  name: string;
  uuid: string;
  domainType: 'qemu' | 'kvm';
  /** Full osinfo id (http://debian.org/debian/12) or null for none. */
  osId: string | null;
  memoryMiB: number;
  vcpus: number;
  arch: 'x86_64';
  machine: 'q35' | 'pc';
  firmware: 'bios' | 'uefi';
  /** UEFI with this firmware named explicitly instead of <os firmware='efi'> (libvirt cannot pick it). */
  uefiLoader?: UefiLoader;
  /** null: libvirt's default CPU model. */
  cpuMode: 'host-passthrough' | 'maximum' | null;
  clock: 'utc' | 'localtime';
  /** Direct kernel boot. */
  kernel: { path: string; initrd?: string; cmdline?: string } | null;
  bootOrder: ('cdrom' | 'hd' | 'network')[];
  disks: PlanDisk[];
  nics: PlanNic[];
  /** VNC on loopback (the app's console proxy reaches it locally). */
  vnc: boolean;
  video: 'vga' | 'virtio' | 'none';
  /** Serial port + console on a pty (the serial console). */
  serial: boolean;
  tpm: boolean;
  /** virtio RNG + QEMU guest agent channel (for OSes with virtio drivers). */
  virtioExtras: boolean;
  /** A USB tablet so the VNC pointer is absolute. */
  usbTablet: boolean;
  /** 'destroy' for a network install's installer boot: its reboot ends the install phase. Default 'restart'. */
  onReboot?: 'restart' | 'destroy';
  /** Virtdesk's own metadata (the cloud-init seed it made). */
  virtdesk?: VirtdeskMeta;
}

function diskXml(d: PlanDisk): XmlTree {
  return el({ type: 'file', device: d.device }, {
    driver: el({ name: 'qemu', type: d.format, ...(d.device === 'disk' && d.format === 'qcow2' ? { discard: 'unmap' } : {}) }),
    source: el({ file: d.path }),
    target: el({ dev: d.target, bus: d.bus }),
    ...(d.readonly || d.device === 'cdrom' ? { readonly: '' } : {}),
  });
}

function nicXml(n: PlanNic): XmlTree {
  switch (n.type) {
    case 'user': {
      const forwards = n.portForwards ?? [];
      return el({ type: 'user' }, {
        // Port forwarding on user-mode networking needs the passt backend (libvirt ≥ 9.0).
        ...(forwards.length ? { backend: el({ type: 'passt' }) } : {}),
        ...(forwards.length
          ? { portForward: forwards.map((f) => el({ proto: f.protocol }, { range: el({ start: f.host, to: f.guest }) })) }
          : {}),
        model: el({ type: n.model }),
      });
    }
    case 'network':
      return el({ type: 'network' }, { source: el({ network: n.source }), model: el({ type: n.model }) });
    case 'bridge':
      return el({ type: 'bridge' }, { source: el({ bridge: n.source }), model: el({ type: n.model }) });
  }
}

export function domainTree(p: DomainPlan): XmlTree {
  const os: XmlTree = {
    ...(p.firmware === 'uefi' && !p.uefiLoader ? { '@_firmware': 'efi' } : {}),
    type: textEl('hvm', { arch: p.arch, machine: p.machine }),
  };
  if (p.firmware === 'uefi' && p.uefiLoader) {
    os.loader = textEl(p.uefiLoader.code, { readonly: 'yes', type: 'pflash' });
    os.nvram = el({ template: p.uefiLoader.vars });
  }
  if (p.kernel) {
    os.kernel = p.kernel.path;
    if (p.kernel.initrd) os.initrd = p.kernel.initrd;
    if (p.kernel.cmdline) os.cmdline = p.kernel.cmdline;
  }
  if (p.bootOrder.length) os.boot = p.bootOrder.map((dev) => el({ dev }));

  const devices: XmlTree = {};
  if (p.disks.length) devices.disk = p.disks.map(diskXml);
  if (p.nics.length) devices.interface = p.nics.map(nicXml);
  if (p.serial) {
    devices.serial = el({ type: 'pty' }, { target: el({ port: 0 }) });
    devices.console = el({ type: 'pty' }, { target: el({ type: 'serial', port: 0 }) });
  }
  if (p.virtioExtras) devices.channel = el({ type: 'unix' }, { target: el({ type: 'virtio', name: 'org.qemu.guest_agent.0' }) });
  if (p.usbTablet) devices.input = el({ type: 'tablet', bus: 'usb' });
  if (p.vnc) devices.graphics = el({ type: 'vnc', port: -1, autoport: 'yes', listen: '127.0.0.1' }, { listen: el({ type: 'address', address: '127.0.0.1' }) });
  if (p.video !== 'none') devices.video = { model: el({ type: p.video }) };
  if (p.tpm) devices.tpm = el({ model: 'tpm-crb' }, { backend: el({ type: 'emulator', version: '2.0' }) });
  if (p.virtioExtras) devices.rng = el({ model: 'virtio' }, { backend: textEl('/dev/urandom', { model: 'random' }) });

  const domain: XmlTree = {
    '@_type': p.domainType,
    name: p.name,
    uuid: p.uuid,
    ...(p.osId || p.virtdesk
      ? {
          metadata: {
            ...(p.osId ? { 'libosinfo:libosinfo': el({ 'xmlns:libosinfo': LIBOSINFO_NS }, { 'libosinfo:os': el({ id: p.osId }) }) } : {}),
            ...(p.virtdesk ? metadataEntry(p.virtdesk) : {}),
          },
        }
      : {}),
    memory: textEl(p.memoryMiB, { unit: 'MiB' }),
    currentMemory: textEl(p.memoryMiB, { unit: 'MiB' }),
    vcpu: textEl(p.vcpus, { placement: 'static' }),
    os,
    features: { acpi: '', apic: '', ...(p.firmware === 'uefi' && p.machine === 'q35' ? { smm: el({ state: 'on' }) } : {}) },
    ...(p.cpuMode === 'host-passthrough'
      ? { cpu: el({ mode: 'host-passthrough', check: 'none', migratable: 'on' }) }
      : p.cpuMode === 'maximum'
        ? { cpu: el({ mode: 'maximum', check: 'none', migratable: 'off' }) }
        : {}),
    clock: el({ offset: p.clock }, {
      timer: [el({ name: 'rtc', tickpolicy: 'catchup' }), el({ name: 'pit', tickpolicy: 'delay' }), el({ name: 'hpet', present: 'no' })],
    }),
    on_poweroff: 'destroy',
    on_reboot: p.onReboot ?? 'restart',
    on_crash: 'destroy',
    pm: { 'suspend-to-mem': el({ enabled: 'no' }), 'suspend-to-disk': el({ enabled: 'no' }) },
    devices,
  };
  return { domain };
}

export function buildDomainXml(p: DomainPlan): string {
  return buildXml(domainTree(p));
}
