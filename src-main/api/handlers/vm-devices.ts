// Handlers of contract/vm-devices.ts over the domain model: CPU and boot settings (a new
// definition), devices by typed spec (the hotplug table decides device API or define, live or
// next boot), disk growth, and the host's passthrough devices.
import fs from 'node:fs/promises';
import { ApiError, HOSTDEV_MESSAGES, deviceSpec, matchMessage, message, type AddDeviceResult, type DeviceChangeResult, type DeviceSpec, type EditResult, type HardwareDevice, type NodeDevicesResult, type ServerMessageKey, type UpdateDiskResult, type UpdateNicResult, type VmHardware } from '../../contract';
import {
  ChannelDevice, DiskDevice, DomainXmlError, GraphicsDevice, VIR_DOMAIN_AFFECT_CONFIG as CONFIG, VIR_DOMAIN_AFFECT_LIVE as LIVE, affectFlags,
  BOOT_KINDS, bootOrderKeys, buildDevice, counterpart, describeDevice, describeDeviceText, deviceIdentity, deviceSupport, editDisk, hasBootSource, InterfaceDevice, nicUpdateKind, parseDomain, setNicSource,
  parseDomainCapabilities, planAttach, planDetach, planDomainChange, planUpdate, readSpec, replaceDevice, setBootMenu, setBootOrder,
  setCpu, setDirectKernel, type ChangePlan, type CpuOffer, type Device, type Domain, type DomainCapabilities,
} from '../../domain';
import { hostdevTarget, scanNodeDevices } from '../../host/node-devices';
import { summarizeDomainXml } from '../../xml/domain-summary';
import { toApiError } from '../connection-manager';
import type { HandlerContext, HandlersFor } from './context';
import { errText, gibToBytes, inPath, invalid, isLocalConnection, notFound } from './helpers';
import { awaitRelease, editor, flagsFor, macsOf, nextTarget, resultOf, TARGET_PREFIX, targetsOf, volumeAt, type Api, type Edit, type VmNow, type Where } from './vm-edit';

type M = 'vm.hardware' | 'vm.setCpu' | 'vm.setBoot' | 'vm.addDevice' | 'vm.updateDevice' | 'vm.removeDevice' | 'vm.resizeDisk' | 'vm.updateNic' | 'vm.updateDisk' | 'host.nodeDevices';

/** Where QEMU packages put virtiofsd (not in PATH on Debian/Ubuntu). */
const VIRTIOFSD_PATHS = ['/usr/libexec/virtiofsd', '/usr/lib/qemu/virtiofsd', '/usr/lib/virtiofsd'];

export function vmDeviceHandlers(ctx: HandlerContext): HandlersFor<M> {
  const edit = editor(ctx);
  return { ...hardwareHandlers(ctx), ...cpuBootHandlers(edit), ...deviceHandlers(ctx, edit), ...resizeHandlers(edit), ...nicDiskHandlers(edit) };
}

function libvirtRefused(what: string, s: VmNow, e: unknown, field: string): ApiError {
  const err = toApiError(e);
  return new ApiError(err.code, `libvirt refused the change to VM '${s.name}' (${what}; nothing was changed): ${err.message}`, field, err.libvirtCode);
}

/** The persistent definition with secrets (VNC passwords), to be changed and defined again. */
async function definition(api: Api, s: VmNow): Promise<Domain> {
  return parseDomain(await api.domainXml(s.ref, { inactive: s.persistent, secure: true }));
}

/** Applies `change` to the persistent definition (or to `d`, already changed) and defines it. */
async function defineConfig(api: Api, s: VmNow, field: string, change: (d: Domain) => ChangePlan, d?: Domain): Promise<EditResult> {
  d ??= await definition(api, s);
  const plan = change(d);
  affectFlags(plan, s); // refuses transient VMs
  try {
    await api.defineDomain(d.toXml());
  } catch (e) {
    throw libvirtRefused(plan.what, s, e, field);
  }
  return { applied: 'config', pendingUntilShutdown: s.running };
}

async function domainCaps(api: Api, d: Domain): Promise<DomainCapabilities | null> {
  try {
    return parseDomainCapabilities(await api.domainCapabilities({ emulator: d.emulator, arch: d.os.arch, machine: d.os.machine, virttype: d.type }));
  } catch {
    return null;
  }
}

const OUR_MODES = ['host-passthrough', 'host-model', 'custom'];
function cpuModels(caps: DomainCapabilities | null): { name: string; usable: boolean }[] {
  const custom = caps?.cpuModes.find((m) => m.name === 'custom');
  const models = (custom?.models ?? []).map((m) => ({ name: m.name, usable: m.usable !== 'no' }));
  return [...models.filter((m) => m.usable), ...models.filter((m) => !m.usable)];
}

