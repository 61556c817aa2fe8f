// The Hardware tab's rules, pure: the device list (from vm.hardware, or from the XML when that is
// not available), what waits for the next boot (the live XML against the definition, as
// virt-manager compares them), where a change applies before it is made, field checks, boot order moves.
import type { DeviceSpec, EditResult, HardwareDevice, VmHardware } from '../../../src-main/contract';
import type { FormProblem } from '../../common/form-problem';
import { parseMemoryMiB, type SizeUnit } from '../../common/sizes';
import type { CpuFacts, DomainFacts, XmlDevice } from './domain-facts';

// ---- the device list ----

/** The list's groups, in the order the list shows them (virt-manager's order). */
export const DEVICE_GROUPS = [
  'disk', 'cdrom', 'interface', 'graphics', 'video', 'sound', 'input', 'serial', 'console', 'channel',
  'tpm', 'rng', 'watchdog', 'controller', 'hostdev', 'filesystem', 'other',
] as const;
export type DeviceGroup = (typeof DEVICE_GROUPS)[number];

export const SETTINGS_PAGES = ['overview', 'cpu', 'memory', 'boot'] as const;
export type SettingsPage = (typeof SETTINGS_PAGES)[number];

export interface HwDevice {
  key: string;
  kind: string;
  group: DeviceGroup;
  /** What tells it apart from others of its group: target, MAC, type/model. */
  name: string;
  summary: string;
  props: Record<string, string>;
  spec?: DeviceSpec;
  bootOrder?: number;
  pending?: 'removed-at-next-boot' | 'added-at-next-boot';
  /** A running VM can gain / lose it live. */
  hotplug: boolean;
}

export type ListEntry = { id: SettingsPage; page: SettingsPage } | { id: string; device: HwDevice };

const GROUP_OF_KIND: Record<string, DeviceGroup> = {
  interface: 'interface', graphics: 'graphics', video: 'video', sound: 'sound', input: 'input', serial: 'serial', console: 'console',
  channel: 'channel', tpm: 'tpm', rng: 'rng', watchdog: 'watchdog', controller: 'controller', hostdev: 'hostdev', filesystem: 'filesystem',
};

export function groupOf(kind: string, props: Record<string, string>): DeviceGroup {
  if (kind === 'disk') return props.device === 'cdrom' ? 'cdrom' : 'disk';
  if (kind === 'controller') return props.type === 'usb' ? 'controller' : 'other';
  return GROUP_OF_KIND[kind] ?? 'other';
}

/** Kinds listed under "other" (controllers other than USB, the balloon and audio backends are not listed, as in virt-manager). */
const SHOWN_OTHER = new Set(['panic', 'redirdev', 'smartcard', 'vsock', 'iommu', 'shmem', 'parallel', 'hub', 'lease', 'memory', 'crypto', 'pstore']);

function nameOf(d: XmlDevice): string {
  const p = d.props;
  if (d.kind === 'disk') return p['target.dev'] ?? '';
  if (d.kind === 'interface') return p['mac.address'] ?? '';
  if (d.kind === 'hostdev') return [p['source.vendor.id'], p['source.product.id']].filter(Boolean).join(':') || p['source.address.bus'] || '';
  if (d.kind === 'filesystem') return p['target.dir'] ?? '';
  return p['model.type'] ?? p.model ?? p.type ?? p['backend.model'] ?? '';
}

/** One line of plain, language-neutral facts (paths, models, addresses). */
export function summarize(d: XmlDevice): string {
  const p = d.props;
  const join = (...xs: (string | undefined)[]) => xs.filter((x) => x !== undefined && x !== '').join(' · ');
  switch (d.kind) {
    case 'disk':
      return join(p['target.bus'], p['source.file'] ?? p['source.dev'] ?? (p['source.pool'] ? `${p['source.pool']}/${p['source.volume']}` : undefined), p['driver.type']);
    case 'interface':
      return join(p.type, p['source.network'] ?? p['source.bridge'] ?? p['source.dev'], p['model.type'], p['link.state']);
    case 'graphics':
      return join(p.type?.toUpperCase(), p.listen ?? p['listen.address'], p.port && p.port !== '-1' ? p.port : undefined);
    case 'hostdev':
      return join(p.type, nameOf(d), p['source.address.domain'] ? `${p['source.address.bus']}:${p['source.address.slot']}.${p['source.address.function']}` : undefined);
    case 'filesystem':
      return join(p['driver.type'] ?? '9p', p['source.dir'], p['target.dir']);
    case 'rng':
      return join(p.model, p.backend);
    default:
      return join(p.type, p['model.type'] ?? p.model, p.bus, p['target.type'], p['target.name'], p.action);
  }
}

