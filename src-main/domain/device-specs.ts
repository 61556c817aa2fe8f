// Typed device specs (contract/vm-devices.ts DeviceSpec) to domain model devices and back, one
// line per device for lists, and finding "the same device" in the other XML of a running VM
// (the live XML has aliases and runtime paths the definition lacks, so keys differ).
import { message, type MessageParam, type MessageRef, type ServerMessageKey } from '../contract/messages';
import type { DeviceSpec } from '../contract/vm-devices';
import {
  ChannelDevice, CharDevice, ControllerDevice, DiskDevice, FilesystemDevice, GraphicsDevice, HostdevDevice, InputDevice, InterfaceDevice,
  RngDevice, SoundDevice, TpmDevice, VideoDevice, WatchdogDevice, type Device,
} from './devices';
import type { Domain } from './domain';
import { canonicalXml, DomainXmlError, elementChildren } from './xml';

export const CHANNEL_NAMES = { 'guest-agent': 'org.qemu.guest_agent.0', 'spice-vdagent': 'com.redhat.spice.0' } as const;
const VRAM_MODELS = ['qxl', 'vga', 'bochs'];

/** A new device (not yet added) of `domain` as the spec says. Throws DomainXmlError for combinations libvirt refuses. */
export function buildDevice(domain: Domain, spec: DeviceSpec): Device {
  const dev = domain.newDevice(spec.kind);
  switch (spec.kind) {
    case 'graphics': {
      const g = dev as GraphicsDevice;
      g.type = spec.type;
      if (spec.port !== undefined) g.port = spec.port;
      g.autoport = spec.autoport;
      g.listen = spec.listen;
      break;
    }
    case 'video': {
      const v = dev as VideoDevice;
      if ((spec.vramKiB !== undefined || spec.heads !== undefined) && !VRAM_MODELS.concat('virtio').includes(spec.model)) {
        throw new DomainXmlError(`video model ${spec.model} has no video memory or heads setting: leave vramKiB and heads out.`);
      }
      if (spec.vramKiB !== undefined && !VRAM_MODELS.includes(spec.model)) throw new DomainXmlError(`vramKiB applies to qxl, vga and bochs, not ${spec.model}: leave it out.`);
      v.model = spec.model;
      if (spec.vramKiB !== undefined) v.vramKiB = spec.vramKiB;
      if (spec.heads !== undefined) v.heads = spec.heads;
      break;
    }
    case 'sound':
      (dev as SoundDevice).model = spec.model;
      break;
    case 'input': {
      const i = dev as InputDevice;
      i.type = spec.type;
      i.bus = spec.bus;
      break;
    }
    case 'serial':
    case 'console': {
      const c = dev as CharDevice;
      c.type = spec.type;
      const used = domain.devicesOf(spec.kind).map((x) => (x as CharDevice).targetPort ?? -1);
      if (spec.kind === 'console') c.targetType = spec.target;
      c.targetPort = spec.kind === 'console' && spec.target === 'serial' ? 0 : Math.max(-1, ...used) + 1;
      break;
    }
    case 'channel': {
      const c = dev as ChannelDevice;
      c.type = spec.channel === 'guest-agent' ? 'unix' : 'spicevmc';
      c.targetType = 'virtio';
      c.targetName = CHANNEL_NAMES[spec.channel];
      break;
    }
    case 'tpm': {
      const t = dev as TpmDevice;
      t.model = spec.model;
      t.backendType = 'emulator';
      t.backendVersion = spec.version;
      break;
    }
    case 'rng': {
      const r = dev as RngDevice;
      r.model = 'virtio';
      r.backendModel = 'random';
      r.backendPath = spec.source;
      break;
    }
    case 'watchdog': {
      const w = dev as WatchdogDevice;
      w.model = spec.model;
      w.action = spec.action;
      break;
    }
    case 'controller': {
      const c = dev as ControllerDevice;
      c.type = 'usb';
      const used = domain.devicesOf('controller').filter((x) => (x as ControllerDevice).type === 'usb').map((x) => (x as ControllerDevice).index ?? 0);
      c.index = used.length ? Math.max(...used) + 1 : 0;
      c.model = spec.model;
      break;
    }
    case 'filesystem': {
      const f = dev as FilesystemDevice;
      f.type = 'mount';
      f.accessMode = spec.driver === 'virtiofs' ? 'passthrough' : (spec.accessMode ?? 'mapped');
      if (spec.driver === 'virtiofs') f.driverType = 'virtiofs';
      f.sourceDir = spec.source;
      f.target = spec.target;
      if (spec.readonly) f.readonly = true;
      break;
    }
    case 'hostdev': {
      const h = dev as HostdevDevice;
      h.mode = 'subsystem';
      h.type = spec.source.type;
      h.managed = true;
      const s = spec.source;
      if ('address' in s) h.pciAddress = s.address;
      else if ('vendor' in s) h.setUsbIds(s.vendor, s.product);
      else h.setUsbBusDevice(s.bus, s.device);
      break;
    }
  }
  return dev;
}

