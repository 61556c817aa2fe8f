// Why a VM cannot move to another host, found before anything starts. Pure: the facts are read
// by the caller (migrate.ts), so every refusal is unit-testable without daemons.
import path from 'node:path';
import { parseDomain, type Domain } from '../domain';
import type { DomainSummary, NetworkSummary } from '../libvirt/protocol';

export interface PoolFolder {
  name: string;
  active: boolean;
  /** The pool's folder (dir, fs, netfs pools); null for other kinds. */
  path: string | null;
}

export interface MigrationFacts {
  vmName: string;
  /** The VM's XML: live when it runs (what moves), else its definition. */
  domainXml: string;
  /** true: the VM runs (or is paused) and moves with QEMU's migration; false: only its definition moves. */
  running: boolean;
  source: { uri: string; hostUuid?: string; hostname?: string; pools: PoolFolder[] };
  destination: { uri: string; hostUuid?: string; hostname?: string; pools: PoolFolder[]; networks: NetworkSummary[]; domains: DomainSummary[] };
  copyStorage: boolean;
  tunnelled: boolean;
  snapshotCount: number;
  hasManagedSave: boolean;
}

/** Each reason the migration cannot go ahead, as a sentence that says what to do. */
export function migrationRefusals(f: MigrationFacts): string[] {
  const dom = parseDomain(f.domainXml);
  const dest = f.destination.uri;
  const out: string[] = [];
  if (f.source.uri === dest || (f.source.hostUuid && f.source.hostUuid === f.destination.hostUuid)) {
    const same = f.source.uri === dest ? 'the same connection' : `the same host (host UUID ${f.source.hostUuid})`;
    out.push(`${f.source.uri} and ${dest} are ${same}: choose a connection to another host`);
  }
  for (const uri of [f.source.uri, dest]) {
    if (uri.startsWith('test:')) out.push(`${uri} is libvirt's test driver, whose VMs are simulated: they cannot be migrated (choose connections to real hosts)`);
  }
  out.push(...collisions(f, dom));
  if (f.copyStorage && f.tunnelled) {
    out.push('copying disks does not work through a tunnelled migration (libvirt cannot send them over its own connection): turn tunnelled off so the disks go straight to the destination');
  }
  if (f.snapshotCount > 0) {
    out.push(`VM '${f.vmName}' has ${f.snapshotCount} snapshot${f.snapshotCount > 1 ? 's' : ''}, which libvirt cannot move: delete ${f.snapshotCount > 1 ? 'them' : 'it'} first, or keep the VM on this host`);
  }
  if (!f.running && f.hasManagedSave) {
    out.push(`VM '${f.vmName}' has a saved memory state (managed save) that would stay behind: start it (it resumes) or discard the saved state first`);
  }
  out.push(...missingNetworks(f, dom), ...missingPools(f, dom), ...localOnlyDevices(dom));
  return out;
}

function collisions(f: MigrationFacts, dom: Domain): string[] {
  const out: string[] = [];
  const dest = f.destination.uri;
  const byName = f.destination.domains.find((d) => d.name === f.vmName);
  const byUuid = dom.uuid ? f.destination.domains.find((d) => d.uuid === dom.uuid) : undefined;
  // On the same host the VM finds itself: the same-host refusal says it better.
  if (f.source.uri === dest || (f.source.hostUuid && f.source.hostUuid === f.destination.hostUuid)) return out;
  if (byName) out.push(`${dest} already has a VM named '${f.vmName}': rename one of them first`);
  else if (byUuid) out.push(`${dest} already has a VM with the UUID of '${f.vmName}' ('${byUuid.name}', a copy of it?): remove that one first`);
  return out;
}

function missingNetworks(f: MigrationFacts, dom: Domain): string[] {
  const out: string[] = [];
  const dest = f.destination.uri;
  for (const nic of dom.devicesOf('interface')) {
    const name = nic.type === 'network' ? nic.sourceNetwork : undefined;
    if (!name) continue;
    const net = f.destination.networks.find((n) => n.name === name);
    const which = nic.mac ? `interface ${nic.mac}` : 'an interface';
    if (!net) out.push(`VM '${f.vmName}' uses network '${name}' (${which}), which ${dest} does not have: create a network named '${name}' there, or connect the interface to another network`);
    else if (f.running && !net.active) out.push(`network '${name}' on ${dest} is not running: start it there first`);
  }
  return out;
}