/** A domain document's devices as list items (used when vm.hardware is not available). */
export function devicesFromXml(facts: DomainFacts, hotplug: (d: XmlDevice) => boolean = defaultHotplug): HwDevice[] {
  return facts.devices
    .filter((d) => groupOf(d.kind, d.props) !== 'other' || SHOWN_OTHER.has(d.kind))
    .map((d) => ({
      key: d.key,
      kind: d.kind,
      group: groupOf(d.kind, d.props),
      name: nameOf(d),
      summary: summarize(d),
      props: d.props,
      ...(d.bootOrder !== undefined ? { bootOrder: d.bootOrder } : {}),
      hotplug: hotplug(d),
    }));
}

/** Whether a running VM can gain or lose the device live (the domain model's hotplug table, in short). */
export function defaultHotplug(d: Pick<XmlDevice, 'kind' | 'props'>): boolean {
  const p = d.props;
  switch (d.kind) {
    case 'disk':
      return ['virtio', 'scsi', 'usb'].includes(p['target.bus'] ?? '');
    case 'interface': case 'hostdev': case 'rng': case 'serial': case 'channel': case 'redirdev': case 'vsock':
      return true;
    case 'console':
      return p['target.type'] === 'virtio';
    case 'watchdog':
      return p.model === 'i6300esb';
    case 'input':
      return p.bus === 'usb' || p.bus === 'virtio';
    case 'filesystem':
      return p['driver.type'] === 'virtiofs';
    case 'controller':
      return p.type === 'scsi';
    default:
      return false;
  }
}

/**
 * The devices to list: vm.hardware's when there (its keys, specs and pending marks), each with
 * the XML's properties of the same key; else the XML's, pending ones marked by comparing the
 * running VM with its definition. Sorted by group, order within a group kept.
 */
export function deviceList(hw: VmHardware | null, shown: DomainFacts, config: DomainFacts | null): HwDevice[] {
  const fromXml = devicesFromXml(shown);
  let list: HwDevice[];
  if (hw) {
    // Devices only in the definition (added at next boot) have their properties there.
    const byKey = new Map([...(config ? devicesFromXml(config) : []), ...fromXml].map((d) => [d.key, d]));
    list = hw.devices
      .map((h) => fromHardware(h, byKey.get(h.key)))
      .filter((d) => d.group !== 'other' || SHOWN_OTHER.has(d.kind));
  } else {
    list = fromXml;
    if (config && config !== shown) {
      const diff = diffDevices(shown, config);
      const gone = new Set(diff.removed.map((d) => d.key));
      list = list.map((d) => (gone.has(d.key) ? { ...d, pending: 'removed-at-next-boot' as const } : d));
      list.push(...devicesFromXml({ ...config, devices: diff.added }).map((d) => ({ ...d, pending: 'added-at-next-boot' as const })));
    }
  }
  const rank = (g: DeviceGroup) => DEVICE_GROUPS.indexOf(g);
  return list.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d.group) - rank(b.d.group) || a.i - b.i).map((x) => x.d);
}

function fromHardware(h: HardwareDevice, x: HwDevice | undefined): HwDevice {
  const props = x?.props ?? {};
  return {
    key: h.key,
    kind: h.kind,
    group: x?.group ?? groupOf(h.kind, h.spec && 'type' in h.spec ? { type: String(h.spec.type) } : {}),
    name: x?.name ?? '',
    // The XML's plain facts read the same in every UI language; the server's summary is English.
    summary: x?.summary || h.summary,
    props,
    ...(h.spec ? { spec: h.spec } : {}),
    ...(h.bootOrder !== undefined ? { bootOrder: h.bootOrder } : x?.bootOrder !== undefined ? { bootOrder: x.bootOrder } : {}),
    ...(h.pending ? { pending: h.pending } : {}),
    hotplug: h.hotplug,
  };
}

