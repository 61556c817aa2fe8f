// Why a VM cannot move to another host, found before anything starts. Pure: the facts are read
// by the caller (migrate.ts), so every refusal is unit-testable without daemons.
import path from 'node:path';
import { parseDomain, type Domain } from '../domain';
import type { DomainSummary, NetworkSummary } from '../libvirt/protocol';
import { englishText, message as M, type MessageRef } from '../contract/messages';

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
  return migrationRefusalTexts(f).map(englishText);
}

/** The reasons as message keys (contract/messages.ts MIGRATION_PARTS), for the UI's language. */
export function migrationRefusalTexts(f: MigrationFacts): MessageRef[] {
  const dom = parseDomain(f.domainXml);
  const dest = f.destination.uri;
  const out: MessageRef[] = [];
  if (f.source.uri === dest) out.push(M('migrate.sameConnection', { source: f.source.uri, destination: dest }));
  else if (f.source.hostUuid && f.source.hostUuid === f.destination.hostUuid) out.push(M('migrate.sameHost', { source: f.source.uri, destination: dest, uuid: f.source.hostUuid }));
  for (const uri of [f.source.uri, dest]) {
    if (uri.startsWith('test:')) out.push(M('migrate.testDriver', { uri }));
  }
  out.push(...collisions(f, dom));
  if (f.copyStorage && f.tunnelled) out.push(M('migrate.copyTunnelled'));
  if (f.snapshotCount === 1) out.push(M('migrate.snapshot', { name: f.vmName }));
  else if (f.snapshotCount > 1) out.push(M('migrate.snapshots', { name: f.vmName, count: f.snapshotCount }));
  if (!f.running && f.hasManagedSave) out.push(M('migrate.managedSave', { name: f.vmName }));
  out.push(...missingNetworks(f, dom), ...missingPools(f, dom), ...localOnlyDevices(dom));
  return out;
}

/** Several reasons as one message: "first; second; …". */
export function refusalList(reasons: readonly MessageRef[]): MessageRef | string {
  if (!reasons.length) return '';
  return reasons.slice(0, -1).reduceRight<MessageRef>((rest, first) => M('migrate.list', { first, rest }), reasons[reasons.length - 1]);
}

function collisions(f: MigrationFacts, dom: Domain): MessageRef[] {
  const out: MessageRef[] = [];
  const dest = f.destination.uri;
  const byName = f.destination.domains.find((d) => d.name === f.vmName);
  const byUuid = dom.uuid ? f.destination.domains.find((d) => d.uuid === dom.uuid) : undefined;
  // On the same host the VM finds itself: the same-host refusal says it better.
  if (f.source.uri === dest || (f.source.hostUuid && f.source.hostUuid === f.destination.hostUuid)) return out;
  if (byName) out.push(M('migrate.nameTaken', { uri: dest, name: f.vmName }));
  else if (byUuid) out.push(M('migrate.uuidTaken', { uri: dest, name: f.vmName, other: byUuid.name }));
  return out;
}

function missingNetworks(f: MigrationFacts, dom: Domain): MessageRef[] {
  const out: MessageRef[] = [];
  const dest = f.destination.uri;
  for (const nic of dom.devicesOf('interface')) {
    const name = nic.type === 'network' ? nic.sourceNetwork : undefined;
    if (!name) continue;
    const net = f.destination.networks.find((n) => n.name === name);
    const nicRef = nic.mac ? M('migrate.nicMac', { mac: nic.mac }) : M('migrate.nicAny');
    if (!net) out.push(M('migrate.noNetwork', { name: f.vmName, network: name, nic: nicRef, uri: dest, sameNetwork: name }));
    else if (f.running && !net.active) out.push(M('migrate.networkStopped', { network: name, uri: dest }));
  }
  return out;
}

/** A disk in a storage pool here needs a pool for the same folder (file disks) or of the same name (volume disks) there. */
function missingPools(f: MigrationFacts, dom: Domain): MessageRef[] {
  const out: MessageRef[] = [];
  const dest = f.destination.uri;
  const how = M(f.copyStorage ? 'migrate.howCopied' : 'migrate.howShared');
  for (const disk of dom.devicesOf('disk')) {
    const target = disk.targetDev ?? M('migrate.anyDisk');
    if (disk.type === 'volume' && disk.sourcePool) {
      const p = f.destination.pools.find((x) => x.name === disk.sourcePool);
      if (!p) out.push(M('migrate.noVolumePool', { target, pool: disk.sourcePool, uri: dest, samePool: disk.sourcePool, how }));
      else if (f.running && !p.active) out.push(M('migrate.poolStopped', { pool: p.name, uri: dest }));
      continue;
    }
    const file = disk.type === 'file' ? disk.sourceFile : undefined;
    if (!file) continue;
    const folder = path.dirname(file);
    const here = f.source.pools.find((p) => p.path === folder);
    if (!here) continue;
    const there = f.destination.pools.find((p) => p.path === folder);
    if (!there) out.push(M('migrate.noFolderPool', { target, file, pool: here.name, uri: dest, folder, how }));
    else if (f.running && !there.active) out.push(M('migrate.folderPoolStopped', { pool: there.name, uri: dest, folder }));
  }
  return out;
}

const CHAR_KINDS = ['serial', 'parallel', 'console', 'channel'] as const;

/** Devices only this host has: they cannot follow the VM. */
function localOnlyDevices(dom: Domain): MessageRef[] {
  const out: MessageRef[] = [];
  for (const h of dom.devicesOf('hostdev')) {
    const device =
      h.type === 'pci' && h.pciAddress
        ? M('migrate.pciDevice', { address: h.pciAddress })
        : h.type === 'usb' && h.usbVendor
          ? M('migrate.usbDevice', { vendor: h.usbVendor, product: h.usbProduct ?? '?' })
          : M('migrate.otherDevice', { type: h.type ?? 'host' });
    out.push(M('migrate.hostdev', { device }));
  }
  for (const kind of CHAR_KINDS) {
    for (const c of dom.devicesOf(kind)) {
      const path = c.sourcePath ?? '?';
      if (c.type === 'dev') out.push(M('migrate.charDevice', { kind, path }));
      else if (c.type === 'file') out.push(M('migrate.charFile', { kind, path }));
      else if (c.type === 'pipe') out.push(M('migrate.charPipe', { kind, path }));
    }
  }
  for (const fsDev of dom.devicesOf('filesystem')) {
    if ((fsDev.type ?? 'mount') === 'mount') out.push(M('migrate.sharedFolder', { path: fsDev.sourceDir ?? '?' }));
  }
  for (const input of dom.devicesOf('input')) {
    if (input.type === 'evdev' && input.sourceEvdev) out.push(M('migrate.evdev', { path: input.sourceEvdev }));
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
