// What libvirt can apply to a running VM (live), to its next boot (config), or both, for each
// kind of change, and the device XML fragment the device APIs need.
//
// Source: libvirt's QEMU driver (9.x): qemuDomainAttachDeviceLive / DetachDeviceLive /
// UpdateDeviceLive (live), qemuDomainAttachDeviceConfig / DetachDeviceConfig /
// UpdateDeviceConfig (config), and qemu_hotplug.c's per-bus checks ("disk bus 'sata' cannot
// be hotplugged", "'usb' controller cannot be hot plugged", virtiofs-only filesystem hotplug,
// i6300esb-only watchdog hotplug, usb/virtio-only input hotplug, "attaching serial console is
// not supported"). Kinds the config side refuses ("persistent attach of device 'video' is not
// supported") are changed by redefining the whole domain XML (via: 'define').
import type { Device } from './devices';
import type { Domain } from './domain';
import { DiskDevice, GraphicsDevice, InterfaceDevice } from './devices';
import { DomainXmlError } from './xml';

export const VIR_DOMAIN_AFFECT_LIVE = 1;
export const VIR_DOMAIN_AFFECT_CONFIG = 2;

export type DeviceAction = 'attach' | 'detach' | 'update';
/** What a device update changes; anything not listed is 'other'. */
export type DeviceUpdate = 'media' | 'link-state' | 'net-source' | 'bandwidth' | 'graphics-password' | 'memory-requested' | 'other';
export type Via = 'attach' | 'detach' | 'update' | 'define' | 'setMemory' | 'setVcpus' | 'setMetadata' | 'setLifecycleAction' | 'rename';

/** A device property the table matches on. */
type Field = 'bus' | 'device' | 'type' | 'model' | 'driverType' | 'targetType';

interface DeviceRule {
  actions: DeviceAction[];
  kind: string | '*';
  match?: { field: Field; values: string[] };
  update?: DeviceUpdate[];
  live: boolean;
  config: boolean;
  /** true: virDomain{Attach,Detach,Update}DeviceFlags; false: redefine the domain XML. */
  deviceApi: boolean;
  note: string;
}

const PLUG: DeviceAction[] = ['attach', 'detach'];
const NO_DEVICE_API = ['redirfilter', 'video', 'graphics', 'hub', 'smartcard', 'memballoon', 'tpm', 'panic', 'iommu', 'audio', 'crypto', 'pstore'];

