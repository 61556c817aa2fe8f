// Virtdesk's model of a libvirt domain (like virtinst's Guest): typed views over one DOM, so
// an unchanged model writes back what it read and edits touch only what they name.
import type { VirtdeskMeta } from '../xml/virtdesk-meta';
import { DEVICE_ORDER, wrapDevice, type Device, type DeviceKindMap, type KnownDeviceKind } from './devices';
import { findVirtdeskElement, metadataNamespaces, readOsinfoId, readVirtdeskElement, writeVirtdeskMeta } from './metadata';
import { XmlView, insertOrdered, removeElement } from './view';
import { DomainXmlError, elementChildren, parseXmlDocument, serialize, type Document, type Element } from './xml';

export class OsView extends XmlView {
  /** hvm, linux (xen PV), exe (containers), … */
  get type(): string | undefined { return this.text('os/type')?.trim(); }
  set type(v: string | undefined) { this.setText('os/type', v); }
  get arch(): string | undefined { return this.attr('os/type', 'arch'); }
  set arch(v: string | undefined) { this.setAttr('os/type', 'arch', v); }
  get machine(): string | undefined { return this.attr('os/type', 'machine'); }
  set machine(v: string | undefined) { this.setAttr('os/type', 'machine', v); }
  /** Firmware autoselection: <os firmware='efi|bios'>. */
  get firmware(): string | undefined { return this.attr('os', 'firmware'); }
  set firmware(v: string | undefined) { this.setAttr('os', 'firmware', v); }
  /** <os><firmware><feature enabled='yes' name='secure-boot'/> (autoselection constraints). */
  get firmwareFeatures(): { name: string; enabled: boolean }[] {
    return this.findAll('os/firmware/feature').map((f) => ({ name: f.getAttribute('name') ?? '', enabled: f.getAttribute('enabled') === 'yes' }));
  }
  setFirmwareFeature(name: string, enabled: boolean | null): void {
    const f = this.findAll('os/firmware/feature').find((e) => e.getAttribute('name') === name);
    if (enabled === null) {
      if (f) removeElement(f);
      if (this.findAll('os/firmware/feature').length === 0) this.drop('os/firmware');
      return;
    }
    const el = f ?? this.el.ownerDocument!.createElement('feature');
    el.setAttribute('enabled', enabled ? 'yes' : 'no');
    el.setAttribute('name', name);
    if (!f) insertOrdered(this.ensure('os/firmware'), el);
  }
  get loaderPath(): string | undefined { return this.text('os/loader')?.trim() || undefined; }
  /** Setting undefined removes the whole <loader>. */
  set loaderPath(v: string | undefined) { this.setText('os/loader', v); }
  get loaderReadonly(): boolean | undefined { return this.yesNo('os/loader', 'readonly'); }
  set loaderReadonly(v: boolean | undefined) { this.setAttr('os/loader', 'readonly', v); }
  /** rom or pflash */
  get loaderType(): string | undefined { return this.attr('os/loader', 'type'); }
  set loaderType(v: string | undefined) { this.setAttr('os/loader', 'type', v); }
  get loaderSecure(): boolean | undefined { return this.yesNo('os/loader', 'secure'); }
  set loaderSecure(v: boolean | undefined) { this.setAttr('os/loader', 'secure', v); }
  get nvramPath(): string | undefined { return this.text('os/nvram')?.trim() || undefined; }
  set nvramPath(v: string | undefined) { this.setText('os/nvram', v); }
  /**
   * Forgets the NVRAM file (text or <source>) but keeps <nvram>'s attributes (template,
   * format): libvirt then creates <name>_VARS.fd from the template at the first start.
   */
  forgetNvramFile(): void {
    const nvram = this.find('os/nvram');
    if (!nvram) return;
    while (nvram.firstChild) nvram.removeChild(nvram.firstChild);
    if (nvram.attributes.length === 0) this.drop('os/nvram');
  }
  get nvramTemplate(): string | undefined { return this.attr('os/nvram', 'template'); }
  set nvramTemplate(v: string | undefined) { this.setAttr('os/nvram', 'template', v); }
  /** <boot dev='…'/> entries in order: hd, cdrom, network, fd. */
  get bootDevices(): string[] { return this.findAll('os/boot').map((b) => b.getAttribute('dev') ?? ''); }
  set bootDevices(devs: string[]) {
    for (const b of this.findAll('os/boot')) removeElement(b);
    if (devs.length === 0) return;
    const os = this.ensure('os');
    for (const dev of devs) {
      const b = this.el.ownerDocument!.createElement('boot');
      b.setAttribute('dev', dev);
      insertOrdered(os, b);
    }
  }
  get bootMenu(): boolean | undefined { return this.yesNo('os/bootmenu', 'enable'); }
  set bootMenu(v: boolean | undefined) { this.setAttr('os/bootmenu', 'enable', v); }
  get bootMenuTimeoutMs(): number | undefined { return this.intAttr('os/bootmenu', 'timeout'); }
  set bootMenuTimeoutMs(v: number | undefined) { this.setAttr('os/bootmenu', 'timeout', v); }
  get kernel(): string | undefined { return this.text('os/kernel'); }
  set kernel(v: string | undefined) { this.setText('os/kernel', v); }
  get initrd(): string | undefined { return this.text('os/initrd'); }
  set initrd(v: string | undefined) { this.setText('os/initrd', v); }
  get cmdline(): string | undefined { return this.text('os/cmdline'); }
  set cmdline(v: string | undefined) { this.setText('os/cmdline', v); }
  get dtb(): string | undefined { return this.text('os/dtb'); }
  set dtb(v: string | undefined) { this.setText('os/dtb', v); }
  get smbiosMode(): string | undefined { return this.attr('os/smbios', 'mode'); }
  /** init (containers) */
  get init(): string | undefined { return this.text('os/init'); }
}