/** The settings pages, then the devices. */
export function listEntries(devices: readonly HwDevice[]): ListEntry[] {
  return [...SETTINGS_PAGES.map((p) => ({ id: p, page: p })), ...devices.map((d) => ({ id: d.key, device: d }))];
}

/** Arrow keys, Home, End in the device list: the id to select, or null for other keys. */
export function listKeyTarget(ids: readonly string[], current: string, key: string): string | null {
  const i = Math.max(0, ids.indexOf(current));
  const last = ids.length - 1;
  const to = key === 'ArrowDown' ? Math.min(last, i + 1) : key === 'ArrowUp' ? Math.max(0, i - 1) : key === 'Home' ? 0 : key === 'End' ? last : null;
  return to === null || last < 0 ? null : (ids[to] ?? null);
}

// ---- what waits for the next boot ----

export interface DeviceDiff {
  /** In the running VM, not in the definition: gone after the next shutdown. */
  removed: XmlDevice[];
  /** In the definition, not in the running VM: there after the next start. */
  added: XmlDevice[];
}

/** Devices matched by identity (as many of each as there are on both sides). */
export function diffDevices(live: DomainFacts, config: DomainFacts): DeviceDiff {
  const left = new Map<string, number>();
  for (const d of config.devices) left.set(d.identity, (left.get(d.identity) ?? 0) + 1);
  const removed = live.devices.filter((d) => {
    const n = left.get(d.identity) ?? 0;
    if (n === 0) return true;
    left.set(d.identity, n - 1);
    return false;
  });
  const right = new Map<string, number>();
  for (const d of live.devices) right.set(d.identity, (right.get(d.identity) ?? 0) + 1);
  const added = config.devices.filter((d) => {
    const n = right.get(d.identity) ?? 0;
    if (n === 0) return true;
    right.set(d.identity, n - 1);
    return false;
  });
  return { removed, added };
}

export type PendingChange =
  | { what: 'memory' | 'maxMemory'; now?: number; next?: number }
  | { what: 'vcpus' | 'maxVcpus'; now?: number; next?: number }
  | { what: 'media'; target: string; now?: string; next?: string }
  | { what: 'cpuModel'; now: CpuChoice; next: CpuChoice }
  | { what: 'cpuTopology'; now?: CpuTopology; next?: CpuTopology }
  | { what: 'deviceAdded' | 'deviceRemoved' | 'deviceChanged'; key: string; group: DeviceGroup; name: string };

/** A CPU as the pending list names it: a mode, and the model when the mode is custom. */
export interface CpuChoice {
  mode: string;
  model?: string;
}
export type CpuTopology = NonNullable<CpuFacts['topology']>;

/**
 * What differs between the running VM's CPU and its definition's. libvirt writes a running
 * host-model CPU into the live XML as mode custom with the host's model and a <vendor>: that is
 * read as host-model again, so an unchanged host-model VM shows nothing. A definition without
 * <cpu> (the hypervisor's default) is not compared, nor a mode missing on either side.
 */
export function cpuPending(live: CpuFacts | undefined, config: CpuFacts | undefined): PendingChange[] {
  const out: PendingChange[] = [];
  if (!config) return out;
  const expanded = live?.mode === 'custom' && !!live.vendor && !(config.mode === 'custom' && config.vendor);
  const now: CpuChoice | undefined = live?.mode ? (expanded ? { mode: 'host-model' } : { mode: live.mode, ...(live.mode === 'custom' && live.model ? { model: live.model } : {}) }) : undefined;
  const next: CpuChoice | undefined = config.mode ? { mode: config.mode, ...(config.mode === 'custom' && config.model ? { model: config.model } : {}) } : undefined;
  if (now && next && (now.mode !== next.mode || now.model !== next.model)) out.push({ what: 'cpuModel', now, next });
  const topo = (t?: CpuTopology) => (t ? `${t.sockets},${t.cores},${t.threads}` : '');
  if (topo(live?.topology) !== topo(config.topology)) {
    out.push({ what: 'cpuTopology', ...(live?.topology ? { now: live.topology } : {}), ...(config.topology ? { next: config.topology } : {}) });
  }
  return out;
}