/** First matching row wins. */
export const DEVICE_CHANGE_TABLE: DeviceRule[] = [
  // hotplug (attach and detach)
  { actions: PLUG, kind: 'disk', match: { field: 'bus', values: ['virtio', 'scsi', 'usb'] }, live: true, config: true, deviceApi: true, note: 'virtio, SCSI and USB disks hotplug' },
  { actions: PLUG, kind: 'disk', live: false, config: true, deviceApi: true, note: 'SATA, IDE, floppy and SD disks cannot be hotplugged: next boot' },
  { actions: PLUG, kind: 'controller', match: { field: 'type', values: ['scsi'] }, live: true, config: true, deviceApi: true, note: 'only SCSI controllers hotplug' },
  { actions: PLUG, kind: 'controller', live: false, config: true, deviceApi: true, note: 'only SCSI controllers hotplug: next boot' },
  { actions: PLUG, kind: 'interface', live: true, config: true, deviceApi: true, note: 'network interfaces hotplug' },
  { actions: PLUG, kind: 'hostdev', live: true, config: true, deviceApi: true, note: 'PCI, USB, SCSI and mdev host devices hotplug' },
  { actions: PLUG, kind: 'redirdev', live: true, config: true, deviceApi: true, note: 'USB redirection hotplugs' },
  { actions: PLUG, kind: 'console', match: { field: 'targetType', values: ['virtio'] }, live: true, config: true, deviceApi: true, note: 'virtio consoles hotplug' },
  { actions: PLUG, kind: 'console', live: false, config: true, deviceApi: true, note: 'serial consoles cannot be hotplugged: next boot' },
  { actions: PLUG, kind: 'serial', live: true, config: true, deviceApi: true, note: 'serial ports hotplug (pci-serial, usb-serial, isa-serial)' },
  { actions: PLUG, kind: 'channel', live: true, config: true, deviceApi: true, note: 'virtio-serial and guestfwd channels hotplug' },
  { actions: PLUG, kind: 'parallel', live: false, config: true, deviceApi: true, note: 'QEMU cannot hotplug parallel ports: next boot' },
  { actions: PLUG, kind: 'rng', live: true, config: true, deviceApi: true, note: 'virtio-rng hotplugs' },
  { actions: PLUG, kind: 'memory', live: true, config: true, deviceApi: true, note: 'DIMM, NVDIMM, virtio-mem/pmem hotplug (needs <maxMemory>)' },
  { actions: PLUG, kind: 'shmem', match: { field: 'model', values: ['ivshmem-plain', 'ivshmem-doorbell'] }, live: true, config: true, deviceApi: true, note: 'ivshmem-plain/doorbell hotplug' },
  { actions: PLUG, kind: 'shmem', live: false, config: true, deviceApi: true, note: 'legacy ivshmem cannot be hotplugged: next boot' },
  { actions: PLUG, kind: 'watchdog', match: { field: 'model', values: ['i6300esb'] }, live: true, config: true, deviceApi: true, note: 'only the i6300esb watchdog hotplugs' },
  { actions: PLUG, kind: 'watchdog', live: false, config: true, deviceApi: true, note: 'this watchdog model cannot be hotplugged: next boot' },
  { actions: PLUG, kind: 'input', match: { field: 'bus', values: ['usb', 'virtio'] }, live: true, config: true, deviceApi: true, note: 'USB and virtio input devices hotplug' },
  { actions: PLUG, kind: 'input', live: false, config: true, deviceApi: true, note: 'PS/2 and other input buses cannot be hotplugged: next boot' },
  { actions: PLUG, kind: 'vsock', live: true, config: true, deviceApi: true, note: 'vsock hotplugs' },
  { actions: PLUG, kind: 'filesystem', match: { field: 'driverType', values: ['virtiofs'] }, live: true, config: true, deviceApi: true, note: 'virtiofs filesystems hotplug' },
  { actions: PLUG, kind: 'filesystem', live: false, config: true, deviceApi: true, note: 'only virtiofs hotplugs: next boot' },
  { actions: PLUG, kind: 'lease', live: true, config: true, deviceApi: true, note: 'lock leases attach live' },
  { actions: PLUG, kind: 'sound', live: false, config: true, deviceApi: true, note: 'sound cards cannot be hotplugged: next boot' },
  ...NO_DEVICE_API.map((kind): DeviceRule => ({ actions: PLUG, kind, live: false, config: true, deviceApi: false, note: `libvirt has no device API for ${kind}: redefine, next boot` })),

  // updates (virDomainUpdateDeviceFlags)
  { actions: ['update'], kind: 'disk', update: ['media'], match: { field: 'device', values: ['cdrom', 'floppy'] }, live: true, config: true, deviceApi: true, note: 'CD-ROM/floppy media change and eject' },
  { actions: ['update'], kind: 'disk', live: false, config: true, deviceApi: true, note: 'other disk settings change at next boot' },
  { actions: ['update'], kind: 'interface', update: ['link-state', 'net-source', 'bandwidth'], live: true, config: true, deviceApi: true, note: 'link state, source network/bridge and bandwidth change live' },
  { actions: ['update'], kind: 'interface', live: false, config: true, deviceApi: true, note: 'other interface settings (model, MAC) change at next boot' },
  { actions: ['update'], kind: 'graphics', update: ['graphics-password'], live: true, config: true, deviceApi: true, note: 'VNC/SPICE password and its expiry change live' },
  { actions: ['update'], kind: 'graphics', live: false, config: true, deviceApi: true, note: 'other graphics settings change at next boot' },
  { actions: ['update'], kind: 'memory', update: ['memory-requested'], live: true, config: true, deviceApi: true, note: "virtio-mem's requested size changes live" },
  { actions: ['update'], kind: 'memory', live: false, config: true, deviceApi: true, note: 'other memory device settings change at next boot' },
  { actions: ['update'], kind: '*', live: false, config: true, deviceApi: false, note: 'libvirt cannot update this device: redefine, next boot' },

  // anything else (unknown device elements)
  { actions: PLUG, kind: '*', live: false, config: true, deviceApi: false, note: 'unknown device kind: redefine, next boot' },
];