export class CpuView extends XmlView {
  get present(): boolean { return this.flag('cpu'); }
  /** custom, host-model, host-passthrough, maximum */
  get mode(): string | undefined { return this.attr('cpu', 'mode'); }
  set mode(v: string | undefined) { this.setAttr('cpu', 'mode', v); }
  get match(): string | undefined { return this.attr('cpu', 'match'); }
  set match(v: string | undefined) { this.setAttr('cpu', 'match', v); }
  get check(): string | undefined { return this.attr('cpu', 'check'); }
  set check(v: string | undefined) { this.setAttr('cpu', 'check', v); }
  get migratable(): boolean | undefined { return this.yesNo('cpu', 'migratable', 'on'); }
  /** Only host-passthrough and maximum take it (libvirt refuses it on other modes). */
  set migratable(v: boolean | undefined) { this.setAttr('cpu', 'migratable', v === undefined ? undefined : v ? 'on' : 'off'); }
  get model(): string | undefined { return this.text('cpu/model')?.trim() || undefined; }
  set model(v: string | undefined) { this.setText('cpu/model', v); }
  get modelFallback(): string | undefined { return this.attr('cpu/model', 'fallback'); }
  set modelFallback(v: string | undefined) { this.setAttr('cpu/model', 'fallback', v); }
  get vendor(): string | undefined { return this.text('cpu/vendor')?.trim() || undefined; }
  get topology(): { sockets?: number; dies?: number; clusters?: number; cores?: number; threads?: number } | undefined {
    if (!this.flag('cpu/topology')) return undefined;
    const n = (k: string): number | undefined => this.intAttr('cpu/topology', k);
    return Object.fromEntries(Object.entries({ sockets: n('sockets'), dies: n('dies'), clusters: n('clusters'), cores: n('cores'), threads: n('threads') }).filter(([, v]) => v !== undefined));
  }
  set topology(t: { sockets?: number; dies?: number; clusters?: number; cores?: number; threads?: number } | undefined) {
    if (!t) {
      this.drop('cpu/topology');
      return;
    }
    for (const k of ['sockets', 'dies', 'clusters', 'cores', 'threads'] as const) this.setAttr('cpu/topology', k, t[k]);
  }
  /** <feature policy='require|optional|disable|forbid|force' name='…'/> */
  get features(): { name: string; policy: string }[] {
    return this.findAll('cpu/feature').map((f) => ({ name: f.getAttribute('name') ?? '', policy: f.getAttribute('policy') ?? 'require' }));
  }
  setFeature(name: string, policy: string | null): void {
    const f = this.findAll('cpu/feature').find((e) => e.getAttribute('name') === name);
    if (policy === null) {
      if (f) removeElement(f);
      return;
    }
    const el = f ?? this.el.ownerDocument!.createElement('feature');
    el.setAttribute('policy', policy);
    el.setAttribute('name', name);
    if (!f) insertOrdered(this.ensure('cpu'), el);
  }
}