/** A disk in a storage pool here needs a pool for the same folder (file disks) or of the same name (volume disks) there. */
function missingPools(f: MigrationFacts, dom: Domain): string[] {
  const out: string[] = [];
  const dest = f.destination.uri;
  const how = f.copyStorage ? 'into which its disk is copied' : 'for the same shared folder';
  for (const disk of dom.devicesOf('disk')) {
    const target = disk.targetDev ?? 'a disk';
    if (disk.type === 'volume' && disk.sourcePool) {
      const p = f.destination.pools.find((x) => x.name === disk.sourcePool);
      if (!p) out.push(`disk ${target} is a volume of storage pool '${disk.sourcePool}', which ${dest} does not have: define a pool named '${disk.sourcePool}' there (${how})`);
      else if (f.running && !p.active) out.push(`storage pool '${p.name}' on ${dest} is not running: start it there first`);
      continue;
    }
    const file = disk.type === 'file' ? disk.sourceFile : undefined;
    if (!file) continue;
    const folder = path.dirname(file);
    const here = f.source.pools.find((p) => p.path === folder);
    if (!here) continue;
    const there = f.destination.pools.find((p) => p.path === folder);
    if (!there) out.push(`disk ${target} (${file}) is in storage pool '${here.name}', but ${dest} has no storage pool for ${folder}: define one there (${how})`);
    else if (f.running && !there.active) out.push(`storage pool '${there.name}' on ${dest} (${folder}) is not running: start it there first`);
  }
  return out;
}

const CHAR_KINDS = ['serial', 'parallel', 'console', 'channel'] as const;

/** Devices only this host has: they cannot follow the VM. */
function localOnlyDevices(dom: Domain): string[] {
  const out: string[] = [];
  for (const h of dom.devicesOf('hostdev')) {
    const what = h.type === 'pci' && h.pciAddress ? `PCI device ${h.pciAddress}` : h.type === 'usb' && h.usbVendor ? `USB device ${h.usbVendor}:${h.usbProduct ?? '?'}` : `${h.type ?? 'host'} device`;
    out.push(`it passes through this host's ${what}, which the destination does not have: detach it first`);
  }
  for (const kind of CHAR_KINDS) {
    for (const c of dom.devicesOf(kind)) {
      const p = c.sourcePath;
      if (c.type === 'dev') out.push(`its ${kind} is connected to this host's device ${p ?? ''}: remove it or make it a pty first`.replace(' :', ':'));
      else if (c.type === 'file' || c.type === 'pipe') out.push(`its ${kind} writes to ${c.type === 'file' ? 'the file' : 'the pipe'} ${p ?? ''} on this host: make it a pty (or remove it) first`);
    }
  }
  for (const fsDev of dom.devicesOf('filesystem')) {
    if ((fsDev.type ?? 'mount') === 'mount') out.push(`it shares this host's folder ${fsDev.sourceDir ?? ''} (filesystem passthrough): remove that share first`);
  }
  for (const input of dom.devicesOf('input')) {
    if (input.type === 'evdev' && input.sourceEvdev) out.push(`it takes input from this host's device ${input.sourceEvdev}: remove that input device first`);
  }
  return out;
}

/** The `<cpu>` element of a domain when it names a model worth comparing on the destination; else null. */
export function guestCpuXml(domainXml: string): { xml: string; virttype?: string; arch?: string; machine?: string } | null {
  const dom = parseDomain(domainXml);
  if (!dom.cpu.present || !dom.cpu.model || dom.cpu.mode === 'host-passthrough' || dom.cpu.mode === 'maximum') return null;
  const m = /<cpu[\s>][\s\S]*?<\/cpu>/.exec(domainXml);
  if (!m) return null;
  return { xml: m[0], ...(dom.type ? { virttype: dom.type } : {}), ...(dom.os.arch ? { arch: dom.os.arch } : {}), ...(dom.os.machine ? { machine: dom.os.machine } : {}) };
}