/** The device `key` names: on the running VM and its counterpart in the definition, or in the definition only. */
function resolve(s: VmNow, key: string): { live?: { key: string; dev: Device }; config?: { key: string; dev: Device } } {
  const entry = (d: Domain, dev: Device | undefined) => (dev ? { key: d.keyOf(dev), dev } : undefined);
  if (s.running) {
    const live = s.live.device(key);
    if (live) return { live: entry(s.live, live), config: s.persistent ? entry(s.config, counterpart(s.live, key, s.config)) : undefined };
  }
  return { config: entry(s.config, s.config.device(key)) };
}

function summaryText(d: Device): { summaryText?: ReturnType<typeof describeDeviceText> } {
  const text = describeDeviceText(d);
  return text ? { summaryText: text } : {};
}

function hardwareHandlers(ctx: HandlerContext): HandlersFor<'vm.hardware' | 'host.nodeDevices'> {
  return {
    'vm.hardware': async (i) => {
      const { api } = await ctx.conn(i.connection);
      const summary = await api.lookupDomain(i.vm);
      const running = summary.id !== -1;
      const shown = parseDomain(await api.domainXml({ uuid: summary.uuid }));
      const config = running && summary.persistent ? parseDomain(await api.domainXml({ uuid: summary.uuid }, { inactive: true })) : shown;
      const caps = await domainCaps(api, config);
      const item = (key: string, dev: Device, pending?: HardwareDevice['pending']): HardwareDevice => {
        const spec = deviceSpec.safeParse(readSpec(dev));
        return {
          key, kind: dev.kind, summary: describeDevice(dev), ...summaryText(dev), hotplug: deviceSupport('detach', dev).live,
          ...(spec.success ? { spec: spec.data } : {}), ...(dev.bootOrder !== undefined ? { bootOrder: dev.bootOrder } : {}), ...(pending ? { pending } : {}),
        };
      };
      const devices = shown.deviceEntries().map((e) => item(e.key, e.device, running && summary.persistent && !counterpart(shown, e.key, config) ? 'removed-at-next-boot' : undefined));
      if (running && summary.persistent) {
        for (const e of config.deviceEntries()) if (!counterpart(config, e.key, shown)) devices.push(item(e.key, e.device, 'added-at-next-boot'));
      }
      const topo = config.cpu.topology;
      const kernel = config.os.kernel;
      const hw: VmHardware = {
        running,
        cpu: {
          ...(config.cpu.mode ? { mode: config.cpu.mode } : {}), ...(config.cpu.model ? { model: config.cpu.model } : {}),
          ...(topo?.sockets && topo.cores && topo.threads ? { topology: { sockets: topo.sockets, cores: topo.cores, threads: topo.threads } } : {}),
          vcpus: config.vcpus ?? 1, maxVcpus: config.maxVcpus ?? 1,
          modes: (caps?.supportedCpuModes ?? []).filter((m) => OUR_MODES.includes(m)), models: cpuModels(caps),
        },
        boot: {
          firmware: summarizeDomainXml(config.toXml()).firmware,
          order: bootOrderKeys(config),
          bootable: config.deviceEntries().filter((e) => BOOT_KINDS.includes(e.device.kind)).map((e) => ({ key: e.key, summary: describeDevice(e.device), ...summaryText(e.device) })),
          menu: config.os.bootMenu === true,
          ...(kernel ? { kernel: { kernel, ...(config.os.initrd ? { initrd: config.os.initrd } : {}), ...(config.os.cmdline ? { cmdline: config.os.cmdline } : {}) } } : {}),
        },
        devices,
      };
      return hw;
    },

    'host.nodeDevices': async (i) => {
      const { uri, api } = await ctx.conn(i.connection);
      return withMessageKeys((await nodeDeviceScan(api, uri, i.type ? [i.type] : ['usb', 'pci'])).result);
    },
  };
}

const HOSTDEV_KEYS = Object.keys(HOSTDEV_MESSAGES) as ServerMessageKey[];
const IOMMU_OFF_NOTE = HOSTDEV_MESSAGES['hostdev.iommuOffNote'];