/**
 * The spec of an existing device as far as the model reads it (the API layer checks it against
 * the contract's schema and drops what does not fit), or undefined for kinds without specs.
 */
export function readSpec(d: Device): Record<string, unknown> | undefined {
  const a = (path: string, name: string) => d.attrAt(path, name);
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  if (d instanceof GraphicsDevice) return defined({ kind: 'graphics', type: d.type, listen: d.listen ?? '127.0.0.1', autoport: d.autoport ?? d.port === undefined, port: d.autoport === false ? d.port : undefined });
  if (d instanceof VideoDevice) return defined({ kind: 'video', model: d.model, vramKiB: d.vramKiB, heads: d.heads });
  if (d instanceof SoundDevice) return { kind: 'sound', model: d.model };
  if (d instanceof InputDevice) return { kind: 'input', type: d.type, bus: d.bus };
  if (d instanceof ChannelDevice) {
    const channel = Object.entries(CHANNEL_NAMES).find(([, n]) => n === d.targetName)?.[0];
    return channel ? { kind: 'channel', channel } : undefined;
  }
  if (d instanceof CharDevice && (d.kind === 'serial' || d.kind === 'console')) {
    return d.kind === 'console' ? { kind: 'console', type: d.type, target: d.targetType } : { kind: 'serial', type: d.type };
  }
  if (d instanceof TpmDevice) return d.backendType === 'emulator' ? { kind: 'tpm', model: d.model ?? 'tpm-tis', version: d.backendVersion ?? '2.0' } : undefined;
  if (d instanceof RngDevice) return d.backendModel === 'random' ? { kind: 'rng', source: d.backendPath ?? '/dev/urandom' } : undefined;
  if (d instanceof WatchdogDevice) return { kind: 'watchdog', model: d.model, action: d.action ?? 'reset' };
  if (d instanceof ControllerDevice) return d.type === 'usb' ? { kind: 'controller', type: 'usb', model: d.model } : undefined;
  if (d instanceof FilesystemDevice) {
    const virtiofs = d.driverType === 'virtiofs';
    return defined({ kind: 'filesystem', driver: virtiofs ? 'virtiofs' : '9p', source: a('source', 'dir'), target: d.target, readonly: d.readonly, accessMode: virtiofs ? undefined : (d.accessMode ?? 'passthrough') });
  }
  if (d instanceof HostdevDevice && d.mode === 'subsystem') {
    if (d.type === 'pci' && d.pciAddress) return { kind: 'hostdev', source: { type: 'pci', address: d.pciAddress } };
    const hex = (v: string | undefined) => v?.replace(/^0x/, '');
    if (d.type === 'usb' && d.usbVendor && d.usbProduct) return { kind: 'hostdev', source: { type: 'usb', vendor: hex(d.usbVendor), product: hex(d.usbProduct) } };
    if (d.type === 'usb' && d.usbBusDevice) return { kind: 'hostdev', source: { type: 'usb', ...d.usbBusDevice } };
  }
  return undefined;
}