export type DomainChange =
  | 'memory-current' | 'memory-max' | 'memory-hotplug-max' | 'vcpu-current' | 'vcpu-max' | 'cpu' | 'machine' | 'firmware'
  | 'boot-order' | 'direct-kernel' | 'features' | 'clock' | 'title' | 'description' | 'metadata' | 'lifecycle-action' | 'name'
  | 'memory-backing';

export interface Support {
  live: boolean;
  config: boolean;
  via: Via;
  note: string;
}

/** Changes outside <devices>. */
export const DOMAIN_CHANGE_TABLE: Record<DomainChange, Support> = {
  'memory-current': { live: true, config: true, via: 'setMemory', note: 'the balloon changes memory live; the config value applies at next boot' },
  'memory-max': { live: false, config: true, via: 'setMemory', note: '<memory> (VIR_DOMAIN_MEM_MAXIMUM) changes at next boot' },
  'memory-hotplug-max': { live: false, config: true, via: 'define', note: '<maxMemory> and its slots change at next boot' },
  'vcpu-current': { live: true, config: true, via: 'setVcpus', note: 'vCPU hotplug up to the maximum (needs a guest that onlines them)' },
  'vcpu-max': { live: false, config: true, via: 'setVcpus', note: 'the vCPU maximum (VIR_DOMAIN_VCPU_MAXIMUM) changes at next boot' },
  cpu: { live: false, config: true, via: 'define', note: 'CPU mode, model and topology change at next boot' },
  machine: { live: false, config: true, via: 'define', note: 'the machine type changes at next boot' },
  firmware: { live: false, config: true, via: 'define', note: 'firmware, loader and NVRAM change at next boot' },
  'boot-order': { live: false, config: true, via: 'define', note: 'boot order changes at next boot' },
  'direct-kernel': { live: false, config: true, via: 'define', note: 'kernel, initrd and command line change at next boot' },
  features: { live: false, config: true, via: 'define', note: 'hypervisor features change at next boot' },
  clock: { live: false, config: true, via: 'define', note: 'clock offset and timers change at next boot' },
  title: { live: true, config: true, via: 'setMetadata', note: 'virDomainSetMetadata(VIR_DOMAIN_METADATA_TITLE)' },
  description: { live: true, config: true, via: 'setMetadata', note: 'virDomainSetMetadata(VIR_DOMAIN_METADATA_DESCRIPTION)' },
  metadata: { live: true, config: true, via: 'setMetadata', note: 'virDomainSetMetadata(VIR_DOMAIN_METADATA_ELEMENT)' },
  'lifecycle-action': { live: true, config: true, via: 'setLifecycleAction', note: 'virDomainSetLifecycleAction' },
  name: { live: false, config: true, via: 'rename', note: 'virDomainRename works only while the VM is shut off' },
  'memory-backing': { live: false, config: true, via: 'define', note: 'memory backing (shared memory for virtiofs) changes at next boot' },
};

export interface ChangePlan extends Support {
  /** What is changed, for messages: "attach disk:vdb", "update interface:52:54:…". */
  what: string;
  /** The device XML for virDomain{Attach,Detach,Update}DeviceFlags (device changes only). */
  fragment?: string;
}

function field(d: Device, f: Field): string | undefined {
  const a = (path: string, name: string): string | undefined => d.attrAt(path, name);
  switch (f) {
    case 'bus': return d.kind === 'disk' ? a('target', 'bus') : a('', 'bus');
    case 'device': return a('', 'device') ?? (d.kind === 'disk' ? 'disk' : undefined);
    case 'type': return a('', 'type');
    case 'model': return a('', 'model') ?? a('model', 'type');
    case 'driverType': return a('driver', 'type');
    case 'targetType': return a('target', 'type');
  }
}

