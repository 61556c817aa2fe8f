// Changing a VM's hardware beyond memory/vCPUs/disks/NICs (vm-edit.ts): CPU mode and topology,
// boot order and direct kernel boot, any other device by a typed spec (add, update, remove),
// growing a disk, and the host's USB/PCI devices that can be passed through. Every change says
// where it applied (EditResult), as in vm-edit.ts.
import { z } from 'zod';
import { method, onConnection, onVm } from './common';
import type { MessageRef } from './messages';
import { absolutePath, filePath, wholeNumber, xmlText } from './fields';
import { diskBus, diskCache, diskSerial, diskTarget, macAddress, macAddressField, nicModel, nicSource, type EditResult } from './vm-edit';

// ---- results ----

export interface AddDeviceResult extends EditResult {
  /** The new device's key (vm.hardware / vm.removeDevice / vm.updateDevice). */
  key: string;
  /** Why it applied where it did, when that is not obvious (e.g. virtiofs needs shared memory: next boot). */
  note?: string;
}

export interface DeviceChangeResult extends EditResult {
  note?: string;
}

export interface UpdateNicResult extends EditResult {
  /** The interface's MAC after the change (newMac when given). */
  mac: string;
  note?: string;
}

export interface UpdateDiskResult extends EditResult {
  /** The disk's target after the change (a new bus gives it a new name: vdb → sdb). */
  target: string;
  note?: string;
}

export interface ResizeDiskResult extends EditResult {
  capacityBytes: number;
}

/** One device of vm.hardware. */
export interface HardwareDevice {
  /** The domain model's key: disk:vda, interface:52:54:00:…, rng@rng0, watchdog:0 (see docs/domain-model.md). */
  key: string;
  /** The element name: disk, interface, graphics, video, rng, … */
  kind: string;
  /** One line for a list: "virtio RNG (/dev/urandom)", "VNC on 127.0.0.1", "USB 046d:c52b". */
  summary: string;
  /** The summary as a message key (the UI shows it in its language). */
  summaryText?: MessageRef;
  /** The device as a spec vm.updateDevice takes, when it is a kind this contract edits and reads back completely. */
  spec?: DeviceSpec;
  bootOrder?: number;
  /** Running VM: the device exists only now (gone at next boot), or only in the definition (appears at next boot). */
  pending?: 'removed-at-next-boot' | 'added-at-next-boot';
  /** Whether a running VM can lose/gain it live (the hotplug table), for the UI's "applies at next boot" hint. */
  hotplug: boolean;
}

export interface VmHardware {
  running: boolean;
  cpu: {
    mode?: string;
    model?: string;
    topology?: { sockets: number; cores: number; threads: number };
    vcpus: number;
    maxVcpus: number;
    /** Modes and models this host's QEMU offers (domain capabilities); models usable on this host first. */
    modes: string[];
    models: { name: string; usable: boolean }[];
  };
  boot: {
    firmware: 'bios' | 'uefi';
    /** Device keys in boot order (per-device <boot order>, or derived from <os><boot dev>). */
    order: string[];
    /** Devices that can be put in the boot order: disks, CD-ROMs, NICs. */
    bootable: { key: string; summary: string; summaryText?: MessageRef }[];
    menu: boolean;
    kernel?: { kernel: string; initrd?: string; cmdline?: string };
  };
  /** Every device of the definition (running: the live VM's, with pending ones marked). */
  devices: HardwareDevice[];
}

export interface NodeDevice {
  /** libvirt's node device name: usb_1_4, pci_0000_00_1f_3. */
  name: string;
  type: 'usb' | 'pci';
  /** Hex, lower case, 4 digits: 046d. */
  vendorId: string;
  productId: string;
  vendor?: string;
  product?: string;
  usb?: { bus: number; device: number };
  pci?: {
    /** 0000:00:1f.3 */
    address: string;
    /** undefined when the host has no IOMMU groups (IOMMU off). */
    iommuGroup?: number;
    /** Other devices in the same IOMMU group (all of them move to the VM together). */
    groupPeers: string[];
    /** The host driver bound to it (e1000e, ahci, vfio-pci…), if any. */
    driver?: string;
    /** A host driver other than vfio-pci/pci-stub has it: the host uses it (a NIC, a disk controller…). */
    usedByHost: boolean;
    className?: string;
  };
  /** VMs on this connection whose definition or live XML has it. */
  usedBy: string[];
  /** Why passing it through is not advisable or not possible, in one sentence. */
  warning?: string;
  /** The warning as a message key (the UI shows it in its language). */
  warningText?: MessageRef;
}