const mediaOf = (d: XmlDevice) => d.props['source.file'] ?? d.props['source.dev'];

/** The settings of a NIC or disk the editors change (what differs between live and definition once changed for the next boot). */
function settingsOf(d: XmlDevice): string | undefined {
  const p = d.props;
  if (d.kind === 'interface') return [p.type, p.type === 'network' ? p['source.network'] : p.type === 'bridge' ? p['source.bridge'] : '', p['model.type']].join('|');
  if (d.kind === 'disk' && d.diskDevice === 'disk') return [p['target.bus'], p['driver.cache'], p['driver.discard'], 'readonly' in p, 'shareable' in p, p.serial].join('|');
  return undefined;
}

/** What differs between the running VM and its definition (empty when the VM is shut off). */
export function pendingChanges(live: DomainFacts, config: DomainFacts | null): PendingChange[] {
  if (!config) return [];
  const out: PendingChange[] = [];
  const num = (what: 'memory' | 'maxMemory' | 'vcpus' | 'maxVcpus', now?: number, next?: number) => {
    if (now !== next) out.push({ what, ...(now !== undefined ? { now } : {}), ...(next !== undefined ? { next } : {}) });
  };
  num('memory', live.currentMemoryKiB, config.currentMemoryKiB);
  num('maxMemory', live.memoryKiB, config.memoryKiB);
  num('vcpus', live.vcpus, config.vcpus);
  num('maxVcpus', live.maxVcpus, config.maxVcpus);
  out.push(...cpuPending(live.cpu, config.cpu));
  const cdroms = (f: DomainFacts) => new Map(f.devices.filter((d) => d.kind === 'disk' && d.diskDevice !== 'disk').map((d) => [d.props['target.dev'] ?? d.key, mediaOf(d)]));
  const liveMedia = cdroms(live);
  for (const [target, next] of cdroms(config)) {
    if (liveMedia.has(target) && liveMedia.get(target) !== next) {
      const now = liveMedia.get(target);
      out.push({ what: 'media', target, ...(now ? { now } : {}), ...(next ? { next } : {}) });
    }
  }
  const liveByIdentity = new Map(live.devices.map((d) => [d.identity, d]));
  for (const d of config.devices) {
    const now = liveByIdentity.get(d.identity);
    const next = settingsOf(d);
    if (now && next !== undefined && settingsOf(now) !== next) out.push({ what: 'deviceChanged', key: d.key, group: groupOf(d.kind, d.props), name: nameOf(d) });
  }
  const diff = diffDevices(live, config);
  for (const d of diff.added) out.push({ what: 'deviceAdded', key: d.key, group: groupOf(d.kind, d.props), name: nameOf(d) });
  for (const d of diff.removed) out.push({ what: 'deviceRemoved', key: d.key, group: groupOf(d.kind, d.props), name: nameOf(d) });
  return out;
}

// ---- where a change applies ----

export type Where = 'live' | 'config' | 'both';

/** Settings and whether libvirt changes them in a running VM (the domain model's table). */
const LIVE_SETTINGS = { memory: true, maxMemory: false, vcpus: true, maxVcpus: false, cpu: false, boot: false, title: true, name: false, media: true, link: true } as const;
export type Setting = keyof typeof LIVE_SETTINGS;

/** Where a change will apply: a shut-off VM's changes are for its next start. */
export function whereItApplies(setting: Setting | { hotplug: boolean }, running: boolean): Where {
  if (!running) return 'config';
  const live = typeof setting === 'string' ? LIVE_SETTINGS[setting] : setting.hotplug;
  return live ? 'both' : 'config';
}

/** The live/config fields to send for a choice of "now and next boot" or "next boot only". */
export function whereInput(nextBootOnly: boolean, running: boolean): { config?: true } {
  return running && nextBootOnly ? { config: true } : {};
}

