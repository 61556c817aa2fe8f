// The container machines of a lab (`kind: container`): libvirt LXC domains on the lab's LXC
// connection, found by the same Virtdesk lab metadata as the lab's VMs. The lab network lives on
// the VM connection (QEMU); a container joins that network's host bridge directly
// (<interface type='bridge'>), so VMs and containers share one L2 segment. Both daemons must be on
// this computer: the bridge is a device of this computer.
import { ApiError, type ContainerSpec, type LabMachineState } from '../contract';
import { buildContainerXml } from '../containers/build-container';
import { checkContainerFiles } from '../containers/check-spec';
import { guestKinds } from '../containers/create-container';
import { recordMeta, removeDomain } from '../clones/clone';
import type { LibvirtHostClient } from '../libvirt/host-client';
import type { DomainXmlRecord } from '../libvirt/protocol';
import { readNetworkXml } from '../xml/read-domain';
import { metadataEntry } from '../xml/virtdesk-meta';
import type { LabContainer, LabPath, ParsedLab } from './lab-file';
import { englishText, message as M, type MessageRef } from '../contract/messages';

type Api = LibvirtHostClient['api'];

/** The LXC connection a lab's containers live on. */
export interface LabLxc {
  uri: string;
  api: Api;
  local: boolean;
}
/** Opens the lab's LXC connection, or says why there is none. */
export type LabLxcSource = () => Promise<LabLxc | { unavailable: string }>;
/** Runs `fn` after every earlier mutation on the connection `uri` (the handlers' per-connection lock). */
export type ConnectionLock = <T>(uri: string, fn: () => Promise<T>) => Promise<T>;

export interface ContainerMember {
  rec: DomainXmlRecord;
  machine: string;
  instance: string;
}

export interface ContainerPlan {
  lxc: LabLxc | null;
  existing: ContainerMember[];
  toCreate: LabContainer[];
  emulator?: string;
}

