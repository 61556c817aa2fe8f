// Editing an existing VM (contract/vm-edit.ts) over the domain model: parse the current XML, make
// the change in the model, hand libvirt the fragment from hotplug.ts with live/config flags
// decided by the model's table and the VM's state.
import { ApiError, type EditResult } from '../../contract';
import {
  DiskDevice, DomainXmlError, InterfaceDevice, VIR_DOMAIN_AFFECT_CONFIG as CONFIG, VIR_DOMAIN_AFFECT_LIVE as LIVE, affectFlags, changeMedia,
  domainSupport, parseDomain, planAttach, planDetach, setLinkState, type ChangePlan, type Domain, type Support,
} from '../../domain';
import type { DomainRef, DomainSummary } from '../../libvirt/protocol';
import { deleteRefusal } from '../../storage/usage-scan';
import { buildVolumeXml } from '../../xml/build-storage';
import { summarizeDomainXml } from '../../xml/domain-summary';
import { readVolumeXml } from '../../xml/read-domain';
import { EMPTY_META, VIRTDESK_NS, VIRTDESK_PREFIX, buildMetadataElement, isEmptyMeta, readMetadataElement } from '../../xml/virtdesk-meta';
import { toApiError } from '../connection-manager';
import type { HandlerContext, HandlersFor } from './context';
import { errText, gibToBytes, invalid, notFound } from './helpers';

export type Api = Awaited<ReturnType<HandlerContext['conn']>>['api'];
export type Where = { live?: boolean; config?: boolean };

/** How long a live detach may take before the guest is said not to release the device. */
export const DETACH_WAIT_MS = 10_000;

export interface VmNow {
  ref: { uuid: string };
  summary: DomainSummary;
  name: string;
  running: boolean;
  persistent: boolean;
  /** The running VM's XML (the definition when shut off). */
  live: Domain;
  /** The persistent definition (the live XML for a transient VM). */
  config: Domain;
}

export async function vmNow(api: Api, vm: DomainRef): Promise<VmNow> {
  const summary = await api.lookupDomain(vm);
  const ref = { uuid: summary.uuid };
  const running = summary.id !== -1;
  const live = parseDomain(await api.domainXml(ref));
  const config = running && summary.persistent ? parseDomain(await api.domainXml(ref, { inactive: true })) : live;
  return { ref, summary, name: summary.name, running, persistent: summary.persistent, live, config };
}

/** virsh's --live/--config over the model's answer; neither given: affectFlags (live and config where libvirt can). */
export function flagsFor(plan: Support & { what: string }, s: VmNow, want: Where): number {
  if (want.live === undefined && want.config === undefined) return affectFlags(plan, s);
  let flags = 0;
  if (want.live) {
    if (!s.running) throw invalid('live', `Cannot ${plan.what} live: VM '${s.name}' is not running. Leave out live (--live) to change its definition.`);
    if (!plan.live) throw invalid('live', `Cannot ${plan.what} live (${plan.note}). Use config (--config) to change it for the next boot.`);
    flags |= LIVE;
  }
  if (want.config) {
    if (!s.persistent) throw invalid('config', `Cannot ${plan.what} in the definition: VM '${s.name}' is transient. Make it persistent first.`);
    flags |= CONFIG;
  }
  if (!flags) throw invalid('live', 'live and config are both false: nothing would change. Give live, config, or neither.');
  return flags;
}

export function resultOf(flags: number, s: VmNow): EditResult {
  return { applied: (flags & LIVE) && (flags & CONFIG) ? 'both' : flags & LIVE ? 'live' : 'config', pendingUntilShutdown: s.running && !(flags & LIVE) && (flags & CONFIG) !== 0 };
}

/** Results of several calls of one edit together. */
function mergeResults(parts: EditResult[]): EditResult {
  const live = parts.some((p) => p.applied !== 'config');
  const config = parts.some((p) => p.applied !== 'live');
  return { applied: live && config ? 'both' : live ? 'live' : 'config', pendingUntilShutdown: parts.some((p) => p.pendingUntilShutdown) };
}

/** The model's refusals (DomainXmlError) are bad input. */
async function modelErrors<T>(field: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainXmlError) throw invalid(field, e.message);
    throw e;
  }
}