/** Where a finished change applied, for its status line. */
export function appliedKey(r: EditResult): 'hw.applied.live' | 'hw.applied.config' | 'hw.applied.both' | 'hw.applied.pending' {
  if (r.pendingUntilShutdown) return 'hw.applied.pending';
  return r.applied === 'live' ? 'hw.applied.live' : r.applied === 'both' ? 'hw.applied.both' : 'hw.applied.config';
}

// ---- field checks ----

export const MEMORY_MIN_MIB = 16;
export const MEMORY_MAX_MIB = 16 * 1024 * 1024;

/** A memory amount (MiB, GiB or with a unit) in MiB, or the problem with it. */
export function checkMemoryField(textValue: string, unit: SizeUnit, field: string): { mib: number } | FormProblem {
  if (textValue.trim() === '') return { key: 'hw.check.memoryRequired', field };
  const mib = parseMemoryMiB(textValue, unit);
  if (mib === null) return { key: 'hw.check.memoryNumber', field };
  if (mib < MEMORY_MIN_MIB) return { key: 'hw.check.memoryMin', params: { min: MEMORY_MIN_MIB }, field };
  if (mib > MEMORY_MAX_MIB) return { key: 'hw.check.memoryMax', params: { max: '16 TiB' }, field };
  return { mib };
}

/** Current and maximum memory together: the current amount cannot be more than the maximum. */
export function checkMemoryForm(current: string, max: string, unit: SizeUnit): { memoryMiB: number; maxMemoryMiB: number } | FormProblem {
  const c = checkMemoryField(current, unit, 'memory');
  if ('key' in c) return c;
  const m = checkMemoryField(max, unit, 'maxMemory');
  if ('key' in m) return m;
  if (c.mib > m.mib) return { key: 'hw.check.memoryOverMax', field: 'memory' };
  return { memoryMiB: c.mib, maxMemoryMiB: m.mib };
}

export function checkCount(textValue: string, field: string, min: number, max: number): { n: number } | FormProblem {
  const s = textValue.trim();
  if (s === '') return { key: 'hw.check.countRequired', field };
  if (!/^\d+$/.test(s)) return { key: 'hw.check.countWhole', field };
  const n = Number(s);
  if (n < min || n > max) return { key: 'hw.check.countRange', params: { min, max }, field };
  return { n };
}

export function checkVcpuForm(current: string, max: string): { vcpus: number; maxVcpus: number } | FormProblem {
  const c = checkCount(current, 'vcpus', 1, 4096);
  if ('key' in c) return c;
  const m = checkCount(max, 'maxVcpus', 1, 4096);
  if ('key' in m) return m;
  if (c.n > m.n) return { key: 'hw.check.vcpusOverMax', field: 'vcpus' };
  return { vcpus: c.n, maxVcpus: m.n };
}

export function checkTopology(sockets: string, cores: string, threads: string, maxVcpus: number): { sockets: number; cores: number; threads: number } | FormProblem {
  const s = checkCount(sockets, 'sockets', 1, 4096);
  if ('key' in s) return s;
  const c = checkCount(cores, 'cores', 1, 4096);
  if ('key' in c) return c;
  const t = checkCount(threads, 'threads', 1, 64);
  if ('key' in t) return t;
  if (s.n * c.n * t.n !== maxVcpus) return { key: 'hw.check.topology', params: { product: s.n * c.n * t.n, max: maxVcpus }, field: 'sockets' };
  return { sockets: s.n, cores: c.n, threads: t.n };
}

export const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** '' = let libvirt choose. */
export function checkMac(mac: string): FormProblem | null {
  const s = mac.trim();
  if (s === '') return null;
  if (!MAC_PATTERN.test(s)) return { key: 'hw.check.mac', field: 'mac' };
  if ((parseInt(s.slice(0, 2), 16) & 1) !== 0) return { key: 'hw.check.macMulticast', field: 'mac' };
  return null;
}

export function checkDiskSerial(serial: string): FormProblem | null {
  return serial === '' || /^[A-Za-z0-9_.+-]{1,20}$/.test(serial) ? null : { key: 'hw.check.serial', field: 'serial' };
}

