// Lab operations over one connection: check a lab file against the host (nothing created on any
// problem), bring it up (network → one linked clone per machine → start; idempotent; rolled back
// on failure), start/stop/status, reset to baseline (fresh overlays) and down.
//
// A lab's VMs are found ONLY by Virtdesk's metadata (<virtdesk:lab name=…>), never by name; each
// records its overlays (pool, volume, path) and their base. The lab network has a UUID derived
// from the lab name: a network with the lab's name but another UUID is not the lab's.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../contract';
import type { LabDownResult, LabMachineState, LabResetResult, LabStatus, LabSummary, LabUpResult, LabValidation } from '../contract';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { LibvirtError } from '../libvirt/errors';
import type { DomainSummary, DomainXmlRecord, NetworkSummary } from '../libvirt/protocol';
import { virtualizationFor } from '../host/create-facts';
import { FileCheckError, checkReadableFile, probeDiskImage, qemuAccessWarning } from '../storage/disk-image';
import { diskUsage } from '../storage/usage';
import { scanStorageUsage } from '../storage/usage-scan';
import type { DiskBus } from '../xml/build-domain';
import { buildLabNetworkXml } from '../xml/build-lab-network';
import { buildOverlayVolumeXml, cloneVolumeName } from '../xml/build-overlay';
import { readDomainXml, readNetworkXml } from '../xml/read-domain';
import type { VirtdeskDiskMeta, VirtdeskMeta } from '../xml/virtdesk-meta';
import { dependentsOf, markTemplate, recordMeta, removeDomain, unmarkTemplate, writableDisks } from '../clones/clone';
import { dropLabsPoolIfEmpty, ensureLabsPool, type Api } from '../clones/storage';
import { indexFor, volumeFacts } from '../storage/pools';
import { hostnameFromName, metaDataYaml } from '../cloudinit/seed';
import { seedVolume } from '../install/stage';
import { buildLabDomainXml } from './lab-domain';
import { containerStates, defineContainers, labBridge, labContainerSummaries, labContainers, planContainers, removeContainers, startContainers, stopContainers, type ContainerPlan, type ConnectionLock, type LabLxcSource, withLxcLocked } from './lab-containers';
import { LabFileError, intToIp, ipToInt, labNetworkName, labNetworkUuid, parseLabText, type LabPath, type LabVm, type ParsedLab } from './lab-file';
import type { LabFileIssue } from '../contract';
import { englishText, errorText, message as M, type MessageRef } from '../contract/messages';

export interface LabContext {
  uri: string;
  client: LibvirtHostClient;
  /** Files named in the lab are on this computer. */
  local: boolean;
  /** The LXC connection of the lab's `kind: container` machines (absent: containers are refused). */
  lxc?: LabLxcSource;
  /** The per-connection lock: lab operations take the LXC connection's too while they touch its containers. */
  locked?: ConnectionLock;
}

/** `fn` with the lab's LXC connection opened once and locked (withLxcLocked). */
const lxcLocked = <T>(ctx: LabContext, fn: (ctx: LabContext) => Promise<T>): Promise<T> =>
  withLxcLocked({ vmUri: ctx.uri, ...(ctx.lxc ? { lxc: ctx.lxc } : {}), ...(ctx.locked ? { locked: ctx.locked } : {}) }, (lxc) => fn({ ...ctx, ...(lxc ? { lxc } : {}) }));

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });

// ---- reading the file ----
export async function readLabSource(src: { file?: string; text?: string; fileName?: string }): Promise<ParsedLab> {
  let text: string;
  let label: string;
  if (src.file !== undefined) {
    label = path.basename(src.file);
    try {
      const st = await fs.stat(src.file);
      if (!st.isFile()) throw new ApiError('INVALID_INPUT', `lab file '${src.file}' is not a file`, 'file');
      if (st.size > 262_144) throw new ApiError('INVALID_INPUT', `lab file '${src.file}' is larger than 256 KiB`, 'file');
      text = await fs.readFile(src.file, 'utf8');
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new ApiError(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT', code === 'ENOENT' ? `lab file '${src.file}' does not exist` : `lab file '${src.file}' cannot be read: ${errText(e)}`, 'file');
    }
  } else {
    label = src.fileName ?? 'lab.yaml';
    text = src.text ?? '';
  }
  const r = parseLabText(text, label);
  if (!r.ok) throw new LabFileError(r.errors);
  return r;
}

export function labFileApiError(e: LabFileError): ApiError {
  return new ApiError('INVALID_INPUT', e.message, 'file');
}

// ---- host facts ----
const domainTypes = new Map<string, { at: number; type: 'qemu' | 'kvm' }>();
/** kvm only when libvirt lists it AND (locally) the host check says KVM really works; else qemu (TCG). */
async function domainTypeFor(ctx: LabContext): Promise<'qemu' | 'kvm'> {
  const cached = domainTypes.get(ctx.uri);
  if (cached && Date.now() - cached.at < 60_000) return cached.type;
  const type = (await virtualizationFor(ctx.uri, ctx.client)).verdict === 'kvm' ? 'kvm' : 'qemu';
  domainTypes.set(ctx.uri, { at: Date.now(), type });
  return type;
}

// ---- membership ----
interface Member {
  rec: DomainXmlRecord;
  meta: VirtdeskMeta & { lab: NonNullable<VirtdeskMeta['lab']> };
}

function membersOf(records: DomainXmlRecord[], lab: string): Member[] {
  const out: Member[] = [];
  for (const rec of records) {
    const meta = recordMeta(rec);
    if (meta?.lab?.name === lab) out.push({ rec, meta: meta as Member['meta'] });
  }
  return out.sort((a, b) => byName(a.rec.name, b.rec.name));
}

function labNetworkOf(nets: NetworkSummary[], lab: string): NetworkSummary | undefined {
  const uuid = labNetworkUuid(lab);
  return nets.find((n) => n.uuid === uuid);
}

// ---- the plan: everything checked before anything is created ----
interface BaseDisk {
  target: string;
  bus: DiskBus;
  path: string;
  format: 'qcow2' | 'raw';
  capacity: number;
  /** The pool holding the base (its overlays go there); null: the virtdesk-labs pool. */
  pool: string | null;
  poolPath: string | null;
}

interface LabPlan {
  parsed: ParsedLab;
  baseVm: { uuid: string; name: string } | null;
  baseDisks: BaseDisk[];
  /** The base VM's chipset (null: an image base). */
  machine: 'q35' | 'pc' | null;
  firmware: 'bios' | 'uefi';
  osId: string | null;
  domainType: 'qemu' | 'kvm';
  existing: Member[];
  toCreate: LabVm[];
  network: { name: string; uuid: string; exists: boolean; active: boolean; mode: 'isolated' | 'nat'; ipv4: { address: string; prefix: number; dhcpStart: string; dhcpEnd: string } } | null;
  containers: ContainerPlan;
  warnings: string[];
}

class Issues {
  readonly list: LabFileIssue[] = [];
  constructor(private readonly parsed: ParsedLab) {}
  add(p: LabPath, message: string, text?: MessageRef): void {
    this.list.push(this.parsed.issueAt(p, message, text));
  }
  throwIfAny(): void {
    if (this.list.length) throw new LabFileError([...this.list].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)));
  }
}