export class FeaturesView extends XmlView {
  /** Names of the elements in <features> (acpi, apic, pae, hyperv, kvm, smm, vmport, …). */
  get names(): string[] {
    const f = this.find('features');
    return f ? elementChildren(f).map((e) => e.tagName) : [];
  }
  has(name: string): boolean { return this.find(`features/${name}`) !== null; }
  /** The element of a feature with sub-settings (hyperv, kvm, smm, gic, …), or null. */
  element(name: string): Element | null { return this.find(`features/${name}`); }
  /** Turns an on/off feature on (an empty element) or off (removed). */
  set(name: string, on: boolean): void { this.setFlag(`features/${name}`, on); }
  /** <vmport state='on|off'/>, <pmu state=…/>, <smm state=…/> and other state features. */
  state(name: string): string | undefined { return this.attr(`features/${name}`, 'state'); }
  setState(name: string, state: 'on' | 'off' | undefined): void { this.setAttr(`features/${name}`, 'state', state); }
}

export class ClockView extends XmlView {
  /** utc, localtime, timezone, variable, absolute */
  get offset(): string | undefined { return this.attr('clock', 'offset'); }
  set offset(v: string | undefined) { this.setAttr('clock', 'offset', v); }
  get timezone(): string | undefined { return this.attr('clock', 'timezone'); }
  set timezone(v: string | undefined) { this.setAttr('clock', 'timezone', v); }
  get timers(): { name: string; present?: boolean; tickpolicy?: string }[] {
    return this.findAll('clock/timer').map((t) => ({
      name: t.getAttribute('name') ?? '',
      ...(t.hasAttribute('present') ? { present: t.getAttribute('present') === 'yes' } : {}),
      ...(t.hasAttribute('tickpolicy') ? { tickpolicy: t.getAttribute('tickpolicy')! } : {}),
    }));
  }
  setTimer(name: string, t: { present?: boolean; tickpolicy?: string } | null): void {
    const existing = this.findAll('clock/timer').find((e) => e.getAttribute('name') === name);
    if (t === null) {
      if (existing) removeElement(existing);
      return;
    }
    const el = existing ?? this.el.ownerDocument!.createElement('timer');
    el.setAttribute('name', name);
    if (t.tickpolicy !== undefined) el.setAttribute('tickpolicy', t.tickpolicy);
    if (t.present !== undefined) el.setAttribute('present', t.present ? 'yes' : 'no');
    if (!existing) insertOrdered(this.ensure('clock'), el);
  }
}

export type LifecycleAction = 'destroy' | 'restart' | 'preserve' | 'rename-restart' | 'coredump-destroy' | 'coredump-restart' | 'poweroff' | 'pause' | 'ignore';

export class LifecycleView extends XmlView {
  get onPoweroff(): string | undefined { return this.text('on_poweroff')?.trim(); }
  set onPoweroff(v: string | undefined) { this.setText('on_poweroff', v); }
  get onReboot(): string | undefined { return this.text('on_reboot')?.trim(); }
  set onReboot(v: string | undefined) { this.setText('on_reboot', v); }
  get onCrash(): string | undefined { return this.text('on_crash')?.trim(); }
  set onCrash(v: string | undefined) { this.setText('on_crash', v); }
  get onLockfailure(): string | undefined { return this.text('on_lockfailure')?.trim(); }
  set onLockfailure(v: string | undefined) { this.setText('on_lockfailure', v); }
  get suspendToMem(): boolean | undefined { return this.yesNo('pm/suspend-to-mem', 'enabled'); }
  set suspendToMem(v: boolean | undefined) { this.setAttr('pm/suspend-to-mem', 'enabled', v); }
  get suspendToDisk(): boolean | undefined { return this.yesNo('pm/suspend-to-disk', 'enabled'); }
  set suspendToDisk(v: boolean | undefined) { this.setAttr('pm/suspend-to-disk', 'enabled', v); }
}

export interface DeviceEntry {
  key: string;
  device: Device;
}