/** One line for a device list. */
export function describeDevice(d: Device): string {
  if (d instanceof DiskDevice) return `${d.device === 'cdrom' ? 'CD-ROM' : d.device} ${d.targetDev ?? ''} (${d.bus ?? '?'})${d.source ? `: ${d.source}` : ''}`;
  if (d instanceof InterfaceDevice) return `network ${d.model ?? ''} ${d.mac ?? ''} (${d.sourceNetwork ?? d.sourceBridge ?? d.type ?? '?'})`.replace(/\s+/g, ' ');
  if (d instanceof GraphicsDevice) return `${(d.type ?? '?').toUpperCase()} display on ${d.listen ?? 'default address'}${d.autoport === false && d.port ? ` port ${d.port}` : ''}`;
  if (d instanceof VideoDevice) return `video ${d.model ?? '?'}${d.vramKiB ? `, ${Math.round(d.vramKiB / 1024)} MiB` : ''}${d.heads && d.heads > 1 ? `, ${d.heads} heads` : ''}`;
  if (d instanceof SoundDevice) return `sound ${d.model ?? '?'}`;
  if (d instanceof InputDevice) return `${d.type ?? 'input'} (${d.bus ?? '?'})`;
  if (d instanceof ChannelDevice) return `channel ${d.targetName ?? d.type ?? '?'}`;
  if (d instanceof CharDevice) return `${d.kind} ${d.type ?? ''}${d.targetType ? ` (${d.targetType})` : ''}`.trim();
  if (d instanceof TpmDevice) return `TPM ${d.backendVersion ?? ''} ${d.model ?? ''} (${d.backendType ?? '?'})`.replace(/\s+/g, ' ');
  if (d instanceof RngDevice) return `${d.model ?? ''} RNG (${d.backendPath ?? d.backendModel ?? '?'})`.trim();
  if (d instanceof WatchdogDevice) return `watchdog ${d.model ?? '?'}, action ${d.action ?? 'reset'}`;
  if (d instanceof ControllerDevice) return `${d.type ?? '?'} controller ${d.index ?? 0}${d.model ? ` (${d.model})` : ''}`;
  if (d instanceof FilesystemDevice) return `shared folder ${d.sourceDir ?? '?'} as '${d.target ?? '?'}' (${d.driverType === 'virtiofs' ? 'virtiofs' : '9p'}${d.readonly ? ', read-only' : ''})`;
  if (d instanceof HostdevDevice) {
    if (d.type === 'pci') return `PCI ${d.pciAddress ?? '?'}`;
    const bd = d.usbBusDevice;
    return `USB ${d.usbVendor ? `${d.usbVendor.replace(/^0x/, '')}:${(d.usbProduct ?? '').replace(/^0x/, '')}` : bd ? `bus ${bd.bus} device ${bd.device}` : '?'}`;
  }
  const model = d.attrAt('', 'model') ?? d.attrAt('model', 'type') ?? d.attrAt('', 'type');
  return `${d.kind}${model ? ` ${model}` : ''}`;
}

/** What identifies a device across the live XML and the definition (no alias, address or runtime paths). */
export function deviceIdentity(d: Device): string {
  const a = (path: string, name: string) => d.attrAt(path, name) ?? '';
  switch (d.kind) {
    case 'graphics': return a('', 'type');
    case 'video': return a('model', 'type');
    case 'channel': return `${a('', 'type')}|${a('target', 'name')}`;
    case 'serial':
    case 'console':
    case 'parallel': return `${a('', 'type')}|${a('target', 'type')}|${a('target', 'port')}`;
    case 'controller': return `${a('', 'type')}|${a('', 'index')}`;
    case 'filesystem': return a('target', 'dir');
    case 'input': return `${a('', 'type')}|${a('', 'bus')}`;
    case 'watchdog':
    case 'sound':
    case 'tpm': return a('', 'model');
    case 'rng': return `${a('', 'model')}|${a('backend', 'model')}|${(d as RngDevice).backendPath ?? ''}`;
    case 'hostdev': {
      const h = d as HostdevDevice;
      return `${h.type}|${h.pciAddress ?? ''}|${h.usbVendor ?? ''}|${h.usbProduct ?? ''}|${JSON.stringify(h.usbBusDevice ?? '')}`;
    }
  }
  const copy = d.el.cloneNode(true) as typeof d.el;
  for (const c of elementChildren(copy)) if (c.tagName === 'alias' || c.tagName === 'address') copy.removeChild(c);
  return canonicalXml(copy);
}