export interface NodeDevicesResult {
  devices: NodeDevice[];
  iommu: { enabled: boolean; note?: string; noteText?: MessageRef };
}

// ---- input pieces ----

/** virsh's --live / --config: neither given = live where libvirt can and config. */
const where = { live: z.boolean().optional(), config: z.boolean().optional() };

/** A device key from vm.hardware. */
export const deviceKey = z
  .string({ error: 'key must be text' })
  .min(3, 'key is empty')
  .max(200, 'key is longer than 200 characters')
  .regex(/^[a-z][a-z-]*(:[0-9A-Za-z:._-]+|@[A-Za-z0-9._-]+)$/, 'key must be a device key from vm.hardware such as disk:vda, rng@rng0 or watchdog:0');

const hex4 = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .regex(/^(0x)?[0-9a-fA-F]{4}$/, `${what} must be 4 hex digits such as 046d`)
    .transform((s) => s.replace(/^0x/, '').toLowerCase());

export const pciAddress = z
  .string({ error: 'address must be text' })
  .regex(/^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/, 'address must be a PCI address such as 0000:00:1f.3')
  .transform((s) => (s.length === 7 ? `0000:${s}` : s).toLowerCase());

/** An IP address to listen on (no host names: they would resolve at VM start). */
const listenAddress = z
  .string({ error: 'listen must be text' })
  .regex(/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]{2,39})$/, 'listen must be an IP address such as 127.0.0.1, 0.0.0.0 or ::1')
  .refine((s) => !s.includes('.') || s.split('.').every((p) => Number(p) <= 255), 'listen must be an IP address such as 127.0.0.1');

