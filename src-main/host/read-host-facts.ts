// The I/O side of the virtualization check: gathers HostFacts from the local system and a
// libvirt connection. Never throws; whatever can't be read is reported as missing.
import { constants, existsSync } from 'node:fs';
import { access, readFile, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HostFacts, LibvirtFacts } from './virt-check';
import type { ContainerBlocker } from './container-support';

/** Implemented by the caller over its libvirt connection. */
export interface LibvirtProbe {
  uri: string;
  getLibVersion(): Promise<number>;
  getVersion(): Promise<number>;
  getCapabilities(): Promise<string>;
  getDomainCapabilities(virttype: 'kvm' | 'qemu'): Promise<string>;
  probeLxc(): Promise<{ available: boolean; error?: string; reason?: ContainerBlocker; via?: string }>;
}

export interface ReadHostFactsOptions {
  /** Prefix for /proc, /sys, /dev and /etc (tests point it at a fake tree). */
  root?: string;
}

export async function readHostFacts(libvirt: LibvirtProbe | null, options: ReadHostFactsOptions = {}): Promise<HostFacts> {
  const at = (p: string) => path.join(options.root ?? '/', p);
  const [cpuinfo, procModules, sysModules, nestedIntel, nestedAmd, devKvm, user, libvirtFacts] = await Promise.all([
    readText(at('proc/cpuinfo')),
    readText(at('proc/modules')),
    readdir(at('sys/module')).then((names) => names.filter((n) => n.startsWith('kvm')), () => undefined),
    readText(at('sys/module/kvm_intel/parameters/nested')),
    readText(at('sys/module/kvm_amd/parameters/nested')),
    checkDevKvm(at('dev/kvm')),
    readUser(at('etc/group')),
    libvirt ? probeLibvirt(libvirt) : Promise.resolve(null),
  ]);
  const nested: HostFacts['nested'] = {};
  if (nestedIntel !== null) nested.kvm_intel = nestedIntel.trim();
  if (nestedAmd !== null) nested.kvm_amd = nestedAmd.trim();
  return { cpuinfo, devKvm, procModules, sysModules, nested, user, systemd: hostHasSystemd(options.root), libvirt: libvirtFacts };
}

/** systemd is the init system (its own test, sd_booted()): /run/systemd/system exists. */
export function hostHasSystemd(root = '/'): boolean {
  return existsSync(path.join(root, 'run/systemd/system'));
}

/** Asks libvirt everything the check needs; a rejected call becomes an error field. */
export async function probeLibvirt(probe: LibvirtProbe): Promise<LibvirtFacts> {
  // Promise.resolve().then() also catches a probe method that throws synchronously.
  const call = <T>(fn: () => Promise<T>) => Promise.resolve().then(fn);
  const [lib, version, caps, kvm, qemu, lxc] = await Promise.allSettled([
    call(() => probe.getLibVersion()),
    call(() => probe.getVersion()),
    call(() => probe.getCapabilities()),
    call(() => probe.getDomainCapabilities('kvm')),
    call(() => probe.getDomainCapabilities('qemu')),
    call(() => probe.probeLxc()),
  ]);
  const connection = [lib, version, caps];
  if (!connection.some((r) => r.status === 'fulfilled')) {
    return { uri: probe.uri, reachable: false, error: errorOf(lib) ?? errorOf(version) ?? errorOf(caps) };
  }
  const facts: LibvirtFacts = { uri: probe.uri, reachable: true };
  if (lib.status === 'fulfilled') facts.libVersion = lib.value;
  if (version.status === 'fulfilled') facts.hypervisorVersion = version.value;
  if (caps.status === 'fulfilled') facts.capabilitiesXml = caps.value;
  else facts.capabilitiesError = errorOf(caps);
  for (const [type, result] of [['kvm', kvm], ['qemu', qemu]] as const) {
    if (result.status === 'fulfilled') (facts.domainCapabilitiesXml ??= {})[type] = result.value;
    else (facts.domainCapabilitiesError ??= {})[type] = errorOf(result);
  }
  if (lxc.status === 'fulfilled') {
    facts.lxcAvailable = lxc.value.available === true;
    if (lxc.value.error) facts.lxcError = lxc.value.error;
    if (lxc.value.reason) facts.lxcReason = lxc.value.reason;
    if (lxc.value.via) facts.lxcVia = lxc.value.via;
  } else {
    facts.lxcAvailable = false;
    facts.lxcError = errorOf(lxc);
  }
  return facts;
}

function errorOf(result: PromiseSettledResult<unknown>): string | undefined {
  if (result.status !== 'rejected') return undefined;
  const e: unknown = result.reason;
  return e instanceof Error ? e.message : String(e);
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function checkDevKvm(file: string): Promise<HostFacts['devKvm']> {
  try {
    await stat(file);
  } catch (e) {
    return { exists: false, accessible: false, error: e instanceof Error ? e.message : String(e) };
  }
  try {
    await access(file, constants.R_OK | constants.W_OK);
    return { exists: true, accessible: true };
  } catch (e) {
    return { exists: true, accessible: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The process's own groups decide access to /dev/kvm; /etc/group shows memberships added
 * since login (they apply only after logging in again).
 */
async function readUser(groupFile: string): Promise<HostFacts['user']> {
  let name = process.env.USER ?? '';
  let gid: number | null = null;
  try {
    const info = os.userInfo();
    name = info.username;
    gid = info.gid >= 0 ? info.gid : null;
  } catch {
    // no passwd entry for this uid: keep $USER
  }
  const table = parseGroupFile((await readText(groupFile)) ?? '');
  const processGids = typeof process.getgroups === 'function' ? process.getgroups() : [];
  const groups = [...new Set(processGids.map((g) => table.byGid.get(g) ?? String(g)))];
  const configuredGroups = table.entries
    .filter((g) => g.members.includes(name) || g.gid === gid)
    .map((g) => g.name);
  return { name, groups: groups.length ? groups : configuredGroups, configuredGroups };
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** /etc/group: `name:password:gid:member,member`. */
export function parseGroupFile(text: string): { entries: GroupEntry[]; byGid: Map<number, string> } {
  const entries: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name, , gidText, members = ''] = line.split(':');
    const gid = gidText?.trim() ? Number(gidText) : NaN;
    if (!name || !Number.isInteger(gid)) continue;
    entries.push({ name, gid, members: members.split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return { entries, byGid: new Map(entries.map((e) => [e.gid, e.name])) };
}