/** Waits until the device is gone from the live XML; else says the guest kept it. */
export async function awaitRelease(api: Api, s: VmNow, key: string, what: string): Promise<void> {
  const until = Date.now() + DETACH_WAIT_MS;
  for (;;) {
    if (!parseDomain(await api.domainXml(s.ref)).device(key)) return;
    if (Date.now() > until) {
      const seconds = DETACH_WAIT_MS / 1000;
      throw new ApiError('LIBVIRT', s.persistent
        ? `the guest did not release the ${what} within ${seconds} s: it may lack ACPI hot-unplug support; the ${what} is removed at next shutdown`
        : `the guest did not release the ${what} within ${seconds} s: it may lack ACPI hot-unplug support; the ${what} stays until the VM stops`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Detach flags: the model's (or the user's) flags, limited to the sides that have the device. */
export function detachFlags(plan: ChangePlan, s: VmNow, key: string, want: Where): number {
  const has = (s.running && s.live.device(key) ? LIVE : 0) | (s.persistent && s.config.device(key) ? CONFIG : 0);
  const flags = flagsFor(plan, s, want) & has;
  const device = key.replace(':', ' ');
  if (!flags) throw invalid(want.live ? 'live' : 'config', want.live ? `VM '${s.name}' has no ${device} while running: nothing to remove there.` : `VM '${s.name}' has no ${device} in its definition: nothing to remove there.`);
  return flags;
}

/** Disks a VM starts from: those with a boot order, else (no direct kernel) those of the <os><boot> kinds. */
function bootDisks(d: Domain): DiskDevice[] {
  const disks = d.devicesOf('disk').filter((x): x is DiskDevice => x instanceof DiskDevice);
  if (d.devices().some((x) => x.bootOrder !== undefined)) return disks.filter((x) => x.bootOrder !== undefined);
  if (d.os.kernel) return [];
  const kinds = d.os.bootDevices.length ? d.os.bootDevices : ['hd'];
  const byKind: Record<string, string> = { disk: 'hd', cdrom: 'cdrom', floppy: 'fd' };
  return disks.filter((x) => kinds.includes(byKind[x.device] ?? ''));
}

export const TARGET_PREFIX: Record<string, string> = { virtio: 'vd', sata: 'sd', scsi: 'sd' };

export function targetsOf(s: VmNow): Set<string> {
  const all = [...s.live.devicesOf('disk'), ...s.config.devicesOf('disk')];
  return new Set(all.map((d) => (d as DiskDevice).targetDev).filter((t): t is string => !!t));
}

export function nextTarget(prefix: string, taken: Set<string>): string {
  for (let n = 0; n < 26 * 27; n++) {
    const name = n < 26 ? String.fromCharCode(97 + n) : String.fromCharCode(96 + Math.floor(n / 26)) + String.fromCharCode(97 + (n % 26));
    if (!taken.has(prefix + name)) return prefix + name;
  }
  throw invalid('target', `no free ${prefix}* disk name left`);
}

function randomMac(taken: Set<string>): string {
  for (;;) {
    const bytes = Array.from({ length: 3 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0'));
    const mac = `52:54:00:${bytes.join(':')}`;
    if (!taken.has(mac)) return mac;
  }
}

export function macsOf(s: VmNow): Set<string> {
  return new Set([...s.live.devicesOf('interface'), ...s.config.devicesOf('interface')].map((n) => (n as InterfaceDevice).mac?.toLowerCase()).filter((m): m is string => !!m));
}

/** The pool volume at a path (safe delete needs its pool and name), or null. */
export async function volumeAt(api: Api, path: string): Promise<{ pool: string; name: string; path: string } | null> {
  for (const p of await api.listPools()) {
    if (!p.active) continue;
    const v = (await api.listVolumes(p.name).catch(() => [])).find((x) => x.path === path);
    if (v) return { pool: p.name, name: v.name, path };
  }
  return null;
}

export type Edit = <T>(i: { connection?: string; vm: DomainRef }, field: string, fn: (api: Api, s: VmNow) => Promise<T>) => Promise<T>;

/** Runs an edit in the connection's queue with the VM as it is now. */
export function editor(ctx: HandlerContext): Edit {
  return async (i, field, fn) => {
    const { uri, api } = await ctx.conn(i.connection);
    return ctx.locked(uri, () => modelErrors(field, async () => fn(api, await vmNow(api, i.vm))));
  };
}

export function vmEditHandlers(ctx: HandlerContext) {
  const edit = editor(ctx);
  return { ...settingsHandlers(edit), ...diskHandlers(ctx, edit), ...nicHandlers(edit), ...definitionHandlers(edit) };
}

function settingsHandlers(edit: Edit): HandlersFor<'vm.setMemory' | 'vm.setVcpus' | 'vm.setGeneral' | 'vm.rename' | 'vm.setTags'> {
  return {
    'vm.setMemory': (i) => edit(i, 'memoryMiB', async (api, s) => {
      const maxKiB = i.maxMemoryMiB !== undefined ? i.maxMemoryMiB * 1024 : undefined;
      const curKiB = i.memoryMiB !== undefined ? i.memoryMiB * 1024 : undefined;
      const limit = maxKiB ?? s.config.memoryKiB ?? 0;
      if (curKiB !== undefined && curKiB > limit) {
        throw invalid('memoryMiB', `memoryMiB ${i.memoryMiB} is more than the maximum memory of VM '${s.name}' (${limit / 1024} MiB): raise maxMemoryMiB too. Nothing was changed.`);
      }
      const parts: EditResult[] = [];
      if (maxKiB !== undefined) {
        const flags = flagsFor({ ...domainSupport('memory-max'), what: 'change the maximum memory' }, s, i);
        await api.setDomainMemory(s.ref, maxKiB, { flags, maximum: true });
        parts.push(resultOf(flags, s));
      }
      if (curKiB !== undefined) {
        let flags = flagsFor({ ...domainSupport('memory-current'), what: 'change the memory' }, s, i);
        // More than the running VM's maximum: only its next boot can have it (unless live was asked for).
        if (flags & LIVE && curKiB > (s.live.memoryKiB ?? 0)) {
          if (i.live) throw invalid('memoryMiB', `memoryMiB ${i.memoryMiB} is more than the running VM's maximum (${(s.live.memoryKiB ?? 0) / 1024} MiB): set it for the next boot (config) instead.`);
          flags &= ~LIVE;
        }
        if (flags) await api.setDomainMemory(s.ref, curKiB, { flags });
        parts.push(resultOf(flags, s));
      }
      return mergeResults(parts);
    }),

    'vm.setVcpus': (i) => edit(i, 'vcpus', async (api, s) => {
      const limit = i.maxVcpus ?? s.config.maxVcpus ?? 1;
      if (i.vcpus !== undefined && i.vcpus > limit) throw invalid('vcpus', `vcpus ${i.vcpus} is more than the vCPU maximum of VM '${s.name}' (${limit}): raise maxVcpus too. Nothing was changed.`);
      const parts: EditResult[] = [];
      const setMax = async () => {
        const flags = flagsFor({ ...domainSupport('vcpu-max'), what: 'change the vCPU maximum' }, s, i);
        await api.setDomainVcpus(s.ref, i.maxVcpus!, { flags, maximum: true });
        parts.push(resultOf(flags, s));
      };
      const setCurrent = async () => {
        let flags = flagsFor({ ...domainSupport('vcpu-current'), what: 'change the vCPUs' }, s, i);
        if (flags & LIVE && i.vcpus! > (s.live.maxVcpus ?? 1)) {
          if (i.live) throw invalid('vcpus', `vcpus ${i.vcpus} is more than the running VM's vCPU maximum (${s.live.maxVcpus}): set it for the next boot (config) instead.`);
          flags &= ~LIVE;
        }
        if (flags) await api.setDomainVcpus(s.ref, i.vcpus!, { flags });
        parts.push(resultOf(flags, s));
      };
      // A lower maximum after the count, a higher one before it: libvirt never sees count > maximum.
      const lowering = i.maxVcpus !== undefined && i.maxVcpus < (s.config.vcpus ?? 1);
      if (i.maxVcpus !== undefined && !lowering) await setMax();
      if (i.vcpus !== undefined) await setCurrent();
      if (lowering) await setMax();
      return mergeResults(parts);
    }),

    'vm.setGeneral': (i) => edit(i, 'title', async (api, s) => {
      const where = { live: s.running, config: s.persistent };
      if (i.autostart !== undefined && !s.persistent) throw invalid('autostart', `VM '${s.name}' is transient: only a defined VM can start with the host. Nothing was changed.`);
      if (i.title !== undefined) await api.setDomainMetadata(s.ref, { type: 'title', value: i.title || null, ...where });
      if (i.description !== undefined) await api.setDomainMetadata(s.ref, { type: 'description', value: i.description || null, ...where });
      if (i.autostart !== undefined) await api.setDomainAutostart(s.ref, i.autostart);
      return { applied: s.running && (i.title !== undefined || i.description !== undefined) ? (s.persistent ? 'both' : 'live') : 'config', pendingUntilShutdown: false };
    }),

    'vm.rename': (i) => edit(i, 'name', async (api, s) => {
      if (s.running) throw invalid('vm', `VM '${s.name}' is running: a VM can be renamed only while it is shut off. Shut it down first; nothing was changed.`);
      if (i.name === s.name) throw invalid('name', `VM '${s.name}' already has that name.`);
      if ((await api.listDomains()).some((d) => d.name === i.name)) throw invalid('name', `a VM named '${i.name}' already exists: choose another name.`);
      await api.renameDomain(s.ref, i.name);
      return { applied: 'config', pendingUntilShutdown: false };
    }),

    'vm.setTags': (i) => edit(i, 'tags', async (api, s) => {
      const current = readMetadataElement(await api.domainMetadata(s.ref, { type: 'element', uri: VIRTDESK_NS, inactive: s.persistent }));
      const next = { ...(current ?? EMPTY_META), tags: [...new Set(i.tags)] };
      const value = isEmptyMeta(next) ? null : buildMetadataElement(next);
      await api.setDomainMetadata(s.ref, { type: 'element', value, key: VIRTDESK_PREFIX, uri: VIRTDESK_NS, live: s.running, config: s.persistent });
      summarizeDomainXml(await api.domainXml(s.ref)); // refreshes the tags vm.list shows
      return { applied: s.running ? (s.persistent ? 'both' : 'live') : 'config', pendingUntilShutdown: false };
    }),
  };
}

function diskHandlers(ctx: HandlerContext, edit: Edit): HandlersFor<'vm.attachDisk' | 'vm.detachDisk' | 'vm.changeMedia'> {
  return {
    'vm.attachDisk': (i) => edit(i, 'source', async (api, s) => {
      const prefix = TARGET_PREFIX[i.bus];
      const taken = targetsOf(s);
      if (i.target && !i.target.startsWith(prefix)) throw invalid('target', `a ${i.bus} disk's target starts with '${prefix}' (e.g. ${prefix}b), not '${i.target}'`);
      if (i.target && taken.has(i.target)) throw invalid('target', `VM '${s.name}' already has a disk ${i.target}: choose another target or leave it out. Nothing was changed.`);
      const target = i.target ?? nextTarget(prefix, taken);
      let path: string;
      let format: string;
      let created: { pool: string; name: string; path: string } | undefined;
      const newVolume = 'newVolume' in i.source ? i.source.newVolume : null;
      if ('pool' in i.source) {
        const { pool, volume } = i.source;
        const v = (await api.listVolumes(pool).catch((e) => { throw notFound('source.pool', `storage pool '${pool}': ${errText(e)}`); })).find((x) => x.name === volume);
        if (!v) throw notFound('source.volume', `storage pool '${pool}' has no volume '${volume}'`);
        path = v.path;
        format = readVolumeXml(await api.volumeXml(pool, volume)).format ?? 'raw';
      } else if ('path' in i.source) {
        path = i.source.path;
        format = i.source.format ?? (/\.qcow2$/i.test(path) ? 'qcow2' : 'raw');
      } else {
        path = '';
        format = newVolume!.format;
      }
      const inUse = [...s.live.devicesOf('disk'), ...s.config.devicesOf('disk')].find((d) => path && (d as DiskDevice).source === path) as DiskDevice | undefined;
      if (inUse) throw invalid('source', `${path} is already attached to VM '${s.name}' as ${inUse.targetDev}. Nothing was changed.`);
      const build = (p: string) => {
        const dom = parseDomain(s.config.toXml());
        const disk = dom.newDevice('disk') as DiskDevice;
        disk.type = p.startsWith('/dev/') ? 'block' : 'file';
        disk.device = 'disk';
        dom.addDevice(disk);
        disk.driverName = 'qemu';
        disk.format = format;
        if (i.cache) disk.cache = i.cache;
        disk.setSourcePath(p);
        disk.targetDev = target;
        disk.bus = i.bus;
        if (i.readonly) disk.readonly = true;
        if (i.discard) disk.discard = i.discard;
        if (i.shareable) disk.shareable = true;
        if (i.serial) disk.serial = i.serial;
        return planAttach(dom, disk);
      };
      const flags = flagsFor(build('/placeholder'), s, i);
      if (newVolume) {
        const name = `${s.name}-${target}.${newVolume.format}`;
        const pools = await api.listPools();
        if (!pools.some((p) => p.name === newVolume.pool && p.active)) throw notFound('source.newVolume.pool', `no active storage pool named '${newVolume.pool}'`);
        if ((await api.listVolumes(newVolume.pool)).some((v) => v.name === name)) throw invalid('source.newVolume', `storage pool '${newVolume.pool}' already has a volume '${name}': attach it with {pool, volume} or choose another target.`);
        const v = await api.createVolume(newVolume.pool, buildVolumeXml({ name, capacityBytes: gibToBytes(newVolume.sizeGiB), format: newVolume.format }));
        created = { pool: newVolume.pool, name: v.name, path: v.path };
        path = v.path;
      }
      try {
        await api.attachDevice(s.ref, build(path).fragment!, flags);
      } catch (e) {
        if (created) await api.deleteVolume(created.pool, created.name).catch(() => undefined);
        throw e;
      }
      return { ...resultOf(flags, s), target, path, ...(created ? { createdVolume: created } : {}) };
    }),

    'vm.detachDisk': (i) => edit(i, 'target', async (api, s) => {
      const key = `disk:${i.target}`;
      const disk = (s.config.device(key) ?? s.live.device(key)) as DiskDevice | undefined;
      if (!disk) throw notFound('target', `VM '${s.name}' has no disk ${i.target}.`);
      if (s.running && bootDisks(s.config).map((d) => d.targetDev).join() === i.target) {
        throw invalid('target', `${i.target} is the last boot disk of running VM '${s.name}': it could not start again without it. Shut the VM down first, or give another disk a boot order. Nothing was changed.`);
      }
      let volume: { pool: string; name: string; path: string } | null = null;
      if (i.deleteVolume) {
        const p = disk.sourceFile ?? disk.sourceDev;
        volume = p ? await volumeAt(api, p) : null;
        if (!volume) throw invalid('deleteVolume', `${p ?? 'the disk'} is not a volume of a storage pool: Virtdesk deletes only pool volumes. Nothing was changed.`);
        if (disk.readonly || disk.device !== 'disk') throw invalid('deleteVolume', `${i.target} is a read-only disk or CD-ROM: its image is not deleted. Nothing was changed.`);
        const why = deleteRefusal(await ctx.usageOf((await ctx.conn(i.connection)).uri, api), volume.path, s.summary.uuid);
        if (why) throw invalid('deleteVolume', `${volume.path} cannot be deleted: ${why}. Nothing was changed.`);
      }
      const from = s.config.device(key) ? s.config : s.live;
      const plan = planDetach(parseDomain(from.toXml()), key);
      const flags = detachFlags(plan, s, key, i);
      await api.detachDevice(s.ref, plan.fragment!, flags);
      if (flags & LIVE) await awaitRelease(api, s, key, 'disk');
      if (volume) await api.deleteVolume(volume.pool, volume.name);
      return { ...resultOf(flags, s), ...(volume ? { deletedVolume: volume } : {}) };
    }),

    'vm.changeMedia': (i) => edit(i, 'target', async (api, s) => {
      const key = `disk:${i.target}`;
      const dom = parseDomain((s.running ? s.live : s.config).toXml());
      if (!dom.device(key)) throw notFound('target', `VM '${s.name}' has no drive ${i.target}.`);
      const plan = changeMedia(dom, key, i.path);
      const flags = affectFlags(plan, s);
      await api.updateDevice(s.ref, plan.fragment!, flags);
      return resultOf(flags, s);
    }),
  };
}

function nicHandlers(edit: Edit): HandlersFor<'vm.attachNic' | 'vm.detachNic' | 'vm.setLinkState'> {
  return {
    'vm.attachNic': (i) => edit(i, 'source', async (api, s) => {
      const taken = macsOf(s);
      const mac = i.mac?.toLowerCase() ?? randomMac(taken);
      if (taken.has(mac)) throw invalid('mac', `VM '${s.name}' already has a network interface with MAC ${mac}. Nothing was changed.`);
      if (i.source.type === 'network') {
        const net = i.source.network;
        if (!(await api.listNetworks()).some((n) => n.name === net)) throw notFound('source.network', `no virtual network named '${net}'`);
      }
      const dom = parseDomain(s.config.toXml());
      const nic = dom.newDevice('interface') as InterfaceDevice;
      nic.type = i.source.type;
      dom.addDevice(nic);
      nic.mac = mac;
      if (i.source.type === 'network') nic.sourceNetwork = i.source.network;
      if (i.source.type === 'bridge') nic.sourceBridge = i.source.bridge;
      nic.model = i.model;
      const plan = planAttach(dom, nic);
      const flags = flagsFor(plan, s, i);
      await api.attachDevice(s.ref, plan.fragment!, flags);
      return { ...resultOf(flags, s), mac };
    }),

    'vm.detachNic': (i) => edit(i, 'mac', async (api, s) => {
      const key = `interface:${i.mac.toLowerCase()}`;
      const from = s.config.device(key) ? s.config : s.live;
      if (!from.device(key)) throw notFound('mac', `VM '${s.name}' has no network interface with MAC ${i.mac}.`);
      const plan = planDetach(parseDomain(from.toXml()), key);
      const flags = detachFlags(plan, s, key, i);
      await api.detachDevice(s.ref, plan.fragment!, flags);
      if (flags & LIVE) await awaitRelease(api, s, key, 'network interface');
      return resultOf(flags, s);
    }),

    'vm.setLinkState': (i) => edit(i, 'mac', async (api, s) => {
      const key = `interface:${i.mac.toLowerCase()}`;
      const dom = parseDomain((s.running ? s.live : s.config).toXml());
      if (!dom.device(key)) throw notFound('mac', `VM '${s.name}' has no network interface with MAC ${i.mac}.`);
      const plan = setLinkState(dom, key, i.up ? 'up' : 'down');
      const flags = affectFlags(plan, s);
      await api.updateDevice(s.ref, plan.fragment!, flags);
      return resultOf(flags, s);
    }),
  };
}

function definitionHandlers(edit: Edit): HandlersFor<'vm.defineXml' | 'vm.restore'> {
  return {
    'vm.defineXml': (i) => edit(i, 'xml', async (api, s) => {
      let d: Domain;
      try {
        d = parseDomain(i.xml);
      } catch (e) {
        throw invalid('xml', `The XML is not a domain definition: ${errText(e)} Fix it and try again; nothing was changed.`);
      }
      if (d.name !== s.name) throw invalid('xml', `The XML names the VM '${d.name ?? ''}', not '${s.name}': rename a VM with vm.rename. Nothing was changed.`);
      if (d.uuid && d.uuid.toLowerCase() !== s.summary.uuid) throw invalid('xml', `The XML has the UUID ${d.uuid}, not ${s.summary.uuid} of VM '${s.name}': keep the VM's UUID. Nothing was changed.`);
      if (!d.uuid) d.uuid = s.summary.uuid;
      try {
        await api.defineDomain(d.toXml());
      } catch (e) {
        const err = toApiError(e);
        throw new ApiError(err.code, `libvirt refused the XML of VM '${s.name}' (nothing was changed): ${err.message}`, 'xml', err.libvirtCode);
      }
      return { applied: 'config', pendingUntilShutdown: s.running };
    }),

    'vm.restore': (i) => edit(i, 'vm', async (api, s) => {
      if (s.running) throw invalid('vm', `VM '${s.name}' is already running: there is nothing to restore.`);
      if (!s.summary.hasManagedSave) throw invalid('vm', `VM '${s.name}' has no saved state to restore: start it instead (vm.start).`);
      await api.startDomain(s.ref);
    }),
  };
}