/** The node devices' notes with their message keys (the UI shows them in its language). */
function withMessageKeys(r: NodeDevicesResult): NodeDevicesResult {
  const devices = r.devices.map((d) => {
    const text = d.warning ? matchMessage(d.warning, HOSTDEV_KEYS) : undefined;
    return text ? { ...d, warningText: text } : d;
  });
  const noteText = r.iommu.note ? matchMessage(r.iommu.note, HOSTDEV_KEYS) : undefined;
  return { devices, iommu: { ...r.iommu, ...(noteText ? { noteText } : {}) } };
}

/** A refusal of hostdevTarget as an error; the IOMMU one (no template of its own: its text is a note's) with its key. */
function hostdevRefusal(r: { refusal: string; notFound?: true }): ApiError {
  if (r.refusal === `${IOMMU_OFF_NOTE} Nothing was changed.`) {
    return new ApiError('INVALID_INPUT', r.refusal, 'device.source', undefined, message('hostdev.iommuOffRefusal', { note: message('hostdev.iommuOffNote') }));
  }
  return (r.notFound ? notFound : invalid)('device.source', r.refusal);
}

async function nodeDeviceScan(api: Api, uri: string, types: ('usb' | 'pci')[]) {
  const records = await api.listNodeDevices({ types });
  const domains = (await api.allDomainXml()).flatMap((r) => [{ name: r.name, xml: r.xml, running: r.active }, ...(r.inactiveXml ? [{ name: r.name, xml: r.inactiveXml }] : [])]);
  let groups: boolean | undefined;
  if (isLocalConnection(uri)) groups = (await fs.readdir('/sys/kernel/iommu_groups').catch(() => [])).length > 0;
  return scanNodeDevices(records, domains, groups);
}

function cpuBootHandlers(edit: Edit): HandlersFor<'vm.setCpu' | 'vm.setBoot'> {
  return {
    'vm.setCpu': (i) => edit(i, i.mode !== undefined ? 'mode' : 'topology', async (api, s) => {
      const caps = await domainCaps(api, s.config);
      const offer: CpuOffer | undefined = caps ? { modes: caps.supportedCpuModes, models: cpuModels(caps).filter((m) => m.usable).map((m) => m.name) } : undefined;
      if (i.model && caps && offer && !offer.models.includes(i.model) && cpuModels(caps).some((m) => m.name === i.model)) {
        throw invalid('model', `CPU model '${i.model}' is known to QEMU but not usable on this host (this host's CPU or the emulator lacks features it needs): choose a usable model. Nothing was changed.`);
      }
      return defineConfig(api, s, 'mode', (d) => setCpu(d, { mode: i.mode, model: i.model, topology: i.topology }, offer));
    }),

    'vm.setBoot': (i) => edit(i, 'order', async (api, s) => {
      const firmware = summarizeDomainXml(s.config.toXml()).firmware;
      if (i.firmware && i.firmware !== firmware) {
        const isUefi = firmware === 'uefi';
        throw invalid('firmware', isUefi
          ? `VM '${s.name}' has UEFI firmware; switching it to BIOS is refused: an installed system boots the way it was installed (an EFI system partition and NVRAM boot entries), so it would no longer start. Create a new VM with BIOS firmware and install it there. Nothing was changed.`
          : `VM '${s.name}' has BIOS firmware; switching it to UEFI is refused: an installed system boots the way it was installed (a boot loader in the MBR), so it would no longer start. Create a new VM with UEFI firmware and install it there. Nothing was changed.`);
      }
      if (i.order === undefined && i.menu === undefined && i.kernel === undefined) return { applied: 'config', pendingUntilShutdown: false };
      if (i.kernel && isLocalConnection((await api.connectionInfo()).uri)) {
        for (const [field, p, isKernel] of [['kernel.kernel', i.kernel.kernel, true], ['kernel.initrd', i.kernel.initrd, false]] as const) {
          if (p && !(await fs.stat(p).then((st) => st.isFile(), () => false))) {
            throw invalid(field, isKernel ? `${p} is not a file on this host: give the path of the kernel image. Nothing was changed.` : `${p} is not a file on this host: give the path of the initrd image. Nothing was changed.`);
          }
        }
      }
      return defineConfig(api, s, 'order', (d) => {
        let plan = planDomainChange('boot-order');
        if (i.order) plan = setBootOrder(d, i.order);
        if (i.menu !== undefined) plan = setBootMenu(d, i.menu);
        if (i.kernel !== undefined) plan = setDirectKernel(d, i.kernel);
        if (s.running && (!hasBootSource(d) || (i.order?.length === 0 && !d.os.kernel))) {
          throw new DomainXmlError(`This would leave running VM '${s.name}' without a boot device (no disk, CD-ROM or network interface in the boot order and no kernel): it could not start again. Keep at least one, or shut the VM down first. Nothing was changed.`);
        }
        return plan;
      });
    }),
  };
}