export function checkBridge(name: string): FormProblem | null {
  return /^[A-Za-z0-9_.:-]{1,15}$/.test(name) ? null : { key: 'hw.check.bridge', field: 'bridge' };
}

export function checkMountTag(tag: string): FormProblem | null {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/.test(tag) ? null : { key: 'hw.check.mountTag', field: 'target' };
}

export function checkAbsolutePath(path: string, field: string): FormProblem | null {
  if (path.trim() === '') return { key: 'hw.check.pathRequired', field };
  return path.startsWith('/') ? null : { key: 'hw.check.pathAbsolute', field };
}

export function checkListen(address: string): FormProblem | null {
  const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && address.split('.').every((p) => Number(p) <= 255);
  return v4 || /^[0-9a-fA-F:]{2,39}$/.test(address) ? null : { key: 'hw.check.listen', field: 'listen' };
}

// ---- boot order ----

/** The order with the item at `index` moved by `delta` (−1 up, +1 down); unchanged at the ends. */
export function moveItem<T>(order: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (index < 0 || index >= order.length || to < 0 || to >= order.length) return [...order];
  const next = [...order];
  [next[index], next[to]] = [next[to] as T, next[index] as T];
  return next;
}

/** Bootable devices in boot order: enabled ones first (in order), then the others. */
export function bootRows(order: readonly string[], bootable: readonly { key: string; summary: string }[]): { key: string; summary: string; enabled: boolean }[] {
  const byKey = new Map(bootable.map((b) => [b.key, b]));
  const on = order.filter((k) => byKey.has(k)).map((k) => ({ ...byKey.get(k)!, enabled: true }));
  const off = bootable.filter((b) => !order.includes(b.key)).map((b) => ({ ...b, enabled: false }));
  return [...on, ...off];
}

/** Bootable devices from the device list (vm.hardware not available): disks, CD-ROMs, NICs. */
export function bootableFromDevices(devices: readonly HwDevice[]): { order: string[]; bootable: { key: string; summary: string }[] } {
  const bootable = devices.filter((d) => (d.group === 'disk' || d.group === 'cdrom' || d.group === 'interface') && d.pending !== 'added-at-next-boot');
  const order = bootable.filter((d) => d.bootOrder !== undefined).sort((a, b) => a.bootOrder! - b.bootOrder!).map((d) => d.key);
  return { order, bootable: bootable.map((d) => ({ key: d.key, summary: d.summary })) };
}

/** The next free disk target for a bus (vdb, sdb…), as the server would pick; '' when all are taken. */
export function nextDiskTarget(bus: 'virtio' | 'sata' | 'scsi', taken: readonly string[]): string {
  const prefix = bus === 'virtio' ? 'vd' : 'sd';
  for (let n = 0; n < 26; n++) {
    const t = prefix + String.fromCharCode(97 + n);
    if (!taken.includes(t)) return t;
  }
  return '';
}

/** "a, b ,c" → ['a', 'b', 'c'] (empty parts and repeats dropped). */
export function parseTags(textValue: string): string[] {
  return [...new Set(textValue.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** Problems that only say something is not chosen or entered yet: shown once the user tries to submit. */
const MISSING = new Set(['hw.check.poolRequired', 'hw.check.volumeRequired', 'hw.check.networkRequired', 'hw.check.hostdevChoose', 'hw.check.pathRequired']);

/** The problem to show now: a wrong value at once, a missing one after a submit attempt. */
export function visibleProblem(p: FormProblem | null, tried: boolean): FormProblem | null {
  return p && (tried || !MISSING.has(p.key)) ? p : null;
}

export function checkTags(textValue: string): FormProblem | null {
  const tags = parseTags(textValue);
  if (tags.length > 32) return { key: 'hw.check.tagsCount', params: { max: 32 }, field: 'tags' };
  const long = tags.find((x) => x.length > 64);
  if (long) return { key: 'hw.check.tagLong', params: { tag: long.slice(0, 20) }, field: 'tags' };
  // eslint-disable-next-line no-control-regex
  if (tags.some((x) => /[\u0000-\u001f\u007f]/.test(x))) return { key: 'hw.check.tagControl', field: 'tags' };
  return null;
}