/** A 9p / virtiofs mount tag: the guest mounts it by this name. */
const mountTag = z
  .string({ error: 'target must be text' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/, 'target must be a mount tag of 1–31 letters, digits, _ . - (the guest mounts it with mount -t 9p TAG /mnt)');

const GRAPHICS = z.object({
  kind: z.literal('graphics'),
  type: z.enum(['vnc', 'spice'], { error: 'type must be vnc or spice' }),
  listen: listenAddress.default('127.0.0.1'),
  /** true: libvirt picks a free port at start (default); false: give port. */
  autoport: z.boolean().default(true),
  port: wholeNumber('port', 5900, 65535).optional(),
}).strict().refine((g) => g.autoport === (g.port === undefined), 'give port only with autoport false (and then give it)');

const VIDEO = z.object({
  kind: z.literal('video'),
  model: z.enum(['virtio', 'qxl', 'vga', 'bochs', 'ramfb', 'none'], { error: 'model must be virtio, qxl, vga, bochs, ramfb or none' }),
  /** Video memory in KiB (qxl, vga, bochs). */
  vramKiB: wholeNumber('vramKiB', 1024, 1048576, ' KiB').optional(),
  heads: wholeNumber('heads', 1, 16).optional(),
}).strict();

const SOUND = z.object({ kind: z.literal('sound'), model: z.enum(['ich9', 'ich6', 'ac97'], { error: 'model must be ich9, ich6 or ac97' }) }).strict();

const INPUT = z.object({
  kind: z.literal('input'),
  type: z.enum(['tablet', 'mouse', 'keyboard'], { error: 'type must be tablet, mouse or keyboard' }),
  bus: z.enum(['usb', 'virtio', 'ps2'], { error: 'bus must be usb, virtio or ps2' }),
}).strict().refine((i) => !(i.type === 'tablet' && i.bus === 'ps2'), 'a tablet cannot be on the ps2 bus: use usb or virtio');

const SERIAL = z.object({ kind: z.literal('serial'), type: z.literal('pty', { error: 'type must be pty' }).default('pty') }).strict();
const CONSOLE = z.object({
  kind: z.literal('console'),
  type: z.literal('pty', { error: 'type must be pty' }).default('pty'),
  target: z.enum(['serial', 'virtio'], { error: 'target must be serial or virtio' }).default('virtio'),
}).strict();

const CHANNEL = z.object({
  kind: z.literal('channel'),
  /** guest-agent: unix socket channel org.qemu.guest_agent.0; spice-vdagent: spicevmc com.redhat.spice.0. */
  channel: z.enum(['guest-agent', 'spice-vdagent'], { error: 'channel must be guest-agent or spice-vdagent' }),
}).strict();

const TPM = z.object({
  kind: z.literal('tpm'),
  model: z.enum(['tpm-crb', 'tpm-tis'], { error: 'model must be tpm-crb or tpm-tis' }).default('tpm-crb'),
  version: z.literal('2.0', { error: "version must be '2.0'" }).default('2.0'),
}).strict();

const RNG = z.object({
  kind: z.literal('rng'),
  source: z.enum(['/dev/urandom', '/dev/random'], { error: 'source must be /dev/urandom or /dev/random' }).default('/dev/urandom'),
}).strict();

const WATCHDOG = z.object({
  kind: z.literal('watchdog'),
  model: z.enum(['i6300esb', 'itco'], { error: 'model must be i6300esb or itco' }),
  action: z.enum(['reset', 'shutdown', 'poweroff', 'pause', 'none', 'dump', 'inject-nmi'], { error: 'action must be reset, shutdown, poweroff, pause, none, dump or inject-nmi' }).default('reset'),
}).strict();

const USB_CONTROLLER = z.object({
  kind: z.literal('controller'),
  type: z.literal('usb', { error: "type must be 'usb'" }),
  model: z.enum(['qemu-xhci', 'nec-xhci', 'ich9-ehci1', 'piix3-uhci', 'piix4-uhci', 'ich9-uhci1'], { error: 'model must be qemu-xhci, nec-xhci, ich9-ehci1, piix3-uhci, piix4-uhci or ich9-uhci1' }),
}).strict();

const FILESYSTEM = z.object({
  kind: z.literal('filesystem'),
  /** 9p (virtio-9p, no helper) or virtiofs (needs virtiofsd on the host and shared guest memory). */
  driver: z.enum(['9p', 'virtiofs'], { error: 'driver must be 9p or virtiofs' }),
  /** The host folder. */
  source: absolutePath('source'),
  target: mountTag,
  readonly: z.boolean().default(false),
  /** 9p only: mapped (files owned by QEMU, guest owners in xattrs), passthrough, squash. */
  accessMode: z.enum(['mapped', 'passthrough', 'squash'], { error: 'accessMode must be mapped, passthrough or squash' }).optional(),
}).strict().refine((f) => !(f.driver === 'virtiofs' && f.accessMode && f.accessMode !== 'passthrough'), 'virtiofs supports only accessMode passthrough: leave accessMode out');

const HOSTDEV = z.object({
  kind: z.literal('hostdev'),
  source: z.union([
    z.object({ type: z.literal('usb'), vendor: hex4('vendor'), product: hex4('product') }).strict(),
    z.object({ type: z.literal('usb'), bus: wholeNumber('bus', 0, 255), device: wholeNumber('device', 1, 255) }).strict(),
    z.object({ type: z.literal('pci'), address: pciAddress }).strict(),
  ], { error: "source must be {type: 'usb', vendor, product}, {type: 'usb', bus, device} or {type: 'pci', address}" }),
}).strict();

/** The devices vm.addDevice / vm.updateDevice take. */
export const deviceSpec = z.discriminatedUnion('kind', [
  GRAPHICS, VIDEO, SOUND, INPUT, SERIAL, CONSOLE, CHANNEL, TPM, RNG, WATCHDOG, USB_CONTROLLER, FILESYSTEM, HOSTDEV,
], { error: 'device.kind must be graphics, video, sound, input, serial, console, channel, tpm, rng, watchdog, controller, filesystem or hostdev' });
export type DeviceSpec = z.infer<typeof deviceSpec>;
export type DeviceSpecInput = z.input<typeof deviceSpec>;
export type DeviceSpecKind = DeviceSpec['kind'];

const topology = z.object({
  sockets: wholeNumber('topology.sockets', 1, 4096),
  cores: wholeNumber('topology.cores', 1, 4096),
  threads: wholeNumber('topology.threads', 1, 64),
}).strict();

const cpuModel = z.string({ error: 'model must be text' }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'model must be a CPU model name such as Skylake-Client or qemu64 (see vm.hardware cpu.models)');

const directKernel = z.object({
  kernel: filePath('kernel.kernel'),
  initrd: filePath('kernel.initrd').optional(),
  cmdline: xmlText('kernel.cmdline', 4096).optional(),
}).strict();

export const vmDeviceMethods = {
  /** Everything the Hardware tab shows: CPU, boot settings, every device with its key. */
  'vm.hardware': method(z.object(onVm).strict(), undefined as unknown as VmHardware),

  /**
   * CPU mode (custom needs a model from the domain capabilities) and topology (sockets × cores ×
   * threads must equal the vCPU maximum; null removes it). Next boot only.
   */
  'vm.setCpu': method(
    z.object({
      ...onVm,
      mode: z.enum(['host-passthrough', 'host-model', 'custom'], { error: 'mode must be host-passthrough, host-model or custom' }).optional(),
      model: cpuModel.optional(),
      topology: topology.nullable().optional(),
    }).strict()
      .refine((i) => i.mode !== undefined || i.topology !== undefined, 'give mode, topology or both')
      .refine((i) => (i.mode === 'custom') === (i.model !== undefined) || (i.mode === undefined && i.model === undefined), 'give model exactly when mode is custom'),
    undefined as unknown as EditResult,
  ),

  /**
   * Boot order over disks, CD-ROMs and NICs by key (per-device <boot order>; <os><boot dev> is
   * dropped), the boot menu, direct kernel boot (null removes it). firmware: only the current
   * one is accepted (changing BIOS↔UEFI of an installed VM is refused with the reason).
   */
  'vm.setBoot': method(
    z.object({
      ...onVm,
      order: z.array(deviceKey).max(32, 'at most 32 boot devices').optional(),
      menu: z.boolean().optional(),
      kernel: directKernel.nullable().optional(),
      firmware: z.enum(['bios', 'uefi'], { error: 'firmware must be bios or uefi' }).optional(),
    }).strict()
      .refine((i) => i.order !== undefined || i.menu !== undefined || i.kernel !== undefined || i.firmware !== undefined, 'give order, menu, kernel or firmware')
      .refine((i) => !i.order || new Set(i.order).size === i.order.length, 'order names a device twice'),
    undefined as unknown as EditResult,
  ),

  'vm.addDevice': method(z.object({ ...onVm, device: deviceSpec, ...where }).strict(), undefined as unknown as AddDeviceResult),
  /** Replaces the device's settings with the spec (same kind); live only where libvirt can update it. */
  'vm.updateDevice': method(z.object({ ...onVm, key: deviceKey, device: deviceSpec, ...where }).strict(), undefined as unknown as DeviceChangeResult),
  /** Removes a device; a live removal waits until the guest released it (as vm.detachDisk). */
  'vm.removeDevice': method(z.object({ ...onVm, key: deviceKey, ...where }).strict(), undefined as unknown as DeviceChangeResult),

  /**
   * Changes an existing network interface (found by its MAC): its source, model or MAC. A new
   * source between virtual networks and bridges applies live too; model, MAC and a change to or
   * from user mode apply at next boot.
   */
  'vm.updateNic': method(
    z.object({ ...onVm, mac: macAddress, source: nicSource.optional(), model: nicModel.optional(), newMac: macAddressField('newMac').optional(), ...where }).strict()
      .refine((i) => i.source !== undefined || i.model !== undefined || i.newMac !== undefined, 'give source, model or newMac'),
    undefined as unknown as UpdateNicResult,
  ),

  /**
   * Changes an existing disk's settings (next boot): bus (the target gets that bus's prefix:
   * newTarget, else the next free one), cache and discard ('default' removes the setting),
   * read-only, shareable, serial (null removes it).
   */
  'vm.updateDisk': method(
    z.object({
      ...onVm,
      target: diskTarget,
      bus: diskBus.optional(),
      newTarget: diskTarget.optional(),
      cache: diskCache.optional(),
      discard: z.enum(['default', 'unmap', 'ignore'], { error: 'discard must be default, unmap or ignore' }).optional(),
      readonly: z.boolean({ error: 'readonly must be true or false' }).optional(),
      shareable: z.boolean({ error: 'shareable must be true or false' }).optional(),
      serial: diskSerial.nullable().optional(),
      ...where,
    }).strict()
      .refine((i) => [i.bus, i.newTarget, i.cache, i.discard, i.readonly, i.shareable, i.serial].some((v) => v !== undefined), 'give bus, newTarget, cache, discard, readonly, shareable or serial'),
    undefined as unknown as UpdateDiskResult,
  ),

  /** Grows a disk (never shrinks): virDomainBlockResize while running, the pool volume's resize while shut off. */
  'vm.resizeDisk': method(
    z.object({
      ...onVm,
      target: z.string({ error: 'target must be text' }).regex(/^(vd|sd|hd|xvd)[a-z]{1,3}$/, 'target must be a disk name such as vda or sdb'),
      sizeGiB: z.number({ error: 'sizeGiB must be a number of GiB' }).refine((n) => Number.isFinite(n) && n > 0 && n <= 65536, 'sizeGiB must be more than 0 and at most 65536 GiB'),
    }).strict(),
    undefined as unknown as ResizeDiskResult,
  ),

  /** USB and PCI devices of the host (virConnectListAllNodeDevices) that can be passed through. */
  'host.nodeDevices': method(
    z.object({ ...onConnection, type: z.enum(['usb', 'pci'], { error: 'type must be usb or pci' }).optional() }).strict(),
    undefined as unknown as NodeDevicesResult,
  ),
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type VmDeviceEventMap = {};