const BUSES: readonly DiskBus[] = ['virtio', 'sata', 'ide', 'scsi'];

function subnetsOverlap(a: { address: string; prefix: number }, b: { address: string; prefix: number }): boolean {
  const shared = Math.min(a.prefix, b.prefix);
  const mask = shared === 0 ? 0 : (0xffffffff << (32 - shared)) >>> 0;
  return ((ipToInt(a.address) & mask) >>> 0) === ((ipToInt(b.address) & mask) >>> 0);
}

/** A free 10.x.y.0/24 for a lab without ipv4: starts at a spot derived from the lab name. */
export function pickSubnet(lab: string, taken: { address: string; prefix: number }[]): { address: string; prefix: number; dhcpStart: string; dhcpEnd: string } | null {
  let h = 0;
  for (const c of lab) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  for (let i = 0; i < 150 * 256; i++) {
    const n = (h + i) % (150 * 256);
    const net = ipToInt(`10.${100 + Math.floor(n / 256)}.${n % 256}.0`);
    const cand = { address: intToIp(net + 1), prefix: 24 };
    if (taken.some((t) => subnetsOverlap(t, cand))) continue;
    return { ...cand, dhcpStart: intToIp(net + 100), dhcpEnd: intToIp(net + 200) };
  }
  return null;
}

function hostSubnets(): { address: string; prefix: number }[] {
  const out: { address: string; prefix: number }[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && a.cidr) out.push({ address: a.address, prefix: Number(a.cidr.split('/')[1]) });
    }
  }
  return out;
}

/** The machines' kernel and initrd files exist and QEMU can read them (this computer only). */
async function checkBootFiles(ctx: LabContext, parsed: ParsedLab, issues: Issues, warnings: string[]): Promise<void> {
  const lab = parsed.lab;
  const systemQemu = ctx.local && /^qemu:\/\/\/system/.test(ctx.uri);
  if (ctx.local) {
    for (const [i, m] of lab.machines.entries()) {
      if (!m.boot) continue;
      for (const key of ['kernel', 'initrd'] as const) {
        const file = m.boot[key];
        if (!file) continue;
        try {
          await checkReadableFile(file, key);
          if (systemQemu) {
            const w = await qemuAccessWarning(file, key);
            if (w) warnings.push(w);
          }
        } catch (e) {
          if (e instanceof FileCheckError) issues.add(['machines', i, 'boot', key], e.message);
          else throw e;
        }
      }
    }
  }

}