/** Refuses specs the VM cannot take, before anything changes: duplicates, missing host support, bad host devices. */
async function checkAddable(ctx: HandlerContext, api: Api, s: VmNow, spec: DeviceSpec, except?: { live?: string; config?: string }): Promise<void> {
  const others = (kind: string) =>
    [s.running ? { d: s.live, skip: except?.live } : null, { d: s.config, skip: except?.config }]
      .filter((x): x is { d: Domain; skip: string | undefined } => !!x)
      .flatMap(({ d, skip }) => d.deviceEntries().filter((e) => e.device.kind === kind && e.key !== skip).map((e) => ({ key: e.key, dev: e.device })));
  const dup = (what: string, key: string) => invalid('device', `VM '${s.name}' already has ${what} (${key}): change it with vm.updateDevice or remove it first. Nothing was changed.`);
  const caps = () => domainCaps(api, s.config);
  const same = (kind: string, ok: (d: Device) => boolean) => others(kind).find((x) => ok(x.dev));
  let hit: { key: string } | undefined;
  switch (spec.kind) {
    case 'graphics':
      if ((hit = same('graphics', (d) => (d as GraphicsDevice).type === spec.type))) throw dup(`a ${spec.type.toUpperCase()} display`, hit.key);
      break;
    case 'video':
      if ((hit = same('video', () => true))) throw dup('a video device', hit.key);
      break;
    case 'input':
      if ((hit = same('input', (d) => d.attrAt('', 'type') === spec.type && d.attrAt('', 'bus') === spec.bus))) throw dup(`a ${spec.bus} ${spec.type}`, hit.key);
      break;
    case 'channel': {
      const name = spec.channel === 'guest-agent' ? 'org.qemu.guest_agent.0' : 'com.redhat.spice.0';
      if ((hit = same('channel', (d) => (d as ChannelDevice).targetName === name))) throw dup(`the ${spec.channel} channel`, hit.key);
      if (spec.channel === 'spice-vdagent' && !same('graphics', (d) => (d as GraphicsDevice).type === 'spice')) throw invalid('device', `the SPICE agent channel needs a SPICE display: VM '${s.name}' has none. Add a graphics device of type spice first. Nothing was changed.`);
      break;
    }
    case 'tpm':
      if ((hit = same('tpm', () => true))) throw dup('a TPM', hit.key);
      if ((await caps())?.tpmEmulator === false) throw invalid('device', 'this host cannot emulate a TPM (swtpm is not installed; Debian/Ubuntu: apt install swtpm swtpm-tools). Nothing was changed.');
      break;
    case 'watchdog':
      if ((hit = same('watchdog', () => true))) throw dup('a watchdog', hit.key);
      if (spec.model === 'itco' && !/q35/.test(s.config.os.machine ?? '')) throw invalid('device.model', `the itco watchdog is part of the q35 chipset and VM '${s.name}' has machine ${s.config.os.machine ?? '?'}: use i6300esb. Nothing was changed.`);
      break;
    case 'controller':
      if ((hit = same('controller', (d) => d.attrAt('', 'type') === 'usb' && d.attrAt('', 'model') === spec.model))) throw dup(`a ${spec.model} USB controller`, hit.key);
      break;
    case 'filesystem':
      await checkFilesystem(ctx, api, s, spec, same('filesystem', (d) => d.attrAt('target', 'dir') === spec.target)?.key);
      break;
    case 'hostdev': {
      const { uri } = await api.connectionInfo();
      const r = hostdevTarget(spec.source, await nodeDeviceScan(api, uri, [spec.source.type]), s.name);
      if ('refusal' in r) throw hostdevRefusal(r);
      break;
    }
  }
}

async function hasVirtiofsd(): Promise<boolean> {
  return (await inPath('virtiofsd')) || (await Promise.all(VIRTIOFSD_PATHS.map((p) => fs.access(p).then(() => true, () => false)))).some(Boolean);
}