/** The device of `to` that is the device `key` of `from` (same natural key, else same identity and rank among equals). */
export function counterpart(from: Domain, key: string, to: Domain): Device | undefined {
  const d = from.device(key);
  if (!d) return undefined;
  const natural = d.naturalKey();
  if (natural) return to.device(natural);
  const id = deviceIdentity(d);
  const same = (dom: Domain) => dom.devicesOf(d.kind).filter((x) => deviceIdentity(x) === id);
  const rank = same(from).findIndex((x) => x.el === d.el);
  return same(to)[rank];
}

/** Replaces the device `key` with one built from `spec` in place, keeping its guest address and boot order. */
export function replaceDevice(domain: Domain, key: string, spec: DeviceSpec): Device {
  const old = domain.device(key);
  if (!old) throw new DomainXmlError(`VM '${domain.name ?? '?'}' has no device '${key}'.`);
  if (old.kind !== spec.kind) throw new DomainXmlError(`'${key}' is a ${old.kind}, not a ${spec.kind}: remove it and add a ${spec.kind} instead.`);
  const next = buildDevice(domain, spec);
  for (const keep of ['address', 'alias']) {
    const el = elementChildren(old.el).find((c) => c.tagName === keep);
    if (el) next.el.appendChild(el.cloneNode(true));
  }
  if (old.bootOrder !== undefined) next.bootOrder = old.bootOrder;
  old.el.parentNode!.replaceChild(next.el, old.el);
  return next;
}

// ---- changing an existing NIC or disk ----

export type NicSourceSpec = { type: 'network'; network: string } | { type: 'bridge'; bridge: string } | { type: 'user' };
/** Types libvirt moves between live: both are a tap device on a host bridge (qemuDomainChangeNet reconnects it). */
const TAP_TYPES = ['network', 'bridge'];

/** Replaces the interface's source (and drops user mode's passt backend and port forwards when leaving it). */
export function setNicSource(nic: InterfaceDevice, source: NicSourceSpec): void {
  for (const c of elementChildren(nic.el)) {
    if (c.tagName === 'source' || (source.type !== 'user' && (c.tagName === 'backend' || c.tagName === 'portForward'))) nic.el.removeChild(c);
  }
  nic.type = source.type;
  if (source.type === 'network') nic.sourceNetwork = source.network;
  if (source.type === 'bridge') nic.sourceBridge = source.bridge;
}

/**
 * The kind of update (hotplug.ts) that takes `nic` to the requested settings: a new source
 * between virtual networks and bridges is 'net-source' (live); model, MAC or user mode 'other'.
 */
export function nicUpdateKind(nic: InterfaceDevice, change: { source?: NicSourceSpec; model?: string; mac?: string }): 'net-source' | 'other' {
  if (change.model !== undefined && change.model !== nic.model) return 'other';
  if (change.mac !== undefined && change.mac.toLowerCase() !== nic.mac?.toLowerCase()) return 'other';
  if (change.source && !(TAP_TYPES.includes(nic.type ?? '') && TAP_TYPES.includes(change.source.type))) return 'other';
  return 'net-source';
}

export interface DiskSettings {
  bus?: 'virtio' | 'sata' | 'scsi';
  target?: string;
  cache?: string;
  discard?: string;
  readonly?: boolean;
  shareable?: boolean;
  serial?: string | null;
}

/** Changes a disk's settings in place; 'default' cache/discard and a null serial remove them. A new bus gets a new target and guest address. */
export function editDisk(disk: DiskDevice, s: DiskSettings): void {
  if (s.bus === 'virtio' && disk.isRemovable) throw new DomainXmlError(`${disk.targetDev ?? 'the drive'} is a ${disk.device}: a ${disk.device} cannot be on the virtio bus. Use sata or scsi.`);
  if (s.bus !== undefined && s.bus !== disk.bus) {
    disk.bus = s.bus;
    disk.clearAddress();
  }
  if (s.target !== undefined) disk.targetDev = s.target;
  if (s.cache !== undefined) disk.cache = s.cache === 'default' ? undefined : s.cache;
  if (s.discard !== undefined) disk.discard = s.discard === 'default' ? undefined : s.discard;
  if (s.readonly !== undefined) disk.readonly = s.readonly;
  if (s.shareable !== undefined) disk.shareable = s.shareable;
  if (s.serial !== undefined) disk.serial = s.serial ?? undefined;
}

// ---- one line for a device list, as a message (the UI shows it in its language) ----