/** The lab's network: the one it made before, or a new one on a free subnet. */
async function planNetwork(ctx: LabContext, parsed: ParsedLab, nets: NetworkSummary[], issues: Issues, warnings: string[]): Promise<LabPlan['network']> {
  const api = ctx.client.api;
  const lab = parsed.lab;
  let network: LabPlan['network'] = null;
  if (lab.network) {
    const name = labNetworkName(lab.name);
    const uuid = labNetworkUuid(lab.name);
    const where: LabPath = ['network'];
    const same = nets.find((n) => n.name === name);
    const ours = labNetworkOf(nets, lab.name);
    if (same && same.uuid !== uuid) {
      issues.add(where, `a virtual network named '${name}' already exists and was not made by lab '${lab.name}' — remove it or rename the lab`);
    } else if (ours) {
      const r = readNetworkXml(await api.networkXml(ours.name));
      const ipv4 = r.ipv4 ? { address: r.ipv4.address, prefix: r.ipv4.prefix, dhcpStart: r.ipv4.dhcpStart ?? '', dhcpEnd: r.ipv4.dhcpEnd ?? '' } : lab.network.ipv4 ?? { address: '', prefix: 24, dhcpStart: '', dhcpEnd: '' };
      if (lab.network.ipv4 && r.ipv4 && (r.ipv4.address !== lab.network.ipv4.address || r.ipv4.prefix !== lab.network.ipv4.prefix)) {
        warnings.push(`the lab network '${ours.name}' exists with ${r.ipv4.address}/${r.ipv4.prefix}; the file's ${lab.network.ipv4.address}/${lab.network.ipv4.prefix} applies after lab down + up`);
      }
      network = { name: ours.name, uuid, exists: true, active: ours.active, mode: r.forward === 'nat' ? 'nat' : 'isolated', ipv4 };
    } else {
      const taken: { address: string; prefix: number; name: string }[] = [];
      for (const n of nets) {
        const r = await api.networkXml(n.name).then(readNetworkXml, () => null);
        if (r?.ipv4) taken.push({ address: r.ipv4.address, prefix: r.ipv4.prefix, name: n.name });
      }
      let ipv4 = lab.network.ipv4;
      if (ipv4) {
        const clash = taken.find((t) => subnetsOverlap(t, ipv4!));
        if (clash) issues.add(['network', 'ipv4', 'address'], `subnet ${ipv4.address}/${ipv4.prefix} overlaps network '${clash.name}' (${clash.address}/${clash.prefix})`);
      } else {
        ipv4 = pickSubnet(lab.name, [...taken, ...(ctx.local ? hostSubnets() : [])]) ?? undefined;
        if (!ipv4) issues.add(where, 'no free 10.x.y.0/24 subnet left for the lab network: give network.ipv4');
      }
      if (ipv4) network = { name, uuid, exists: false, active: false, mode: lab.network.mode, ipv4 };
    }
  }
  return network;
}

async function planLab(ctx: LabContext, parsed: ParsedLab): Promise<LabPlan> {
  const api = ctx.client.api;
  const lab = parsed.lab;
  const issues = new Issues(parsed);
  const warnings = [...parsed.warnings];
  const [records, domains, nets] = await Promise.all([api.allDomainXml(), api.listDomains(), api.listNetworks()]);
  const members = membersOf(records, lab.name);
  const memberNames = new Set(members.map((m) => m.rec.name));

  // Base.
  let baseVm: LabPlan['baseVm'] = null;
  let machine: 'q35' | 'pc' | null = null;
  let firmware: 'bios' | 'uefi' = 'bios';
  let osId: string | null = null;
  const baseDisks: BaseDisk[] = [];
  const candidates: { target: string; bus: DiskBus; path: string; format?: string }[] = [];
  const systemQemu = ctx.local && /^qemu:\/\/\/system/.test(ctx.uri);
  if (lab.base?.vm !== undefined) {
    const name = lab.base.vm;
    const d = domains.find((x) => x.name === name);
    const rec = records.find((r) => r.name === name);
    if (!d || !rec) issues.add(['base', 'vm'], `no VM named '${name}' on ${ctx.uri}`);
    else if (memberNames.has(name)) issues.add(['base', 'vm'], `'${name}' is a machine of this lab; the base must be a separate template VM`);
    else if (d.id !== -1 || d.state !== 'shutoff') issues.add(['base', 'vm'], `VM '${name}' is ${d.state}: a lab base must be shut off (the machines' overlays need a disk that no longer changes)`);
    else {
      baseVm = { uuid: d.uuid, name };
      const x = readDomainXml(rec.inactiveXml ?? rec.xml);
      machine = x.machine && /q35/.test(x.machine) ? 'q35' : x.machine ? 'pc' : 'q35';
      firmware = x.firmware;
      osId = x.osId ?? null;
      const disks = writableDisks(x.disks);
      if (!disks.length) issues.add(['base', 'vm'], `VM '${name}' has no writable disk to base the lab on`);
      for (const disk of disks) {
        if (!disk.path || (disk.type !== 'file' && disk.type !== 'volume')) {
          issues.add(['base', 'vm'], `disk ${disk.target} of VM '${name}' is a ${disk.type} disk: only file-based disks can be lab bases`);
          continue;
        }
        candidates.push({ target: disk.target, bus: BUSES.includes(disk.bus as DiskBus) ? (disk.bus as DiskBus) : 'virtio', path: disk.path, format: disk.format });
      }
    }
  } else if (lab.base?.image !== undefined && parsed.vms.length) {
    candidates.push({ target: 'vda', bus: 'virtio', path: lab.base.image });
  }
  const { pools, index } = await indexFor(api, candidates.map((c) => c.path));
  const usage = diskUsage(records, index);
  for (const c of candidates) {
    const where: LabPath = lab.base?.vm !== undefined ? ['base', 'vm'] : ['base', 'image'];
    const facts = await volumeFacts(api, index, c.path).catch(() => null);
    let format = c.format ?? facts?.format ?? undefined;
    let capacity = facts?.ref.capacity;
    if (ctx.local) {
      try {
        const info = await probeDiskImage(c.path, lab.base?.vm !== undefined ? `disk ${c.target} of the base VM` : 'base image');
        format = info.format;
        capacity = info.virtualSizeBytes;
      } catch (e) {
        if (e instanceof FileCheckError) {
          issues.add(where, e.message);
          continue;
        }
        throw e;
      }
      if (systemQemu) {
        const w = await qemuAccessWarning(c.path, 'base image');
        if (w) warnings.push(w);
      }
    } else if (!facts) {
      issues.add(where, `'${c.path}' is not a volume of a storage pool on ${ctx.uri}; on a remote host the base must be one (its size and format cannot be checked from here)`);
      continue;
    }
    if (format !== 'qcow2' && format !== 'raw') {
      issues.add(where, `'${c.path}' has format '${format ?? 'unknown'}'; a lab base must be qcow2 or raw`);
      continue;
    }
    if (lab.base?.image !== undefined) {
      const writers = (usage.get(c.path) ?? []).filter((u) => u.direct && u.device === 'disk');
      const running = writers.filter((u) => u.active);
      if (running.length) {
        issues.add(where, `'${c.path}' is the disk of running VM ${running.map((u) => `'${u.vm}'`).join(', ')}: a lab base must not change — shut it down first`);
        continue;
      }
      if (writers.length) warnings.push(`the base image is also the disk of VM ${writers.map((u) => `'${u.vm}'`).join(', ')}: starting it changes the base under the lab's machines`);
    }
    const pool = facts ? pools.find((p) => p.name === facts.ref.pool) : undefined;
    baseDisks.push({ target: c.target, bus: c.bus, path: c.path, format, capacity: capacity ?? 0, pool: pool?.name ?? null, poolPath: pool?.path ?? null });
  }

  await checkBootFiles(ctx, parsed, issues, warnings);

  // Names: a VM of the lab's name that is not the lab's is a clash.
  const toCreate: LabVm[] = [];
  for (const vm of parsed.vms) {
    if (memberNames.has(vm.name)) continue;
    if (domains.some((d) => d.name === vm.name)) {
      issues.add(['machines', vm.index, 'name'], `a VM named '${vm.name}' already exists and does not belong to lab '${lab.name}' — rename the machine or the lab`);
      continue;
    }
    toCreate.push(vm);
  }

  // Overlay volumes of new machines must not exist yet.
  for (const vm of toCreate) {
    for (const b of baseDisks) {
      const volume = cloneVolumeName(vm.name, b.target);
      const pool = b.pool ?? 'virtdesk-labs';
      const poolPath = b.pool ? b.poolPath : (pools.find((p) => p.name === 'virtdesk-labs')?.path ?? null);
      const inIndex = index.named(pool, volume);
      const onDisk = ctx.local && poolPath ? await fs.stat(path.join(poolPath, volume)).then(() => true, () => false) : false;
      if (inIndex || onDisk) issues.add(['machines', vm.index, 'name'], `a volume named '${volume}' already exists in storage pool '${pool}' and belongs to no VM of lab '${lab.name}' — delete it or rename the machine`);
    }
  }

  const network = await planNetwork(ctx, parsed, nets, issues, warnings);
  const vmNames = new Set(domains.filter((d) => !memberNames.has(d.name)).map((d) => d.name));
  const containers = await planContainers({ uri: ctx.uri, local: ctx.local, ...(ctx.lxc ? { lxc: ctx.lxc } : {}), names: vmNames }, parsed, (p, m, text) => issues.add(p, m, text));
  issues.throwIfAny();

  const newMiB = toCreate.reduce((n, v) => n + v.machine.memoryMiB, 0);
  const free = await api.nodeFreeMemory().catch(() => 0);
  if (free > 0 && newMiB * 2 ** 20 > free) warnings.push(`the new machines need ${newMiB} MiB of memory; the host has ${Math.floor(free / 2 ** 20)} MiB free`);
  return { parsed, baseVm, baseDisks, machine, firmware, osId, domainType: await domainTypeFor(ctx), existing: members, toCreate, network, containers, warnings };
}