export class Domain extends XmlView {
  readonly os = new OsView(this.el);
  readonly cpu = new CpuView(this.el);
  readonly features = new FeaturesView(this.el);
  readonly clock = new ClockView(this.el);
  readonly lifecycle = new LifecycleView(this.el);

  constructor(readonly doc: Document) {
    super(doc.documentElement!);
  }

  /** The whole document, as libvirt wants it for virDomainDefineXML. */
  override toXml(): string {
    return serialize(this.doc);
  }

  /** kvm, qemu, xen, lxc, test, … */
  get type(): string | undefined { return this.attr('', 'type'); }
  set type(v: string | undefined) { this.setAttr('', 'type', v); }
  get id(): number | undefined { return this.intAttr('', 'id'); }
  get name(): string | undefined { return this.text('name'); }
  set name(v: string | undefined) {
    if (v !== undefined && (!v.trim() || v.includes('/'))) throw new DomainXmlError(`VM name '${v}' is not allowed: use a non-empty name without '/'.`);
    this.setText('name', v);
  }
  get uuid(): string | undefined { return this.text('uuid')?.trim(); }
  set uuid(v: string | undefined) { this.setText('uuid', v); }
  get title(): string | undefined { return this.text('title'); }
  set title(v: string | undefined) {
    if (v !== undefined && /[\r\n]/.test(v)) throw new DomainXmlError('A VM title must be one line: remove the line breaks.');
    this.setText('title', v);
  }
  get description(): string | undefined { return this.text('description'); }
  set description(v: string | undefined) { this.setText('description', v); }
  get genid(): string | undefined { return this.text('genid'); }
  get emulator(): string | undefined { return this.text('devices/emulator')?.trim(); }
  set emulator(v: string | undefined) { this.setText('devices/emulator', v); }

  /** <memory>: the maximum the VM boots with, in KiB. */
  get memoryKiB(): number | undefined { return this.memAt('memory'); }
  set memoryKiB(v: number | undefined) { this.setMemAt('memory', v); }
  /** <currentMemory>: what the balloon leaves the guest (memoryKiB when absent). */
  get currentMemoryKiB(): number | undefined { return this.memAt('currentMemory') ?? this.memAt('memory'); }
  set currentMemoryKiB(v: number | undefined) { this.setMemAt('currentMemory', v); }
  /** <maxMemory slots='N'>: the hotplug ceiling, or undefined. */
  get maxMemoryKiB(): number | undefined { return this.memAt('maxMemory'); }
  set maxMemoryKiB(v: number | undefined) { this.setMemAt('maxMemory', v); }
  get maxMemorySlots(): number | undefined { return this.intAttr('maxMemory', 'slots'); }
  /** <memoryBacking><source type='memfd|file|anonymous'/>: where guest RAM comes from. */
  get memorySource(): string | undefined { return this.attr('memoryBacking/source', 'type'); }
  set memorySource(v: string | undefined) { this.setAttr('memoryBacking/source', 'type', v); }
  /** <memoryBacking><access mode='shared|private'/>: shared lets vhost-user helpers (virtiofsd) map guest RAM. */
  get memoryAccess(): string | undefined { return this.attr('memoryBacking/access', 'mode'); }
  set memoryAccess(v: string | undefined) { this.setAttr('memoryBacking/access', 'mode', v); }
  set maxMemorySlots(v: number | undefined) { this.setAttr('maxMemory', 'slots', v); }

  /** <vcpu>N</vcpu>: the most vCPUs the VM can have. */
  get maxVcpus(): number | undefined {
    const t = this.text('vcpu')?.trim();
    return t ? Number(t) : undefined;
  }
  set maxVcpus(v: number | undefined) { this.setText('vcpu', v); }
  /** <vcpu current='M'>: vCPUs online at boot (maxVcpus when absent). */
  get vcpus(): number | undefined { return this.intAttr('vcpu', 'current') ?? this.maxVcpus; }
  set vcpus(v: number | undefined) {
    const max = this.maxVcpus;
    if (v !== undefined && max !== undefined && v > max) throw new DomainXmlError(`${v} vCPUs is more than the maximum of ${max}: raise the maximum first.`);
    this.setAttr('vcpu', 'current', v === max ? undefined : v);
  }
  get vcpuPlacement(): string | undefined { return this.attr('vcpu', 'placement'); }