async function checkFilesystem(ctx: HandlerContext, api: Api, s: VmNow, spec: Extract<DeviceSpec, { kind: 'filesystem' }>, duplicateKey: string | undefined): Promise<void> {
  if (duplicateKey) throw invalid('device.target', `VM '${s.name}' already shares a folder with the tag '${spec.target}' (${duplicateKey}): choose another target tag. Nothing was changed.`);
  if (!isLocalConnection((await api.connectionInfo()).uri)) return;
  if (!(await fs.stat(spec.source).then((st) => st.isDirectory(), () => false))) throw invalid('device.source', `${spec.source} is not a folder on this host: give an existing folder to share. Nothing was changed.`);
  if (spec.driver === 'virtiofs') {
    const found = await (ctx.deps.hasVirtiofsd ?? hasVirtiofsd)();
    if (!found) throw invalid('device.driver', 'virtiofs needs the virtiofsd helper, which is not installed on this host (Debian/Ubuntu: apt install virtiofsd). Use driver 9p instead, which needs no helper. Nothing was changed.');
  }
}

/** The key of the device `dev` (built in another document) in `after`: the newest one with its identity. */
function newKey(before: Domain, after: Domain, dev: Device): string | undefined {
  const id = deviceIdentity(dev);
  const had = before.devicesOf(dev.kind).filter((x) => deviceIdentity(x) === id).length;
  const now = after.devicesOf(dev.kind).filter((x) => deviceIdentity(x) === id);
  const it = now[had] ?? now[now.length - 1];
  return it ? after.keyOf(it) : undefined;
}

function deviceHandlers(ctx: HandlerContext, edit: Edit): HandlersFor<'vm.addDevice' | 'vm.updateDevice' | 'vm.removeDevice'> {
  return {
    'vm.addDevice': (i) => edit(i, 'device', async (api, s) => {
      await checkAddable(ctx, api, s, i.device);
      const dom = await definition(api, s);
      const dev = buildDevice(dom, i.device);
      dom.addDevice(dev);
      const plan = planAttach(dom, dev);
      const spec = i.device;
      const needsSharedMemory = spec.kind === 'filesystem' && spec.driver === 'virtiofs' && dom.memoryAccess !== 'shared';
      if (plan.via === 'define' || needsSharedMemory) {
        if (i.live && needsSharedMemory) throw invalid('live', 'Cannot add a virtiofs folder live: virtiofs needs shared guest memory, which only a restart gives. Leave out live to add it for the next boot.');
        if (i.live) throw invalid('live', `Cannot add a ${spec.kind} live: ${plan.note}. Leave out live to add it for the next boot.`);
        let note = plan.via === 'define' ? plan.note : undefined;
        if (needsSharedMemory) {
          dom.memorySource = dom.memorySource ?? 'memfd';
          dom.memoryAccess = 'shared';
          note = 'virtiofs needs guest memory shared with virtiofsd: the VM now uses shared memory (memfd), which takes effect with the folder at the next boot';
        }
        const r = await defineConfig(api, s, 'device', () => ({ ...plan, via: 'define' }), dom);
        return { ...r, key: newKey(s.config, dom, dev) ?? dom.keyOf(dev), ...(note ? { note } : {}) };
      }
      let flags = flagsFor(plan, s, i);
      let note: string | undefined;
      const needsVirtioSerial = (spec.kind === 'channel' || (spec.kind === 'console' && spec.target === 'virtio')) && !s.live.devicesOf('controller').some((c) => c.attrAt('', 'type') === 'virtio-serial');
      if (flags & LIVE && s.running && needsVirtioSerial) {
        if (i.live) throw invalid('live', `VM '${s.name}' has no virtio-serial controller while running, which a ${spec.kind} needs: add it for the next boot (leave out live).`);
        flags &= ~LIVE;
        note = `the running VM has no virtio-serial controller for the ${spec.kind}: it is added at the next boot (libvirt adds the controller then)`;
      }
      if (!flags) throw invalid('live', `VM '${s.name}' is transient: the ${spec.kind} cannot be added now. Nothing was changed.`);
      try {
        await api.attachDevice(s.ref, plan.fragment!, flags);
      } catch (e) {
        throw libvirtRefused(`add a ${spec.kind}`, s, e, 'device');
      }
      const shownBefore = flags & LIVE ? s.live : s.config;
      const shownAfter = parseDomain(await api.domainXml(s.ref, flags & LIVE ? {} : { inactive: true }));
      const why = note ?? (s.running && !(flags & LIVE) ? plan.note : undefined);
      return { ...resultOf(flags, s), key: newKey(shownBefore, shownAfter, dev) ?? '', ...(why ? { note: why } : {}) } satisfies AddDeviceResult;
    }),

    'vm.updateDevice': (i) => edit(i, 'key', async (api, s) => {
      const r = resolve(s, i.key);
      if (!r.live && !r.config) throw notFound('key', `VM '${s.name}' has no device '${i.key}'.`);
      const kind = (r.config ?? r.live)!.dev.kind;
      if (kind !== i.device.kind) throw invalid('device', `'${i.key}' is a ${kind}, not a ${i.device.kind}: remove it and add a ${i.device.kind} instead. Nothing was changed.`);
      if (!r.config) throw invalid('key', `'${i.key}' exists only while VM '${s.name}' runs (it is gone at next boot) and libvirt cannot change it live. Nothing was changed.`);
      await checkAddable(ctx, api, s, i.device, { live: r.live?.key, config: r.config.key });
      const dom = await definition(api, s);
      const configKey = dom.keyOf(dom.devicesOf(kind)[s.config.devicesOf(kind).findIndex((x) => x.el === r.config!.dev.el)]);
      const next = replaceDevice(dom, configKey, i.device);
      const plan = planUpdate(dom, dom.keyOf(next), 'other');
      if (i.live) throw invalid('live', `Cannot change a ${kind} live (${plan.note}). Leave out live to change it for the next boot.`);
      if (plan.via === 'define') return { ...(await defineConfig(api, s, 'device', () => plan, dom)), note: plan.note } satisfies DeviceChangeResult;
      const flags = flagsFor(plan, s, { config: true });
      try {
        await api.updateDevice(s.ref, plan.fragment!, flags);
      } catch (e) {
        throw libvirtRefused(`change ${i.key}`, s, e, 'device');
      }
      return { ...resultOf(flags, s), note: plan.note };
    }),

    'vm.removeDevice': (i) => edit(i, 'key', async (api, s) => removeDevice(api, s, i.key, i)),
  };
}