/** The table row for a device change (there is always one: the table ends with catch-alls). */
export function deviceSupport(action: DeviceAction, device: Device, update: DeviceUpdate = 'other'): Support {
  const rule = DEVICE_CHANGE_TABLE.find(
    (r) =>
      r.actions.includes(action) &&
      (r.kind === '*' || r.kind === device.kind) &&
      (!r.update || r.update.includes(update)) &&
      (!r.match || r.match.values.includes(field(device, r.match.field) ?? '')),
  )!;
  return { live: rule.live, config: rule.config, via: rule.deviceApi ? action : 'define', note: rule.note };
}

export function domainSupport(change: DomainChange): Support {
  return DOMAIN_CHANGE_TABLE[change];
}

/**
 * The virDomain*Flags value for a plan: for a running persistent VM live where libvirt can and
 * config; for a shut-off VM config; errors name what cannot be done and what to do instead.
 */
export function affectFlags(plan: Support & { what?: string }, state: { running: boolean; persistent?: boolean }): number {
  const persistent = state.persistent ?? true;
  const what = plan.what ?? 'this change';
  if (plan.via === 'define') {
    if (!persistent) throw new DomainXmlError(`Cannot ${what}: the VM is transient and this change needs a new definition. Make the VM persistent first.`);
    return 0;
  }
  if (state.running) {
    const flags = (plan.live ? VIR_DOMAIN_AFFECT_LIVE : 0) | (plan.config && persistent ? VIR_DOMAIN_AFFECT_CONFIG : 0);
    if (!flags) throw new DomainXmlError(`Cannot ${what} on a running transient VM (${plan.note}). Shut it down first.`);
    return flags;
  }
  if (!plan.config || !persistent) throw new DomainXmlError(`Cannot ${what} while the VM is not running (${plan.note}). Start it first.`);
  return VIR_DOMAIN_AFFECT_CONFIG;
}

/** Plans attaching a device that was added to `domain` (addDevice). */
export function planAttach(domain: Domain, device: Device): ChangePlan {
  const key = domain.keyOf(device);
  return { ...deviceSupport('attach', device), what: `attach ${key}`, fragment: device.toXml() };
}

/** Removes the device from `domain` and plans its detach. */
export function planDetach(domain: Domain, key: string): ChangePlan {
  const device = domain.removeDevice(key);
  return { ...deviceSupport('detach', device), what: `detach ${key}`, fragment: device.toXml() };
}

/** Plans an update of a device already edited in `domain`. */
export function planUpdate(domain: Domain, key: string, update: DeviceUpdate): ChangePlan {
  const device = domain.device(key);
  if (!device) throw new DomainXmlError(`VM '${domain.name ?? '?'}' has no device '${key}'.`);
  return { ...deviceSupport('update', device, update), what: `update ${key}`, fragment: device.toXml() };
}

function deviceOf<T extends Device>(domain: Domain, key: string, cls: new (...a: never[]) => T, what: string): T {
  const d = domain.device(key);
  if (!(d instanceof cls)) throw new DomainXmlError(`'${key}' is not ${what} of VM '${domain.name ?? '?'}'.`);
  return d;
}

/** Inserts (path) or ejects (null) the medium of a CD-ROM or floppy drive. */
export function changeMedia(domain: Domain, key: string, path: string | null): ChangePlan {
  const disk = deviceOf(domain, key, DiskDevice, 'a disk');
  if (!disk.isRemovable) throw new DomainXmlError(`'${key}' is a ${disk.device}, not a CD-ROM or floppy drive: its medium cannot be changed.`);
  disk.setSourcePath(path);
  return planUpdate(domain, key, 'media');
}

export function setLinkState(domain: Domain, key: string, state: 'up' | 'down'): ChangePlan {
  deviceOf(domain, key, InterfaceDevice, 'a network interface').linkState = state;
  return planUpdate(domain, key, 'link-state');
}

export function setGraphicsPassword(domain: Domain, key: string, password: string | null, validTo?: string): ChangePlan {
  const g = deviceOf(domain, key, GraphicsDevice, 'a graphics device');
  g.password = password ?? undefined;
  g.passwordValidTo = password === null ? undefined : validTo;
  return planUpdate(domain, key, 'graphics-password');
}

/** Plans a change outside <devices>; the fragment is not needed (see `via`). */
export function planDomainChange(change: DomainChange): ChangePlan {
  return { ...domainSupport(change), what: `change ${change}` };
}