const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { numeric: true });
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const LXC_DOMAIN = /^\s*(<\?xml[^>]*>\s*)?<domain\s[^>]*type=["']lxc["']/;

/** The lab's containers: LXC domains with the lab's metadata (a lab VM is never one, even where a driver serves both). */
export function containerMembersOf(records: DomainXmlRecord[], lab: string): ContainerMember[] {
  const out: ContainerMember[] = [];
  for (const rec of records) {
    if (!LXC_DOMAIN.test(rec.inactiveXml ?? rec.xml)) continue;
    const m = recordMeta(rec)?.lab;
    if (m?.name === lab) out.push({ rec, machine: m.machine, instance: m.instance });
  }
  return out.sort((a, b) => byName(a.rec.name, b.rec.name));
}

/** The lab's LXC connection and its containers; null when there is no LXC connection (then the lab has no containers Virtdesk can reach). */
export async function labContainers(source: LabLxcSource | undefined, lab: string): Promise<{ lxc: LabLxc; members: ContainerMember[] } | null> {
  if (!source) return null;
  const lxc = await source().catch(() => null);
  if (!lxc || 'unavailable' in lxc) return null;
  return { lxc, members: containerMembersOf(await lxc.api.allDomainXml(), lab) };
}

/**
 * Runs a lab operation with its LXC connection opened once and held under that connection's lock,
 * the one container.create and every VM operation take per connection: two lab ups (or a lab up
 * and a container.create) cannot plan the same free container name at once. The caller holds the
 * VM connection's lock already; the LXC lock is always taken after it, so the two cannot deadlock.
 */
export async function withLxcLocked<T>(
  o: { vmUri: string; lxc?: LabLxcSource; locked?: ConnectionLock },
  fn: (lxc: LabLxcSource | undefined) => Promise<T>,
): Promise<T> {
  if (!o.lxc || !o.locked) return fn(o.lxc);
  const opened = await o.lxc().catch((e: unknown) => ({ unavailable: errText(e) }));
  const once: LabLxcSource = async () => opened;
  // The same connection's lock is the caller's already (serialQueue is not re-entrant).
  if ('unavailable' in opened || opened.uri === o.vmUri) return fn(once);
  return o.locked(opened.uri, () => fn(once));
}

/** Every lab container on the LXC connection (lab.list); none when there is no LXC connection. */
export async function labContainerSummaries(source: LabLxcSource | undefined): Promise<{ lab: string; running: boolean; tags: string[] }[]> {
  const lxc = source ? await source().catch(() => null) : null;
  if (!lxc || 'unavailable' in lxc) return [];
  const [records, domains] = await Promise.all([lxc.api.allDomainXml(), lxc.api.listDomains()]);
  const running = new Set(domains.filter((d) => d.state === 'running').map((d) => d.uuid));
  return records.flatMap((rec) => {
    const meta = LXC_DOMAIN.test(rec.inactiveXml ?? rec.xml) ? recordMeta(rec) : null;
    return meta?.lab ? [{ lab: meta.lab.name, running: running.has(rec.uuid), tags: meta.tags }] : [];
  });
}

/** The container spec of one lab container (the network is joined through the bridge, outside the spec). */
export function labContainerSpec(c: LabContainer): ContainerSpec {
  const m = c.machine;
  const common = { name: c.name, memoryMiB: m.memoryMiB, vcpus: m.vcpus, mounts: [], network: { kind: 'none' as const } };
  if (m.command !== undefined) return { kind: 'application', ...common, command: m.command, args: m.args, ...(m.root ? { root: m.root } : {}) };
  return { kind: 'system', ...common, rootfs: { kind: 'folder', folder: m.root! }, init: m.init ?? '/sbin/init', initArgs: m.args };
}

/** A container check's refusal as a lab file problem: without "; nothing was created", with its key when it has one. */
function labFileProblem(e: ApiError): [string, MessageRef?] {
  const problem = e.text?.params?.problem;
  if (typeof problem === 'object') {
    const text = e.text?.key === 'error.container.initProblem' ? M('lab.issue.initProblem', { problem }) : problem;
    return [englishText(text), text];
  }
  return [e.message.replace(/; nothing was created$/, '')];
}

/** spec.command → command, spec.rootfs.folder → root: where a container check points in the lab file. */
function fileField(field: string | undefined): string {
  if (field === 'spec.command') return 'command';
  if (field === 'spec.init') return 'init';
  if (field === 'spec.root' || field === 'spec.rootfs.folder') return 'root';
  return 'name';
}

/** Everything checked before anything is created: an LXC connection that runs containers, free names, the files. */
export async function planContainers(
  o: { uri: string; local: boolean; lxc?: LabLxcSource; names: Set<string> },
  parsed: ParsedLab,
  add: (path: LabPath, message: string, text?: MessageRef) => void,
): Promise<ContainerPlan> {
  const none: ContainerPlan = { lxc: null, existing: [], toCreate: [] };
  if (!parsed.containers.length) return none;
  const first = parsed.containers[0].index;
  if (!o.local) {
    add(['machines', first, 'kind'], `a lab with containers must run on this computer (the containers join the lab network's bridge here); ${o.uri} is another computer`);
    return none;
  }
  const opened = o.lxc ? await o.lxc().catch((e: unknown) => ({ unavailable: errText(e) })) : { unavailable: 'this Virtdesk has no LXC connection' };
  if ('unavailable' in opened) {
    add(['machines', first, 'kind'], englishText(M('lab.issue.noLxc', { reason: opened.unavailable })));
    return none;
  }
  const lxc = opened;
  const kinds = await guestKinds(lxc.api);
  if (!kinds.containers) {
    add(['machines', first, 'kind'], `connection ${lxc.uri} runs no containers (its driver offers no 'exe' guests)`);
    return none;
  }
  const [records, domains] = await Promise.all([lxc.api.allDomainXml(), lxc.api.listDomains()]);
  const existing = containerMembersOf(records, parsed.lab.name);
  const mine = new Set(existing.map((m) => m.rec.name));
  const toCreate: LabContainer[] = [];
  for (const c of parsed.containers) {
    if (mine.has(c.name)) continue;
    if (domains.some((d) => d.name === c.name) || o.names.has(c.name)) {
      add(['machines', c.index, 'name'], `a VM or container named '${c.name}' already exists and does not belong to lab '${parsed.lab.name}' — rename the machine or the lab`);
      continue;
    }
    if (lxc.local) {
      try {
        await checkContainerFiles(labContainerSpec(c), { unpacking: false });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        add(['machines', c.index, fileField(e.field)], ...labFileProblem(e));
        continue;
      }
    }
    toCreate.push(c);
  }
  return { lxc, existing, toCreate, ...(kinds.emulator ? { emulator: kinds.emulator } : {}) };
}

/** The host bridge of the lab network (on the VM connection), read from its live XML. */
export async function labBridge(api: Api, network: string): Promise<string> {
  const bridge = readNetworkXml(await api.networkXml(network)).bridge;
  if (!bridge) throw new ApiError('LIBVIRT', `lab network '${network}' has no bridge device to join containers to`);
  return bridge;
}

/** Defines the new containers (each undone on a later failure through `undo`). */
export async function defineContainers(
  plan: ContainerPlan,
  parsed: ParsedLab,
  bridge: string | null,
  network: string | null,
  step: (s: string) => void,
  undo: (what: string, run: () => Promise<void>) => void,
): Promise<string[]> {
  const created: string[] = [];
  const lxc = plan.lxc;
  if (!lxc) return created;
  for (const c of plan.toCreate) {
    step(`define container '${c.name}'`);
    const meta = metadataEntry({ template: false, lab: { name: parsed.lab.name, machine: c.machine.name, instance: c.instance, ...(network ? { network } : {}) }, tags: parsed.lab.tags, disks: [] });
    const xml = buildContainerXml(labContainerSpec(c), { ...(plan.emulator ? { emulator: plan.emulator } : {}), ...(bridge ? { bridge } : {}), metadata: meta });
    const d = await lxc.api.defineDomain(xml);
    undo(`removed container '${c.name}'`, () => removeDomain(lxc.api, { uuid: d.uuid }));
    created.push(c.name);
  }
  return created;
}

/** Starts (or resumes) the lab's containers that are not running. */
export async function startContainers(lxc: LabLxc, lab: string, step: (s: string) => void = () => undefined): Promise<void> {
  const members = containerMembersOf(await lxc.api.allDomainXml(), lab);
  for (const m of members) {
    const st = await lxc.api.domainState({ uuid: m.rec.uuid });
    if (st.state === 'running') continue;
    step(`start container '${m.rec.name}'`);
    if (st.state === 'paused') await lxc.api.resumeDomain({ uuid: m.rec.uuid });
    else await lxc.api.startDomain({ uuid: m.rec.uuid });
  }
}

export async function stopContainers(lxc: LabLxc, members: ContainerMember[]): Promise<void> {
  for (const m of members) {
    const st = await lxc.api.domainState({ uuid: m.rec.uuid });
    if (st.state !== 'shutoff') await lxc.api.destroyDomain({ uuid: m.rec.uuid });
  }
}

/** The containers' lines of a lab status. */
export async function containerStates(lxc: LabLxc, members: ContainerMember[]): Promise<LabMachineState[]> {
  const domains = new Map((await lxc.api.listDomains()).map((d) => [d.uuid, d]));
  return members.map((m) => ({
    name: m.rec.name,
    machine: m.machine,
    instance: m.instance,
    uuid: m.rec.uuid,
    state: domains.get(m.rec.uuid)?.state ?? 'nostate',
    overlays: [],
    kind: 'container' as const,
    connection: lxc.uri,
  }));
}

/** lab down: forces off and undefines each container of the lab (found by metadata). Root folders are never deleted. */
export async function removeContainers(lxc: LabLxc, members: ContainerMember[], out: { removedContainers: string[]; problems: string[] }): Promise<void> {
  for (const m of members) {
    try {
      await removeDomain(lxc.api, { uuid: m.rec.uuid });
      out.removedContainers.push(m.rec.name);
    } catch (e) {
      out.problems.push(`container '${m.rec.name}' on ${lxc.uri} could not be removed: ${errText(e)}`);
    }
  }
}