  get virtdeskMeta(): VirtdeskMeta | null {
    const vm = findVirtdeskElement(this.find('metadata'));
    return vm ? readVirtdeskElement(vm) : null;
  }
  set virtdeskMeta(meta: VirtdeskMeta | null) { writeVirtdeskMeta(this.el, meta); }
  /** Namespaces of every element in <metadata> (ours and other tools'). */
  get metadataNamespaces(): string[] { return metadataNamespaces(this.el); }
  get osinfoId(): string | undefined { return readOsinfoId(this.el); }

  /** Every device element in <devices> (not <emulator>), in document order. */
  devices(): Device[] {
    const devs = this.find('devices');
    return devs ? elementChildren(devs).filter((e) => e.tagName !== 'emulator').map(wrapDevice) : [];
  }
  devicesOf<K extends KnownDeviceKind>(kind: K): DeviceKindMap[K][];
  devicesOf(kind: string): Device[];
  devicesOf(kind: string): Device[] {
    return this.devices().filter((d) => d.kind === kind);
  }

  /**
   * Every device with its key: disk:<target dev>, interface:<mac>, else <kind>@<alias> when
   * libvirt gave it an alias, else <kind>:<index within its kind>. A key that would repeat
   * (an invalid document) falls back to the index form.
   */
  deviceEntries(): DeviceEntry[] {
    const seen = new Set<string>();
    const index = new Map<string, number>();
    return this.devices().map((device) => {
      const i = index.get(device.kind) ?? 0;
      index.set(device.kind, i + 1);
      const natural = device.naturalKey() ?? (device.alias ? `${device.kind}@${device.alias}` : undefined);
      const key = natural && !seen.has(natural) ? natural : `${device.kind}:${i}`;
      seen.add(key);
      return { key, device };
    });
  }

  /** The device with this key (see deviceEntries), or undefined. */
  device(key: string): Device | undefined {
    const entries = this.deviceEntries();
    return (entries.find((e) => e.key === key) ?? entries.find((e) => e.key.toLowerCase() === key.toLowerCase()))?.device;
  }

  keyOf(device: Device): string {
    const e = this.deviceEntries().find((x) => x.device.el === device.el);
    if (!e) throw new DomainXmlError(`The ${device.kind} device is not part of VM '${this.name ?? '?'}'.`);
    return e.key;
  }

  /** A new, not yet added device of a kind (<disk/>, …) in this document. */
  newDevice<K extends KnownDeviceKind>(kind: K): DeviceKindMap[K];
  newDevice(kind: string): Device;
  newDevice(kind: string): Device {
    if (!/^[A-Za-z][\w-]*$/.test(kind)) throw new DomainXmlError(`'${kind}' is not a device element name.`);
    return wrapDevice(this.doc.createElement(kind));
  }

  /** Adds a device (a view from newDevice, or a device XML fragment) where libvirt orders it. */
  addDevice(device: Device | string): Device {
    const el = typeof device === 'string' ? this.importFragment(device) : device.el;
    if (el.parentNode) throw new DomainXmlError(`The ${el.tagName} device is already in the VM: remove it first or create a new one.`);
    insertOrdered(this.ensure('devices'), el, DEVICE_ORDER);
    return wrapDevice(el);
  }

  /** Removes the device with this key and returns it (detached, still writable with toXml). */
  removeDevice(key: string): Device {
    const d = this.device(key);
    if (!d) throw new DomainXmlError(`VM '${this.name ?? '?'}' has no device '${key}'. Known: ${this.deviceEntries().map((e) => e.key).join(', ') || 'none'}.`);
    removeElement(d.el);
    return d;
  }

  private importFragment(xml: string): Element {
    const frag = parseXmlDocument(xml, 'device XML').documentElement!;
    if (frag.tagName === 'domain' || frag.tagName === 'devices') throw new DomainXmlError(`Expected one device element such as <disk>, got <${frag.tagName}>.`);
    return this.doc.importNode(frag, true) as Element;
  }
}

/** Parses domain XML into the model; throws DomainXmlError naming the problem. */
export function parseDomain(xml: string): Domain {
  const doc = parseXmlDocument(xml, 'domain XML');
  const root = doc.documentElement!;
  if (root.tagName !== 'domain') throw new DomainXmlError(`Expected a <domain> document, got <${root.tagName}>. Pass the XML of a libvirt domain.`);
  return new Domain(doc);
}