async function removeDevice(api: Api, s: VmNow, key: string, want: Where): Promise<DeviceChangeResult> {
  const r = resolve(s, key);
  if (!r.live && !r.config) throw notFound('key', `VM '${s.name}' has no device '${key}'.`);
  const dev = (r.live ?? r.config)!.dev;
  if (s.running && r.config && hasBootSource(s.config)) {
    const after = parseDomain(s.config.toXml());
    after.removeDevice(r.config.key);
    if (!hasBootSource(after)) throw invalid('key', `${key} is the last boot device of running VM '${s.name}': it could not start again without it. Shut the VM down first, or give another device a boot order. Nothing was changed.`);
  }
  const plan = planDetach(parseDomain((r.live ? s.live : s.config).toXml()), (r.live ?? r.config)!.key);
  const what = describeDevice(dev);
  if (plan.via === 'define') {
    if (want.live) throw invalid('live', `Cannot remove the ${dev.kind} live (${plan.note}). Leave out live to remove it at the next boot.`);
    if (!r.config) throw invalid('key', `${key} exists only until VM '${s.name}' stops and libvirt cannot remove a ${dev.kind} live. Nothing was changed.`);
    return { ...(await defineConfig(api, s, 'key', (d) => ({ ...planDetach(d, d.keyOf(d.devicesOf(dev.kind)[s.config.devicesOf(dev.kind).findIndex((x) => x.el === r.config!.dev.el)])), via: 'define' }))), note: plan.note };
  }
  const has = (r.live ? LIVE : 0) | (r.config && s.persistent ? CONFIG : 0);
  const flags = flagsFor(plan, s, want) & has;
  if (!flags && want.live) throw invalid('live', `VM '${s.name}' has no ${key} while running: nothing to remove there.`);
  if (!flags && !plan.live && r.live && !r.config) throw invalid('config', `VM '${s.name}' has no ${key} in its definition, and it cannot be removed live (${plan.note}): nothing to remove there.`);
  if (!flags) throw invalid('config', `VM '${s.name}' has no ${key} in its definition: nothing to remove there.`);
  try {
    if (flags & LIVE) await api.detachDevice(s.ref, plan.fragment!, LIVE);
    if (flags & CONFIG) await api.detachDevice(s.ref, parseDomain(s.config.toXml()).removeDevice(r.config!.key).toXml(), CONFIG);
  } catch (e) {
    throw libvirtRefused(`remove ${what}`, s, e, 'key');
  }
  if (flags & LIVE) await awaitRelease(api, s, r.live!.key, what);
  return { ...resultOf(flags, s), ...(r.live && !(flags & LIVE) ? { note: plan.note } : {}) };
}