const NOUN_KEYS = {
  disk: 'device.noun.disk', cdrom: 'device.noun.cdrom', floppy: 'device.noun.floppy', serial: 'device.noun.serial', console: 'device.noun.console',
  parallel: 'device.noun.parallel', tablet: 'device.noun.tablet', mouse: 'device.noun.mouse', keyboard: 'device.noun.keyboard',
} as const satisfies Record<string, ServerMessageKey>;
const noun = (word: string): MessageParam => (word in NOUN_KEYS ? message(NOUN_KEYS[word as keyof typeof NOUN_KEYS]) : word);

/** describeDevice as a message whose English is describeDevice's line; undefined for kinds without words to translate. */
export function describeDeviceText(d: Device): MessageRef | undefined {
  if (d instanceof DiskDevice) {
    const source = d.source ? `: ${d.source}` : '';
    return message('device.summary.disk', { device: d.device === 'cdrom' ? message('device.noun.cdrom') : noun(d.device), target: d.targetDev ?? '', bus: d.bus ?? '?', source });
  }
  if (d instanceof InterfaceDevice) {
    const details = [d.model, d.mac].filter(Boolean).join(' ');
    const source = d.sourceNetwork ?? d.sourceBridge ?? d.type ?? '?';
    return details ? message('device.summary.nic', { details, source }) : message('device.summary.nicBare', { source });
  }
  if (d instanceof GraphicsDevice) {
    const port = d.autoport === false && d.port ? message('device.summary.port', { port: d.port }) : '';
    return message('device.summary.graphics', { type: (d.type ?? '?').toUpperCase(), listen: d.listen ?? message('device.summary.defaultAddress'), port });
  }
  if (d instanceof VideoDevice) {
    return message('device.summary.video', {
      model: d.model ?? '?',
      vram: d.vramKiB ? message('device.summary.vram', { mib: Math.round(d.vramKiB / 1024) }) : '',
      heads: d.heads && d.heads > 1 ? message('device.summary.heads', { heads: d.heads }) : '',
    });
  }
  if (d instanceof SoundDevice) return message('device.summary.sound', { model: d.model ?? '?' });
  if (d instanceof InputDevice) return message('device.summary.input', { type: d.type ? noun(d.type) : message('device.summary.inputNoun'), bus: d.bus ?? '?' });
  if (d instanceof ChannelDevice) return message('device.summary.channel', { name: d.targetName ?? d.type ?? '?' });
  if (d instanceof CharDevice) return d.type ? message('device.summary.char', { kind: noun(d.kind), type: d.type, target: d.targetType ? ` (${d.targetType})` : '' }) : undefined;
  if (d instanceof TpmDevice) {
    const details = [d.backendVersion, d.model].filter(Boolean).join(' ');
    return message(details ? 'device.summary.tpm' : 'device.summary.tpmBare', { ...(details ? { details } : {}), backend: d.backendType ?? '?' });
  }
  if (d instanceof RngDevice) {
    const source = d.backendPath ?? d.backendModel ?? '?';
    return d.model ? message('device.summary.rng', { model: d.model, source }) : message('device.summary.rngBare', { source });
  }
  if (d instanceof WatchdogDevice) return message('device.summary.watchdog', { model: d.model ?? '?', action: d.action ?? 'reset' });
  if (d instanceof ControllerDevice) return message('device.summary.controller', { type: d.type ?? '?', index: d.index ?? 0, model: d.model ? ` (${d.model})` : '' });
  if (d instanceof FilesystemDevice) {
    return message('device.summary.filesystem', {
      source: d.sourceDir ?? '?', target: d.target ?? '?', driver: d.driverType === 'virtiofs' ? 'virtiofs' : '9p', readonly: d.readonly ? message('device.summary.readOnly') : '',
    });
  }
  if (d instanceof HostdevDevice) {
    if (d.type === 'pci') return message('device.summary.pci', { address: d.pciAddress ?? '?' });
    const bd = d.usbBusDevice;
    if (d.usbVendor) return message('device.summary.usb', { ids: `${d.usbVendor.replace(/^0x/, '')}:${(d.usbProduct ?? '').replace(/^0x/, '')}` });
    return bd ? message('device.summary.usbBus', { bus: bd.bus, device: bd.device }) : message('device.summary.usb', { ids: '?' });
  }
  return undefined;
}