// ---- status ----
async function statusOf(ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabStatus> {
  const api = ctx.client.api;
  const [records, domains, nets] = await Promise.all([api.allDomainXml(), api.listDomains(), api.listNetworks()]);
  const members = membersOf(records, lab);
  const states = new Map<string, DomainSummary>(domains.map((d) => [d.uuid, d]));
  const machines: LabMachineState[] = members.map((m) => ({
    name: m.rec.name,
    machine: m.meta.lab.machine,
    instance: m.meta.lab.instance,
    uuid: m.rec.uuid,
    state: states.get(m.rec.uuid)?.state ?? 'nostate',
    overlays: m.meta.disks.map((d) => d.overlay),
    ...(m.meta.seed ? { seed: m.meta.seed.path } : {}),
  }));
  const net = labNetworkOf(nets, lab);
  let network: LabStatus['network'] = null;
  if (net) {
    const r = await api.networkXml(net.name).then(readNetworkXml, () => null);
    network = { name: net.name, active: net.active, subnet: r?.ipv4 ? `${r.ipv4.address}/${r.ipv4.prefix}` : null, dhcp: !!r?.ipv4?.dhcpStart };
  }
  const tags = parsed ? parsed.lab.tags : [...new Set(members.flatMap((m) => m.meta.tags))];
  const cts = await labContainers(ctx.lxc, lab);
  if (cts) machines.push(...(await containerStates(cts.lxc, cts.members)));
  const names = new Set(machines.map((m) => m.name));
  return {
    lab,
    connection: ctx.uri,
    tags,
    base: [...new Set(members.flatMap((m) => m.meta.disks.map((d) => d.base)))],
    network,
    machines,
    missing: parsed ? [...parsed.vms, ...parsed.containers].filter((v) => !names.has(v.name)).map((v) => v.name) : [],
  };
}

export async function labStatus(ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabStatus> {
  return statusOf(ctx, lab, parsed);
}

export async function listLabs(ctx: LabContext): Promise<LabSummary[]> {
  const api = ctx.client.api;
  const [records, domains, nets] = await Promise.all([api.allDomainXml(), api.listDomains(), api.listNetworks()]);
  const running = new Set(domains.filter((d) => d.state === 'running').map((d) => d.uuid));
  const labs = new Map<string, LabSummary>();
  for (const r of records) {
    const meta = recordMeta(r);
    if (!meta?.lab) continue;
    const s = labs.get(meta.lab.name) ?? { name: meta.lab.name, machines: 0, running: 0, tags: [], network: labNetworkOf(nets, meta.lab.name)?.name ?? null };
    s.machines++;
    if (running.has(r.uuid)) s.running++;
    s.tags = [...new Set([...s.tags, ...meta.tags])];
    labs.set(meta.lab.name, s);
  }
  // The labs' containers count as their machines too (a lab of containers only is listed as well).
  for (const c of await labContainerSummaries(ctx.lxc)) {
    const s = labs.get(c.lab) ?? { name: c.lab, machines: 0, running: 0, tags: [], network: labNetworkOf(nets, c.lab)?.name ?? null };
    s.machines++;
    if (c.running) s.running++;
    s.tags = [...new Set([...s.tags, ...c.tags])];
    labs.set(c.lab, s);
  }
  return [...labs.values()].sort((a, b) => byName(a.name, b.name));
}

// ---- validate ----
export async function validateLab(ctx: LabContext, src: { file?: string; text?: string; fileName?: string }): Promise<LabValidation> {
  let parsed: ParsedLab;
  try {
    parsed = await readLabSource(src);
  } catch (e) {
    if (e instanceof LabFileError) return { ok: false, errors: e.issues, problemCount: e.problemCount, warnings: [] };
    throw e;
  }
  try {
    const plan = await planLab(ctx, parsed);
    return {
      ok: true,
      errors: [],
      warnings: plan.warnings,
      lab: {
        name: parsed.lab.name,
        tags: parsed.lab.tags,
        vms: [
          ...parsed.vms.map((v) => ({ name: v.name, machine: v.machine.name, instance: v.instance, memoryMiB: v.machine.memoryMiB, vcpus: v.machine.vcpus })),
          ...parsed.containers.map((c) => ({ name: c.name, machine: c.machine.name, instance: c.instance, memoryMiB: c.machine.memoryMiB, vcpus: c.machine.vcpus, kind: 'container' as const })),
        ],
        network: plan.network?.name ?? null,
        ...(parsed.lab.host !== undefined ? { host: ctx.uri } : {}),
      },
    };
  } catch (e) {
    if (e instanceof LabFileError) return { ok: false, errors: e.issues, problemCount: e.problemCount, warnings: parsed.warnings };
    throw e;
  }
}

// ---- up ----
function overlayXml(vmName: string, b: { target: string; path: string; format: 'qcow2' | 'raw'; capacity: number }): string {
  return buildOverlayVolumeXml({ name: cloneVolumeName(vmName, b.target), capacityBytes: b.capacity, backingPath: b.path, backingFormat: b.format });
}

async function startNetwork(api: Api, plan: NonNullable<LabPlan['network']>, warnings: string[]): Promise<void> {
  try {
    await api.startNetwork(plan.name);
  } catch (e) {
    // DHCP and DNS need dnsmasq on the host; without it the network still works with static addresses.
    if (!(e instanceof LibvirtError) || !/dnsmasq/i.test(e.message)) throw e;
    await api.undefineNetwork(plan.name);
    await api.defineNetwork(buildLabNetworkXml({ name: plan.name, uuid: plan.uuid, mode: plan.mode, ipv4: plan.ipv4, dhcp: false }));
    await api.startNetwork(plan.name);
    warnings.push(`lab network '${plan.name}' has no DHCP: dnsmasq is not installed on the host (apt install dnsmasq-base); give the machines static addresses in ${plan.ipv4.address}/${plan.ipv4.prefix}`);
  }
}

/** Creates what is missing and starts every machine; a lab with containers holds its LXC connection's lock too. */
export function labUp(ctx: LabContext, parsed: ParsedLab): Promise<LabUpResult> {
  return parsed.containers.length ? lxcLocked(ctx, (c) => upLab(c, parsed)) : upLab(ctx, parsed);
}

async function upLab(ctx: LabContext, parsed: ParsedLab): Promise<LabUpResult> {
  const t0 = performance.now();
  const api = ctx.client.api;
  const plan = await planLab(ctx, parsed);
  const lab = parsed.lab;
  const warnings = [...plan.warnings];
  const undo: { what: string; run: () => Promise<void> }[] = [];
  const created: string[] = [];
  let step = 'prepare';
  try {
    if (plan.baseVm) {
      step = `mark '${plan.baseVm.name}' as a template`;
      const ref = { uuid: plan.baseVm.uuid };
      if (await markTemplate(api, ref)) undo.push({ what: `unmarked template '${plan.baseVm.name}'`, run: () => unmarkTemplate(api, ref) });
    }
    if (plan.toCreate.length && plan.baseDisks.some((b) => !b.pool)) {
      step = 'prepare the virtdesk-labs storage pool';
      const labs = await ensureLabsPool(api);
      if (labs.created) undo.push({ what: 'removed the virtdesk-labs pool', run: () => dropLabsPoolIfEmpty(api) });
      for (const b of plan.baseDisks) if (!b.pool) b.pool = labs.pool;
    }
    const net = plan.network;
    if (net && !net.exists) {
      step = `create the lab network '${net.name}'`;
      await api.defineNetwork(buildLabNetworkXml({ name: net.name, uuid: net.uuid, mode: net.mode, ipv4: net.ipv4, dhcp: true }));
      undo.push({
        what: `removed the network '${net.name}'`,
        run: async () => {
          await api.stopNetwork(net.name).catch(() => undefined);
          await api.undefineNetwork(net.name);
        },
      });
      await startNetwork(api, net, warnings);
    } else if (net && !net.active) {
      step = `start the lab network '${net.name}'`;
      await api.startNetwork(net.name);
    }

    for (const vm of plan.toCreate) {
      const disks: VirtdeskDiskMeta[] = [];
      for (const b of plan.baseDisks) {
        step = `create the overlay of ${b.target} for '${vm.name}'`;
        const v = await api.createVolume(b.pool!, overlayXml(vm.name, b));
        undo.push({ what: `deleted volume '${v.name}'`, run: () => api.deleteVolume(b.pool!, v.name) });
        disks.push({ target: b.target, pool: b.pool!, volume: v.name, overlay: v.path, base: b.path, baseFormat: b.format });
      }
      const uuid = randomUUID();
      let seed: VirtdeskMeta['seed'];
      if (vm.machine.cloudInit !== undefined) {
        step = `build the cloud-init seed of '${vm.name}'`;
        const pool = plan.baseDisks[0]?.pool ?? (await ensureLabsPool(api)).pool;
        const taken = new Set((await api.listVolumes(pool)).map((v) => v.name));
        let name = `${vm.name}-cidata.iso`;
        for (let i = 1; taken.has(name); i++) name = `${vm.name}-cidata-${i}.iso`;
        const v = await seedVolume(api, pool, name, { userData: vm.machine.cloudInit, metaData: metaDataYaml(`iid-${uuid}`, hostnameFromName(vm.name)) });
        undo.push({ what: `deleted volume '${v.name}'`, run: () => api.deleteVolume(pool, v.name) });
        seed = { pool, volume: v.name, path: v.path };
      }
      step = `define '${vm.name}'`;
      const xml = buildLabDomainXml({
        name: vm.name,
        uuid,
        domainType: plan.domainType,
        machine: vm.machine.machineType ?? plan.machine ?? 'q35',
        firmware: plan.firmware,
        osId: plan.osId,
        memoryMiB: vm.machine.memoryMiB,
        vcpus: vm.machine.vcpus,
        ...(vm.machine.boot ? { boot: vm.machine.boot } : {}),
        disks: plan.baseDisks.map((b, i) => ({ path: disks[i].overlay, target: b.target, bus: b.bus })),
        network: net?.name ?? null,
        ...(seed ? { seed: seed.path } : {}),
        meta: { template: false, lab: { name: lab.name, machine: vm.machine.name, instance: vm.instance, ...(net ? { network: net.name } : {}) }, tags: lab.tags, disks, ...(seed ? { seed } : {}) },
      });
      const d = await api.defineDomain(xml);
      undo.push({ what: `removed VM '${vm.name}'`, run: () => removeDomain(api, { uuid: d.uuid }) });
      created.push(vm.name);
    }

    if (plan.containers.lxc) {
      const bridge = net ? await labBridge(api, net.name) : null;
      const setStep = (s: string) => {
        step = s;
      };
      created.push(...(await defineContainers(plan.containers, parsed, bridge, net?.name ?? null, setStep, (what, run) => undo.push({ what, run }))));
    }

    // Start every machine of the lab that is not running (new ones and existing ones).
    const domains = await api.listDomains();
    const wanted = new Set(parsed.vms.map((v) => v.name));
    for (const d of domains.filter((x) => wanted.has(x.name)).sort((a, b) => byName(a.name, b.name))) {
      if (d.state === 'running') continue;
      step = `start '${d.name}'`;
      if (d.state === 'paused') await api.resumeDomain({ uuid: d.uuid });
      else if (d.id === -1) await api.startDomain({ uuid: d.uuid });
    }
    if (plan.containers.lxc) {
      await startContainers(plan.containers.lxc, lab.name, (s) => {
        step = s;
      });
    }
  } catch (e) {
    const done: string[] = [];
    const problems: string[] = [];
    for (const u of undo.reverse()) {
      try {
        await u.run();
        done.push(u.what);
      } catch (x) {
        problems.push(`could not undo (${u.what}): ${errText(x)}`);
      }
    }
    const err = e instanceof ApiError ? e : new ApiError(e instanceof LibvirtError ? 'LIBVIRT' : 'INTERNAL', errText(e), undefined, e instanceof LibvirtError ? e.code : undefined);
    const rolled = done.length || problems.length ? M('lab.rolledBack', { what: [...done, ...problems].join('; ') }) : M('lab.nothingCreated');
    const text = M('error.lab.upFailed', { name: lab.name, step, detail: err.message, rolled });
    throw new ApiError(err.code === 'NOT_FOUND' ? 'LIBVIRT' : err.code, englishText(text), err.field, err.libvirtCode, text);
  }
  const status = await statusOf(ctx, lab.name, parsed);
  return { ...status, created, existing: [...plan.existing, ...plan.containers.existing].map((m) => m.rec.name), warnings, ms: Math.round(performance.now() - t0) };
}

// ---- start / stop / reset / down ----
async function membersOrFail(ctx: LabContext, lab: string): Promise<{ members: Member[]; cts: Awaited<ReturnType<typeof labContainers>> }> {
  const members = membersOf(await ctx.client.api.allDomainXml(), lab);
  const cts = await labContainers(ctx.lxc, lab);
  if (!members.length && !cts?.members.length) throw await noMembersError(ctx, lab, cts);
  return { members, cts };
}

/** A lab with neither VMs nor containers here; when its LXC connection is down, that its containers could not be checked. */
async function noMembersError(ctx: LabContext, lab: string, cts: Awaited<ReturnType<typeof labContainers>>, nameLxc = true): Promise<ApiError> {
  let text = M('error.labNoVms', { name: lab, uri: ctx.uri });
  if (cts && nameLxc) text = M('error.lab.noVmsNoContainers', { name: lab, uri: ctx.uri, lxc: cts.lxc.uri });
  else if (!cts && ctx.lxc) {
    const opened = await ctx.lxc().catch((e: unknown) => ({ unavailable: errText(e) }));
    // No LXC connection added at all: containers are not in play, only the VMs are missing.
    if ('unavailable' in opened && errorText('CONNECTION', opened.unavailable)?.key !== 'error.connectionNotAdded') {
      text = M('error.lab.noVmsLxcDown', { name: lab, uri: ctx.uri, reason: opened.unavailable });
    }
  }
  return new ApiError('NOT_FOUND', englishText(text), 'name', undefined, text);
}

/**
 * VMs outside the lab whose disks sit on a lab machine's overlay (linked clones of a lab
 * machine, or any image made on top of one — read from the images themselves): replacing or
 * deleting the overlay would corrupt them, so reset and down refuse.
 */
async function refuseIfDependents(ctx: LabContext, records: DomainXmlRecord[], members: Member[], lab: string, action: 'reset' | 'taken down'): Promise<void> {
  const memberUuids = new Set(members.map((m) => m.rec.uuid));
  const overlays = new Set(members.flatMap((m) => m.meta.disks.map((d) => d.overlay)));
  const others = records.filter((r) => !memberUuids.has(r.uuid));
  const byLink = others.filter((r) => {
    const meta = recordMeta(r);
    return (meta?.linkedFrom && memberUuids.has(meta.linkedFrom.uuid)) || meta?.disks.some((d) => overlays.has(d.base));
  });
  const names = new Set([...byLink.map((r) => r.name), ...dependentsOf(others, overlays)]);
  const images = new Set<string>();
  if (overlays.size) {
    const usage = await scanStorageUsage(ctx.client.api, { local: ctx.local, records });
    for (const o of overlays) {
      for (const u of usage.users.get(o) ?? []) {
        if (u.kind === 'vm' && u.uuid && !memberUuids.has(u.uuid)) names.add(u.name);
        const ofMember = (img: string) => (usage.users.get(img) ?? []).some((x) => x.kind === 'vm' && x.uuid && memberUuids.has(x.uuid));
        if (u.kind === 'overlay' && !overlays.has(u.name) && !ofMember(u.name)) images.add(u.name);
      }
    }
  }
  // An image on an overlay that some outside VM uses is already named through that VM.
  const sorted = [...names].sort(byName);
  const actionText = M(action === 'reset' ? 'lab.action.reset' : 'lab.action.takenDown');
  const refuse = (text: MessageRef) => new ApiError('INVALID_INPUT', englishText(text), 'name', undefined, text);
  const quoted = (list: string[]) => list.map((n) => `'${n}'`).join(', ');
  if (sorted.length) throw refuse(M(sorted.length > 1 ? 'error.lab.linkedClones' : 'error.lab.linkedClone', { name: lab, action: actionText, vms: quoted(sorted) }));
  if (images.size) {
    const list = [...images].sort(byName);
    throw refuse(M(list.length > 1 ? 'error.lab.imagesOnOverlay' : 'error.lab.imageOnOverlay', { name: lab, action: actionText, images: quoted(list) }));
  }
}

export const labStart = (ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabStatus> => lxcLocked(ctx, (c) => startLab(c, lab, parsed));

async function startLab(ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabStatus> {
  const api = ctx.client.api;
  const { members, cts } = await membersOrFail(ctx, lab);
  for (const m of members) {
    const st = await api.domainState({ uuid: m.rec.uuid });
    if (st.state === 'paused') await api.resumeDomain({ uuid: m.rec.uuid });
    else if (st.state !== 'running') await api.startDomain({ uuid: m.rec.uuid });
  }
  if (cts) await startContainers(cts.lxc, lab);
  return statusOf(ctx, lab, parsed);
}

export const labStop = (ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabStatus> => lxcLocked(ctx, (c) => stopLab(c, lab, parsed));

async function stopLab(ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabStatus> {
  const api = ctx.client.api;
  const { members, cts } = await membersOrFail(ctx, lab);
  for (const m of members) {
    const st = await api.domainState({ uuid: m.rec.uuid });
    if (st.state !== 'shutoff') await api.destroyDomain({ uuid: m.rec.uuid });
  }
  if (cts) await stopContainers(cts.lxc, cts.members);
  return statusOf(ctx, lab, parsed);
}

/** Back to baseline: force off, fresh overlays on the same base (same pool, name, size), start. */
export const labReset = (ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabResetResult> => lxcLocked(ctx, (c) => resetLab(c, lab, parsed));

async function resetLab(ctx: LabContext, lab: string, parsed?: ParsedLab): Promise<LabResetResult> {
  const t0 = performance.now();
  const api = ctx.client.api;
  const records = await api.allDomainXml();
  const members = membersOf(records, lab);
  const cts = await labContainers(ctx.lxc, lab);
  if (!members.length && !cts?.members.length) throw await noMembersError(ctx, lab, cts, false);
  await refuseIfDependents(ctx, records, members, lab, 'reset');
  for (const m of members) {
    // An external snapshot moved the VM onto a new overlay: a fresh lab overlay would not be used.
    const disks = readDomainXml(m.rec.inactiveXml ?? m.rec.xml).disks;
    for (const d of m.meta.disks) {
      const now = disks.find((x) => x.target === d.target)?.path;
      if (now !== d.overlay) throw new ApiError('INVALID_INPUT', `VM '${m.rec.name}' no longer runs on its lab overlay (disk ${d.target} is ${now ?? 'gone'}; an external snapshot?): lab reset cannot restore it — remove that snapshot or recreate the lab`, 'name');
    }
  }
  for (const m of members) {
    const st = await api.domainState({ uuid: m.rec.uuid });
    if (st.state !== 'shutoff') await api.destroyDomain({ uuid: m.rec.uuid });
  }
  for (const m of members) {
    for (const d of m.meta.disks) {
      const info = await api.volumeInfo(d.pool, d.volume).catch(() => null);
      if (info && info.path !== d.overlay) {
        throw new ApiError('LIBVIRT', `volume '${d.volume}' of '${m.rec.name}' is no longer at ${d.overlay}; left alone (the VMs are off)`, 'name');
      }
      let capacity = info?.capacity;
      if (!capacity) {
        if (!ctx.local) throw new ApiError('LIBVIRT', `the overlay ${d.overlay} of '${m.rec.name}' is gone and the size of its base cannot be checked from here`);
        capacity = (await probeDiskImage(d.base, 'base image')).virtualSizeBytes;
      }
      if (info) await api.deleteVolume(d.pool, d.volume);
      const v = await api.createVolume(d.pool, buildOverlayVolumeXml({ name: d.volume, capacityBytes: capacity, backingPath: d.base, backingFormat: d.baseFormat }));
      if (v.path !== d.overlay) throw new ApiError('INTERNAL', `the new overlay of '${m.rec.name}' landed at ${v.path} instead of ${d.overlay}`);
    }
    // Internal snapshots lived inside the old overlays: drop their metadata with them.
    for (const s of await api.listSnapshots({ uuid: m.rec.uuid }).catch(() => [])) {
      await api.deleteSnapshot({ uuid: m.rec.uuid }, s.name, { metadataOnly: true }).catch(() => undefined);
    }
  }
  for (const m of members) await api.startDomain({ uuid: m.rec.uuid });
  // Containers have no overlay to renew: reset restarts them (their root folders are the user's).
  if (cts) {
    await stopContainers(cts.lxc, cts.members);
    await startContainers(cts.lxc, lab);
  }
  return { ...(await statusOf(ctx, lab, parsed)), ms: Math.round(performance.now() - t0) };
}

/** Removes exactly what the lab created: its VMs (by metadata), their overlays, the lab network. */
export const labDown = (ctx: LabContext, lab: string): Promise<LabDownResult> => lxcLocked(ctx, (c) => downLab(c, lab));

async function downLab(ctx: LabContext, lab: string): Promise<LabDownResult> {
  const api = ctx.client.api;
  const records = await api.allDomainXml();
  const members = membersOf(records, lab);
  await refuseIfDependents(ctx, records, members, lab, 'taken down');
  const out: LabDownResult = { lab, removedVms: [], removedVolumes: [], removedNetwork: null, problems: [] };
  // Containers first: they sit on the lab network's bridge.
  const cts = await labContainers(ctx.lxc, lab);
  if (cts?.members.length) {
    const removed = { removedContainers: [] as string[], problems: out.problems };
    await removeContainers(cts.lxc, cts.members, removed);
    out.removedContainers = removed.removedContainers;
  }
  for (const m of members) {
    try {
      await removeDomain(api, { uuid: m.rec.uuid });
      out.removedVms.push(m.rec.name);
    } catch (e) {
      out.problems.push(`VM '${m.rec.name}' could not be removed: ${errText(e)}`);
      continue;
    }
    const own = [
      ...m.meta.disks.map((d) => ({ pool: d.pool, volume: d.volume, path: d.overlay, failed: 'error.lab.down.overlayNotDeleted' as const })),
      ...(m.meta.seed ? [{ ...m.meta.seed, failed: 'error.lab.down.seedNotDeleted' as const }] : []),
    ];
    for (const d of own) {
      const info = await api.volumeInfo(d.pool, d.volume).catch(() => null);
      if (!info) continue;
      if (info.path !== d.path) {
        out.problems.push(`volume '${d.volume}' is no longer at ${d.path}: left alone`);
        continue;
      }
      try {
        await api.deleteVolume(d.pool, d.volume);
        out.removedVolumes.push(d.path);
      } catch (e) {
        out.problems.push(englishText(M(d.failed, { path: d.path, detail: errText(e) })));
      }
    }
  }
  const net = labNetworkOf(await api.listNetworks(), lab);
  if (net) {
    const memberUuids = new Set(members.map((m) => m.rec.uuid));
    const users = records.filter((r) => !memberUuids.has(r.uuid) && [r.xml, r.inactiveXml].some((x) => x && readDomainXml(x).nics.some((n) => n.type === 'network' && n.source === net.name)));
    const leftContainers = (cts?.members ?? []).filter((m) => !out.removedContainers?.includes(m.rec.name));
    if (leftContainers.length) {
      out.problems.push(`network '${net.name}' is kept: container ${leftContainers.map((m) => `'${m.rec.name}'`).join(', ')} could not be removed and is still on its bridge`);
    } else if (users.length) {
      const names = users.map((u) => `'${u.name}'`).join(', ');
      out.problems.push(englishText(M(users.length > 1 ? 'error.lab.down.networkKeptVms' : 'error.lab.down.networkKeptVm', { network: net.name, names })));
    } else {
      try {
        if (net.active) await api.stopNetwork(net.name);
        if (net.persistent) await api.undefineNetwork(net.name);
        out.removedNetwork = net.name;
      } catch (e) {
        out.problems.push(`network '${net.name}' could not be removed: ${errText(e)}`);
      }
    }
  }
  return out;
}