function nicDiskHandlers(edit: Edit): HandlersFor<'vm.updateNic' | 'vm.updateDisk'> {
  return {
    'vm.updateNic': (i) => edit(i, 'mac', async (api, s) => {
      const mac = i.mac.toLowerCase();
      const key = `interface:${mac}`;
      const inLive = s.running && !!s.live.device(key);
      const inConfig = s.persistent && !!s.config.device(key);
      if (!inLive && !inConfig) throw notFound('mac', `VM '${s.name}' has no network interface with MAC ${i.mac}.`);
      const newMac = i.newMac?.toLowerCase();
      if (newMac && newMac !== mac && macsOf(s).has(newMac)) throw invalid('newMac', `VM '${s.name}' already has a network interface with MAC ${newMac}: choose another MAC. Nothing was changed.`);
      const src = i.source;
      if (src?.type === 'network' && !(await api.listNetworks()).some((n) => n.name === src.network)) throw notFound('source.network', `no virtual network named '${src.network}'`);
      // The plan is made on the definition (or, for an interface that is gone at next boot, on the live XML).
      const dom = inConfig ? await definition(api, s) : parseDomain(s.live.toXml());
      const nic = dom.device(key) as InterfaceDevice;
      const kind = nicUpdateKind(inLive ? (s.live.device(key) as InterfaceDevice) : nic, { source: src, model: i.model, mac: newMac });
      if (src) setNicSource(nic, src);
      if (i.model) nic.model = i.model;
      if (newMac) nic.mac = newMac;
      const plan = planUpdate(dom, dom.keyOf(nic), kind);
      const flags = flagsFor({ ...plan, what: `change network interface ${mac}` }, s, i) & ((inLive ? LIVE : 0) | (inConfig ? CONFIG : 0));
      if (!flags && inLive) throw invalid(i.live ? 'live' : 'config', `VM '${s.name}' has network interface ${mac} only while running (it is gone at next boot), and this change cannot be made there (${plan.note}). Nothing was changed.`);
      if (!flags) throw invalid(i.live ? 'live' : 'config', `VM '${s.name}' has network interface ${mac} only in its definition, and this change cannot be made there (${plan.note}). Nothing was changed.`);
      if (flags & LIVE && src) {
        const live = parseDomain(s.live.toXml());
        setNicSource(live.device(key) as InterfaceDevice, src);
        try {
          await api.updateDevice(s.ref, live.device(key)!.toXml(), LIVE);
        } catch (e) {
          throw libvirtRefused(`change network interface ${mac}`, s, e, 'source');
        }
      }
      if (flags & CONFIG) {
        // libvirt finds an interface of the definition by its MAC: a new MAC needs a new definition.
        if (newMac && newMac !== mac) await defineConfig(api, s, 'newMac', () => plan, dom);
        else {
          try {
            await api.updateDevice(s.ref, plan.fragment!, CONFIG);
          } catch (e) {
            throw libvirtRefused(`change network interface ${mac}`, s, e, 'source');
          }
        }
      }
      const r = resultOf(flags, s);
      return { ...r, mac: newMac ?? mac, ...(r.pendingUntilShutdown ? { note: plan.note } : {}) } satisfies UpdateNicResult;
    }),

    'vm.updateDisk': (i) => edit(i, 'target', async (api, s) => {
      const key = `disk:${i.target}`;
      const current = s.persistent ? (s.config.device(key) as DiskDevice | undefined) : undefined;
      if (!current) {
        if (s.live.device(key)) throw invalid('target', `disk ${i.target} of VM '${s.name}' is gone at next boot (removed from its definition): there is nothing to change. Nothing was changed.`);
        throw notFound('target', `VM '${s.name}' has no disk ${i.target}.`);
      }
      const bus = i.bus ?? (current.bus as 'virtio' | 'sata' | 'scsi' | undefined);
      let target = i.target;
      if (i.newTarget !== undefined || (i.bus !== undefined && i.bus !== current.bus)) {
        const prefix = bus ? TARGET_PREFIX[bus] : undefined;
        if (!prefix) throw invalid('bus', `disk ${i.target} is on the ${current.bus ?? 'unknown'} bus: give bus virtio, sata or scsi to rename it. Nothing was changed.`);
        const taken = targetsOf(s);
        taken.delete(i.target);
        if (i.newTarget && !i.newTarget.startsWith(prefix)) throw invalid('newTarget', `a ${bus} disk's target starts with '${prefix}' (e.g. ${prefix}b), not '${i.newTarget}'. Nothing was changed.`);
        if (i.newTarget && taken.has(i.newTarget)) throw invalid('newTarget', `VM '${s.name}' already has a disk ${i.newTarget}: choose another target or leave newTarget out. Nothing was changed.`);
        target = i.newTarget ?? (i.target.startsWith(prefix) ? i.target : nextTarget(prefix, taken));
      }
      const shareable = i.shareable ?? current.shareable;
      const cache = i.cache ?? current.cache ?? 'default';
      if (shareable && (current.format ?? 'raw') !== 'raw') throw invalid('shareable', `disk ${i.target} is a ${current.format} image: only raw images can be shared between VMs (libvirt refuses other formats). Nothing was changed.`);
      if (shareable && cache !== 'none') throw invalid('cache', `a shareable disk needs cache none (other VMs write to the same image; a host cache would hide their writes): set cache none too. Nothing was changed.`);
      const dom = await definition(api, s);
      const disk = dom.device(key) as DiskDevice;
      editDisk(disk, { bus: i.bus, target: target !== i.target ? target : undefined, cache: i.cache, discard: i.discard, readonly: i.readonly, shareable: i.shareable, serial: i.serial });
      const plan = planUpdate(dom, `disk:${target}`, 'other');
      const flags = flagsFor({ ...plan, what: `change disk ${i.target}` }, s, i);
      // libvirt finds a disk of the definition by its target: a new target needs a new definition.
      if (target !== i.target) await defineConfig(api, s, 'bus', () => plan, dom);
      else {
        try {
          await api.updateDevice(s.ref, plan.fragment!, flags);
        } catch (e) {
          throw libvirtRefused(`change disk ${i.target}`, s, e, 'target');
        }
      }
      const r = resultOf(flags, s);
      return { ...r, target, ...(r.pendingUntilShutdown ? { note: plan.note } : {}) } satisfies UpdateDiskResult;
    }),
  };
}

function resizeHandlers(edit: Edit): HandlersFor<'vm.resizeDisk'> {
  return {
    'vm.resizeDisk': (i) => edit(i, 'target', async (api, s) => {
      const disk = (s.running ? s.live : s.config).device(`disk:${i.target}`);
      if (!(disk instanceof DiskDevice)) throw notFound('target', `VM '${s.name}' has no disk ${i.target}.`);
      if (disk.isRemovable) throw invalid('target', `${i.target} is a ${disk.device}: only writable disks can grow. Nothing was changed.`);
      if (disk.readonly) throw invalid('target', `${i.target} is a read-only disk: only writable disks can grow. Nothing was changed.`);
      const bytes = gibToBytes(i.sizeGiB);
      const refuseShrink = (capacity: number) => {
        if (bytes < capacity) throw invalid('sizeGiB', `${i.target} has ${fmt(capacity)}; ${fmt(bytes)} would shrink it and destroy the data at its end. Disks only grow: give a size above ${fmt(capacity)}. Nothing was changed.`);
        if (bytes === capacity) throw invalid('sizeGiB', `${i.target} already has ${fmt(capacity)}: give a larger size. Nothing was changed.`);
      };
      if (s.running) {
        const stats = (await api.domainStats(32 /* VIR_DOMAIN_STATS_BLOCK */)).find((x) => x.uuid === s.ref.uuid)?.params ?? {};
        const n = Object.keys(stats).find((k) => /^block\.\d+\.name$/.test(k) && stats[k] === i.target)?.split('.')[1];
        const capacity = Number(stats[`block.${n}.capacity`] ?? NaN);
        if (!Number.isFinite(capacity)) throw new ApiError('LIBVIRT', `libvirt did not report the size of ${i.target}: nothing was changed.`, 'target');
        refuseShrink(capacity);
        try {
          await api.resizeDomainBlock(s.ref, i.target, bytes);
        } catch (e) {
          throw libvirtRefused(`grow ${i.target}`, s, e, 'sizeGiB');
        }
        return { applied: s.persistent ? 'both' : 'live', pendingUntilShutdown: false, capacityBytes: bytes };
      }
      const path = disk.sourceFile ?? disk.sourceDev;
      const vol = path ? await volumeAt(api, path) : null;
      if (!vol) throw invalid('target', `${path ?? i.target} is not a volume of a storage pool: Virtdesk grows a shut-off VM's disk through its pool. Start the VM to grow it live, or add its folder as a pool. Nothing was changed.`);
      refuseShrink((await api.volumeInfo(vol.pool, vol.name)).capacity);
      try {
        await api.resizeVolume(vol.pool, vol.name, bytes);
      } catch (e) {
        throw new ApiError('LIBVIRT', `libvirt could not grow ${vol.path}: ${errText(e)}`, 'sizeGiB');
      }
      return { applied: 'config', pendingUntilShutdown: false, capacityBytes: bytes };
    }),
  };
}

const fmt = (bytes: number) => (bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`);
