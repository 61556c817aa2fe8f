// Handlers of contract-create.ts: the New-VM flow (validate everything → volume → define →
// start, rolled back on any failure), safe delete, OS presets, storage pools/volumes, virtual
// networks and the browser-mode file chooser. Inputs arrive parsed by the contract's schemas.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';
import type { DomainXmlRecord, PoolSummary } from '../libvirt/protocol';
import { evaluateHost } from '../host/virt-check';
import { readHostFacts, type LibvirtProbe } from '../host/read-host-facts';
import { OsInfoDb, sharedOsInfo, type OsDefaults } from '../osinfo/osinfo-db';
import { NotAnIsoError, looksLikeOpticalImage } from '../osinfo/iso';
import { buildDomainXml, type DomainPlan } from '../xml/build-domain';
import { buildDirPoolXml, buildVolumeXml } from '../xml/build-storage';
import { buildNetworkXml } from '../xml/build-network';
import { readDomainCaps, readHostCaps } from '../xml/create-caps';
import { readDomainXml, readNetworkXml, readVolumeXml } from '../xml/read-domain';
import { EMPTY_META, readVirtdeskMeta } from '../xml/virtdesk-meta';
import { checkSpecAgainstHost, planDomain, type CreateHostFacts, type PlanDisks } from '../xml/vm-plan';
import { FileCheckError, checkReadableFile, probeDiskImage, qemuAccessWarning } from '../storage/disk-image';
import { BrowseError, browse } from '../storage/fs-browse';
import { OutsideRootsError, connectionFileRoots, poolsAreLocalFolders, requireInsideRoots, rootProblem } from '../storage/file-roots';
import { recordDisks, type VolumeRef } from '../storage/usage';
import { deleteRefusal, scanStorageUsage, vmUsersOf, type StorageUsage } from '../storage/usage-scan';
import { TreeNotFoundError, detectTree, httpFetcher, type DetectedTree } from '../install/url-tree';
import { UrlTargetError, type UrlPolicy } from '../install/url-target';
import { copyImageToVolume, downloadAsVolume, seedVolume, type CreatedVolume } from '../install/stage';
import { hashPassword, hostnameFromName, seedContent } from '../cloudinit/seed';
import { osCandidatesFromFileName } from '../osinfo/file-name';
import os from 'node:os';
import { ApiError } from './contract';
import { serialQueue } from './serial-queue';
import { removeDomain, undefineWithEverything } from '../clones/clone';
import { poolInfos } from '../clones/storage';
import { toApiError } from './connection-manager';
import {
  ipToInt,
  type CreateMethodName,
  type CreateMethodParsed,
  type CreateMethodResult,
  type CreateEventMap,
  type CreateStep,
  type CreateOptions,
  type DeletePlan,
  type DeletePlanDisk,
  type NetworkDetails,
  type OsSummary,
  type PoolDetails,
  type VmSpec,
  type VolumeDetails,
} from './contract-create';

export interface CreateHandlerDeps {
  /** A connected client for a URI (or the default connection): ConnectionManager.client. */
  client(uri?: string): Promise<{ uri: string; client: LibvirtHostClient }>;
  osinfo?: OsInfoDb;
  /** The host check verdict for a connection (default: virt-check over the connection + /proc). */
  hostVerdict?: (uri: string, probe: LibvirtProbe) => Promise<{ verdict: 'kvm' | 'emulation' | 'none'; headline: string }>;
  /** Whether passt (user-mode port forwarding) is installed; default: looks in PATH. */
  hasPasst?: () => Promise<boolean>;
  /** How long static host facts (capabilities, verdict) are reused. Default 60 s. */
  factsTtlMs?: number;
  /** Timeout of the "URL answers" check. Default 5 s. */
  urlTimeoutMs?: number;
  /** Which URL targets install trees and downloads may not use (read at each use). Default: none refused but non-http(s). */
  urlPolicy?: () => UrlPolicy;
  /** Extra roots for fs.browse (tests). */
  browseRoots?: string[];
  /** The folders the user added in the settings (read at each fs.browse). */
  browseFolders?: () => string[];
  /** Domains of the other connections to this same computer (safe delete looks at them too). */
  peerDomains?: (uri: string) => Promise<{ connection: string; records: DomainXmlRecord[] }[]>;
  /** Receives vm.createProgress for creates that carry a progressId. */
  emit?: (event: { type: 'vm.createProgress' } & CreateEventMap['vm.createProgress']) => void;
  /** Test-only hooks into vm.create. */
  hooks?: {
    /** Rewrites the domain XML right before it is defined (to provoke a define failure). */
    beforeDefine?: (xml: string) => string;
  };
}

export type CreateHandlers = { [M in CreateMethodName]: (input: CreateMethodParsed<M>) => Promise<CreateMethodResult<M>> };

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const fmtGiB = (bytes: number): string => `${Math.round((bytes / GiB) * 10) / 10} GiB`;
const invalid = (field: string, message: string): ApiError => new ApiError('INVALID_INPUT', message, field);
const notFound = (field: string, message: string): ApiError => new ApiError('NOT_FOUND', message, field);
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** No host part: the files named in a spec are on this computer. */
export function isLocalConnection(uri: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri);
  return m !== null && m[1] === '';
}

/** Size in GiB (MiB resolution) → bytes. */
export function gibToBytes(sizeGiB: number): number {
  return Math.max(1, Math.round(sizeGiB * 1024)) * MiB;
}

async function inPath(binary: string): Promise<boolean> {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/bin', '/usr/sbin', '/usr/libexec']);
  for (const d of dirs) {
    try {
      await fs.access(path.join(d, binary));
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

/** HEAD (then a ranged GET) within the timeout: does the URL answer at all? */
export async function urlAnswers(url: string, timeoutMs: number): Promise<{ ok: boolean; status?: number; error?: string }> {
  const attempt = async (method: 'HEAD' | 'GET'): Promise<number> => {
    const res = await fetch(url, { method, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs), headers: method === 'GET' ? { Range: 'bytes=0-0' } : {} });
    await res.body?.cancel().catch(() => undefined);
    return res.status;
  };
  try {
    let status = await attempt('HEAD');
    if (status === 405 || status === 501) status = await attempt('GET');
    return { ok: status < 400, status };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, error: err.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : err.cause?.code ?? err.cause?.message ?? err.message };
  }
}

/** The install tree at a URL, or INVALID_INPUT on `field` saying why not. */
export async function installTreeOrError(url: string, field: string, timeoutMs: number, policy?: UrlPolicy): Promise<DetectedTree> {
  try {
    return await detectTree(url, httpFetcher(timeoutMs, policy));
  } catch (e) {
    if (e instanceof TreeNotFoundError || e instanceof UrlTargetError) throw invalid(field, e.message);
    throw invalid(field, `URL does not answer: ${errText(e)}`);
  }
}

interface StaticFacts {
  at: number;
  facts: Omit<CreateHostFacts, 'memoryFreeMiB'>;
}

interface Prepared {
  plan: DomainPlan;
  xml: string;
  warnings: string[];
  newVolume?: { pool: string; name: string; xml: string; format: 'qcow2' | 'raw'; predictedPath: string; capacityBytes: number; poolPath: string | null };
  /** Network install: the tree, and the pool its boot files go to for the installer boot. */
  install?: { tree: DetectedTree; cmdline: string; pool: string; kernelName: string; initrdName: string };
  /** Cloud image: the image copied into newVolume, and the seed ISO volume to make. */
  cloud?: { image: string; imageBytes: number; seedPool: string; seedName: string; seedPredictedPath: string };
}

export function createHandlers(deps: CreateHandlerDeps): CreateHandlers {
  const osinfo = deps.osinfo ?? sharedOsInfo();
  const ttl = deps.factsTtlMs ?? 60_000;
  const staticFacts = new Map<string, StaticFacts>();
  const hasPasst = deps.hasPasst ?? (() => inPath('passt'));
  const locked = serialQueue();

  const conn = async (uri?: string) => {
    const c = await deps.client(uri);
    return { uri: c.uri, api: c.client.api, client: c.client };
  };
  type Api = LibvirtHostClient['api'];

  // ---- host facts ----
  async function hostFacts(uri: string, client: LibvirtHostClient): Promise<CreateHostFacts> {
    const api = client.api;
    let s = staticFacts.get(uri);
    if (!s || Date.now() - s.at > ttl) {
      const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e: errText(e) }));
      const [info, node, caps, qemu, kvm, passt] = await Promise.all([
        client.connect(),
        api.nodeInfo(),
        settle(api.capabilities()),
        settle(api.domainCapabilities({ virttype: 'qemu', arch: 'x86_64' })),
        settle(api.domainCapabilities({ virttype: 'kvm', arch: 'x86_64' })),
        isLocalConnection(uri) ? hasPasst() : Promise.resolve(true),
      ]);
      const hostCaps = readHostCaps(caps.ok ? caps.v : null);
      const qemuCaps = readDomainCaps(qemu.ok ? qemu.v : null);
      const kvmCaps = readDomainCaps(kvm.ok ? kvm.v : null);
      const kvmListed = kvmCaps.domainType === 'kvm';
      let verdict: CreateHostFacts['verdict'] = null;
      let verdictHeadline: string | undefined;
      if (kvmListed) {
        const probe: LibvirtProbe = {
          uri,
          getLibVersion: async () => info.libVersion,
          getVersion: async () => info.hypervisorVersion,
          getCapabilities: async () => (caps.ok ? caps.v : Promise.reject(new Error(caps.e))),
          getDomainCapabilities: async (t) => {
            const r = t === 'kvm' ? kvm : qemu;
            return r.ok ? r.v : Promise.reject(new Error(r.e));
          },
          probeLxc: async () => ({ available: false }),
        };
        try {
          const v = deps.hostVerdict ? await deps.hostVerdict(uri, probe) : evaluateHost(await readHostFacts(probe));
          verdict = v.verdict;
          verdictHeadline = v.headline;
        } catch {
          verdict = null;
        }
      }
      const domainTypes: ('qemu' | 'kvm')[] = [];
      const testDriver = info.hypervisorType.toLowerCase() === 'test';
      if (qemuCaps.domainType === 'qemu' || hostCaps.domainTypes.includes('qemu') || testDriver) domainTypes.push('qemu');
      if (kvmListed && verdict === 'kvm') domainTypes.push('kvm');
      s = {
        at: Date.now(),
        facts: {
          uri,
          local: isLocalConnection(uri),
          hypervisor: info.hypervisorType,
          memoryTotalMiB: Math.floor(node.memoryKiB / 1024),
          cpus: node.cpus,
          kvmListed,
          verdict,
          verdictHeadline,
          domainTypes,
          uefi: (kvmListed && verdict === 'kvm' ? kvmCaps : qemuCaps).efi,
          tpm: (kvmListed && verdict === 'kvm' ? kvmCaps : qemuCaps).tpmEmulator,
          cpuModes: { qemu: qemuCaps.cpuModes, kvm: kvmCaps.cpuModes },
          machines: hostCaps.machines,
          // libvirt 9.0.0 refuses <backend type='passt'/> (libvirt issue #462); newer ones list it in domcaps.
          portForwarding: passt && ((qemuCaps.netBackends.includes('passt') || (qemuCaps.netBackends.length === 0 && info.libVersion >= 9_001_000))),
        },
      };
      staticFacts.set(uri, s);
    }
    const free = await api.nodeFreeMemory().catch(() => 0);
    return { ...s.facts, memoryFreeMiB: Math.floor(free / MiB) };
  }

  // ---- storage helpers ----
  async function usageOf(uri: string, api: Api, pools?: PoolSummary[]): Promise<StorageUsage> {
    const peers = deps.peerDomains;
    return scanStorageUsage(api, { local: isLocalConnection(uri) && !uri.startsWith('test'), ...(pools ? { pools } : {}), ...(peers ? { peers: () => peers(uri) } : {}) });
  }

  function requirePool(pools: PoolDetails[], name: string, field: string, mustRun = true): PoolDetails {
    const p = pools.find((x) => x.name === name);
    if (!p) throw notFound(field, `no storage pool named '${name}'${pools.length ? ` (pools: ${pools.map((x) => x.name).join(', ')})` : ''}`);
    if (mustRun && !p.active) throw invalid(field, `storage pool '${name}' is not running: start it first (storage.startPool)`);
    return p;
  }

  async function volumeDetails(api: Api, pool: string, v: { name: string; key: string; path: string; type: number; capacity: number; allocation: number }, usage: StorageUsage | null): Promise<VolumeDetails> {
    let format: string | null = null;
    try {
      format = readVolumeXml(await api.volumeXml(pool, v.name)).format ?? null;
    } catch {
      /* vanished meanwhile */
    }
    return { ...v, format, usedBy: usage ? vmUsersOf(usage, v.path) : [] };
  }

  // ---- networks ----
  function networkUsers(records: DomainXmlRecord[], network: string, onlyActive = false): string[] {
    const names = new Set<string>();
    for (const r of records) {
      if (onlyActive && !r.active) continue;
      for (const x of [r.xml, r.inactiveXml]) {
        if (x && readDomainXml(x).nics.some((n) => n.type === 'network' && n.source === network)) names.add(r.name);
      }
    }
    return [...names].sort();
  }

  async function networkDetails(api: Api, records?: DomainXmlRecord[]): Promise<NetworkDetails[]> {
    const [nets, recs] = await Promise.all([api.listNetworks(), records ? Promise.resolve(records) : api.allDomainXml()]);
    return Promise.all(
      nets.map(async (n) => {
        let r: ReturnType<typeof readNetworkXml> = { forward: null };
        try {
          r = readNetworkXml(await api.networkXml(n.name));
        } catch {
          /* vanished */
        }
        return { ...n, forward: r.forward, bridge: r.bridge ?? null, ipv4: r.ipv4 ?? null, usedBy: networkUsers(recs, n.name) };
      }),
    );
  }

  // ---- VM creation ----
  async function fileCheck<T>(field: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof FileCheckError) throw invalid(field, e.message);
      throw e;
    }
  }

  function uniqueVolumeName(base: string, ext: string, taken: (n: string) => boolean): string {
    for (let i = 0; i < 1000; i++) {
      const n = i === 0 ? `${base}${ext}` : `${base}-${i}${ext}`;
      if (!taken(n)) return n;
    }
    return `${base}-${randomUUID().slice(0, 8)}${ext}`;
  }

  async function prepare(uri: string, client: LibvirtHostClient, spec: VmSpec, forStart: boolean): Promise<Prepared> {
    const api = client.api;
    const facts = await hostFacts(uri, client);
    const tree = spec.source.kind === 'url' ? await installTreeOrError(spec.source.url, 'spec.source.url', deps.urlTimeoutMs ?? 5000, deps.urlPolicy?.()) : null;
    let os: OsDefaults | null = null;
    const detectedNote: string[] = [];
    if (spec.os) {
      os = await osinfo.osDefaults(spec.os);
      if (!os) throw invalid('spec.os', `unknown OS '${spec.os}' (find ids with os.search)`);
    } else if (tree || spec.source.kind === 'cloud') {
      // Like virt-install: the tree (or the image's name) says which OS it is.
      const candidates = tree ? tree.osCandidates : osCandidatesFromFileName((spec.source as { image: string }).image);
      for (const c of candidates) {
        os = await osinfo.osDefaults(c);
        if (os) {
          detectedNote.push(`operating system: ${os.os.name} (detected from the ${tree ? 'install tree' : "image's file name"})`);
          break;
        }
      }
    }
    const pools = await poolInfos(api);
    const usage = await usageOf(uri, api, pools);
    const { records, index } = usage;
    const names = new Set(records.map((r) => r.name));
    const check = checkSpecAgainstHost(spec, facts, os, names);
    if (check.problems.length) throw invalid(check.problems[0].field, check.problems[0].message);
    const warnings = [...detectedNote, ...check.warnings];
    const local = facts.local;
    const systemQemu = local && /^qemu:\/\/\/system/.test(uri);
    const accessWarning = async (file: string, what: string) => {
      if (!systemQemu) return;
      const w = await qemuAccessWarning(file, what);
      if (w) warnings.push(w);
    };
    const usedByOthers = (p: string): string[] => vmUsersOf(usage, p);

    // Source.
    const disks: PlanDisks = {};
    let cloudImage: { bytes: number; virtualBytes: number } | undefined;
    const src = spec.source;
    if (!local && (src.kind === 'iso' || src.kind === 'kernel' || src.kind === 'import')) {
      warnings.push(`the files named are on the host of ${uri}; they could not be checked from here`);
    }
    switch (src.kind) {
      case 'iso':
        if (local) {
          await fileCheck('spec.source.path', () => checkReadableFile(src.path, 'ISO image'));
          if (!(await looksLikeOpticalImage(src.path))) warnings.push(`'${src.path}' does not look like an ISO 9660/UDF image; the VM may not boot from it`);
          await accessWarning(src.path, 'ISO image');
        }
        disks.cdrom = src.path;
        break;
      case 'import': {
        const users = usedByOthers(src.path);
        if (users.length) throw invalid('spec.source.path', `disk image '${src.path}' is already used by VM ${users.map((n) => `'${n}'`).join(', ')}`);
        let format: 'qcow2' | 'raw';
        if (local) {
          format = (await fileCheck('spec.source.path', () => probeDiskImage(src.path, 'disk image'))).format;
          await accessWarning(src.path, 'disk image');
        } else {
          const vol = index.atPath(src.path);
          const f = vol ? readVolumeXml(await api.volumeXml(vol.pool, vol.volume)).format : undefined;
          if (f !== 'qcow2' && f !== 'raw') throw invalid('spec.source.path', `the format of '${src.path}' cannot be checked on a remote host unless it is a qcow2/raw volume of a storage pool there`);
          format = f;
        }
        disks.bootImage = { path: src.path, format };
        break;
      }
      case 'kernel':
        if (local) {
          await fileCheck('spec.source.kernel', () => checkReadableFile(src.kernel, 'kernel'));
          await accessWarning(src.kernel, 'kernel');
          if (src.initrd) {
            await fileCheck('spec.source.initrd', () => checkReadableFile(src.initrd!, 'initrd'));
            await accessWarning(src.initrd, 'initrd');
          }
        }
        break;
      case 'url':
        // Checked above (installTreeOrError); the boot files are fetched at create time.
        warnings.push('the installer runs once; when it finishes and reboots, Virtdesk starts the VM again from its disk (if Virtdesk is not running then, start the VM yourself)');
        break;
      case 'cloud': {
        if (local) {
          const info = await fileCheck('spec.source.image', () => probeDiskImage(src.image, 'cloud image'));
          if (info.backingFile) throw invalid('spec.source.image', `cloud image '${src.image}' is an overlay on '${info.backingFile}'; use a standalone image`);
          cloudImage = { bytes: (await fs.stat(src.image)).size, virtualBytes: info.virtualSizeBytes };
        } else {
          const vol = index.atPath(src.image);
          if (!vol) throw invalid('spec.source.image', `the cloud image '${src.image}' must be a volume of a storage pool on the remote host`);
          const info = await api.volumeInfo(vol.pool, vol.volume);
          cloudImage = { bytes: info.allocation, virtualBytes: info.capacity };
        }
        break;
      }
      case 'none':
        break;
    }

    // Storage.
    let newVolume: Prepared['newVolume'];
    const st = spec.storage;
    if (st.kind === 'new') {
      const pool = requirePool(pools, st.pool, 'spec.storage.pool');
      const bytes = gibToBytes(st.sizeGiB);
      if (cloudImage && bytes < cloudImage.virtualBytes) {
        throw invalid('spec.storage.sizeGiB', `disk size ${fmtGiB(bytes)} is smaller than the cloud image itself (${fmtGiB(cloudImage.virtualBytes)}); choose at least ${Math.ceil((cloudImage.virtualBytes / GiB) * 10) / 10} GiB`);
      }
      if (bytes > pool.available) {
        throw invalid('spec.storage.sizeGiB', `disk size ${fmtGiB(bytes)} is more than the free space of storage pool '${pool.name}' (${fmtGiB(pool.available)})`);
      }
      const ext = st.format === 'qcow2' ? '.qcow2' : '.img';
      const taken = (n: string) => !!index.named(pool.name, n) || (!!pool.path && index.atPath(path.join(pool.path, n)) !== undefined);
      let volName: string;
      if (st.name) {
        if (taken(st.name)) throw invalid('spec.storage.name', `a volume named '${st.name}' already exists in storage pool '${pool.name}'`);
        volName = st.name;
      } else {
        volName = uniqueVolumeName(spec.name, ext, taken);
      }
      if (local && pool.path) {
        // A file libvirt does not know yet (created behind its back) would make the create fail late.
        const exists = await fs.stat(path.join(pool.path, volName)).then(() => true, () => false);
        if (exists) {
          if (st.name) throw invalid('spec.storage.name', `a file named '${volName}' already exists in the folder of storage pool '${pool.name}'`);
          volName = uniqueVolumeName(spec.name, ext, (n) => taken(n) || n === volName);
        }
      }
      const predictedPath = pool.path ? path.join(pool.path, volName) : `${pool.name}/${volName}`;
      newVolume = { pool: pool.name, name: volName, format: st.format, xml: buildVolumeXml({ name: volName, capacityBytes: bytes, format: st.format }), predictedPath, capacityBytes: bytes, poolPath: pool.path };
      disks.volume = { path: predictedPath, format: st.format };
    } else if (st.kind === 'existing') {
      const pool = requirePool(pools, st.pool, 'spec.storage.pool');
      const vol = index.named(pool.name, st.volume);
      if (!vol) throw notFound('spec.storage.volume', `no volume named '${st.volume}' in storage pool '${pool.name}'`);
      const users = usedByOthers(vol.path);
      if (users.length) throw invalid('spec.storage.volume', `volume '${st.volume}' is already used by VM ${users.map((n) => `'${n}'`).join(', ')}`);
      const f = readVolumeXml(await api.volumeXml(pool.name, vol.volume)).format;
      if (f !== 'qcow2' && f !== 'raw') throw invalid('spec.storage.volume', `volume '${st.volume}' has format '${f ?? 'unknown'}'; supported: qcow2, raw`);
      disks.volume = { path: vol.path, format: f };
    }

    // Network.
    const net = spec.network;
    if (net.kind === 'network') {
      const nets = await api.listNetworks();
      const n = nets.find((x) => x.name === net.name);
      if (!n) throw notFound('spec.network.name', `no virtual network named '${net.name}'${nets.length ? ` (networks: ${nets.map((x) => x.name).join(', ')})` : ''}`);
      if (!n.active) {
        if (forStart) throw invalid('spec.network.name', `virtual network '${net.name}' is not running: start it first (network.start), or create the VM without starting it`);
        warnings.push(`virtual network '${net.name}' is not running; start it before starting the VM`);
      }
    } else if (net.kind === 'bridge' && local) {
      const isBridge = await fs.stat(`/sys/class/net/${net.name}/bridge`).then(() => true, () => false);
      if (!isBridge) throw invalid('spec.network.name', `there is no bridge interface named '${net.name}' on this host`);
    }

    // Extra volumes: the installer's boot files, the cloud-init seed (in the disk's pool).
    const diskPool = st.kind === 'none' ? null : requirePool(pools, st.pool, 'spec.storage.pool');
    const reserved = new Set<string>(newVolume ? [newVolume.name] : []);
    const extraName = (suffix: string): string => {
      const n = uniqueVolumeName(`${spec.name}-${suffix}`, '', (x) => reserved.has(x) || !!index.named(diskPool!.name, x));
      reserved.add(n);
      return n;
    };
    let install: Prepared['install'];
    if (tree && diskPool) {
      const cmdline = [tree.cmdline, spec.source.kind === 'url' ? spec.source.cmdline ?? '' : ''].filter(Boolean).join(' ');
      install = { tree, cmdline, pool: diskPool.name, kernelName: extraName('install-kernel'), initrdName: extraName('install-initrd') };
    }
    let cloud: Prepared['cloud'];
    if (src.kind === 'cloud' && diskPool && cloudImage) {
      const seedName = extraName('cidata.iso');
      const seedPredictedPath = diskPool.path ? path.join(diskPool.path, seedName) : `${diskPool.name}/${seedName}`;
      cloud = { image: src.image, imageBytes: cloudImage.bytes, seedPool: diskPool.name, seedName, seedPredictedPath };
      disks.cdrom = seedPredictedPath;
    }

    const plan = planDomain(spec, check.choices, facts, os, disks, randomUUID());
    if (cloud) plan.virtdesk = { template: false, tags: [], disks: [], seed: { pool: cloud.seedPool, volume: cloud.seedName, path: cloud.seedPredictedPath } };
    return { plan, xml: buildDomainXml(plan), warnings, ...(newVolume ? { newVolume } : {}), ...(install ? { install } : {}), ...(cloud ? { cloud } : {}) };
  }

  async function createVm(uri: string, client: LibvirtHostClient, spec: VmSpec, start: boolean, progressId?: string): Promise<CreateMethodResult<'vm.create'>> {
    const api = client.api;
    const progress = (step: CreateStep, extra: { detail?: string; done?: number; total?: number } = {}) => {
      if (progressId) deps.emit?.({ type: 'vm.createProgress', connection: uri, progressId, name: spec.name, step, ...extra });
    };
    progress('check');
    if (spec.source.kind === 'url' && !start) {
      throw invalid('start', 'a network install boots its installer once, right when the VM is created: create it with start');
    }
    const prepared = await prepare(uri, client, spec, start);
    const done: string[] = [];
    let step = 'validate';
    /** Volumes made so far, removed again when a later step fails. */
    const made: CreatedVolume[] = [];
    let volume: CreatedVolume | undefined;
    let uuid: string | undefined;
    let started = false;
    const paths = new Map<string, string>();
    const planWithPaths = (plan: DomainPlan): DomainPlan => ({ ...plan, disks: plan.disks.map((d) => ({ ...d, path: paths.get(d.path) ?? d.path })), ...(plan.virtdesk?.seed ? { virtdesk: { ...plan.virtdesk, seed: { ...plan.virtdesk.seed, path: paths.get(plan.virtdesk.seed.path) ?? plan.virtdesk.seed.path } } } : {}) });
    const bytes = (p: { done: number; total?: number }) => ({ done: p.done, ...(p.total !== undefined ? { total: p.total } : {}) });
    try {
      const { install, cloud, newVolume } = prepared;
      let boot: { kernel: CreatedVolume; initrd: CreatedVolume } | undefined;
      if (install) {
        step = `download the installer kernel ${install.tree.kernelUrl}`;
        progress('download-kernel', { detail: install.tree.kernelUrl });
        const kernel = await downloadAsVolume(api, install.tree.kernelUrl, install.pool, install.kernelName, (p) => progress('download-kernel', { detail: install.tree.kernelUrl, ...bytes(p) }), deps.urlPolicy?.());
        made.push(kernel);
        step = `download the installer initrd ${install.tree.initrdUrl}`;
        progress('download-initrd', { detail: install.tree.initrdUrl });
        const initrd = await downloadAsVolume(api, install.tree.initrdUrl, install.pool, install.initrdName, (p) => progress('download-initrd', { detail: install.tree.initrdUrl, ...bytes(p) }), deps.urlPolicy?.());
        made.push(initrd);
        boot = { kernel, initrd };
      }
      if (newVolume) {
        if (cloud) {
          step = `copy the cloud image '${cloud.image}' into pool '${newVolume.pool}'`;
          progress('copy-image', { detail: cloud.image, done: 0, total: cloud.imageBytes });
          volume = await copyImageToVolume(
            api,
            { image: cloud.image, pool: newVolume.pool, poolPath: newVolume.poolPath, name: newVolume.name, format: newVolume.format, capacityBytes: newVolume.capacityBytes, local: isLocalConnection(uri), sourceBytes: cloud.imageBytes },
            (p) => progress('copy-image', { detail: cloud.image, ...bytes(p) }),
          );
        } else {
          step = `create the disk volume '${newVolume.name}' in pool '${newVolume.pool}'`;
          progress('volume', { detail: newVolume.name });
          const v = await api.createVolume(newVolume.pool, newVolume.xml);
          volume = { pool: newVolume.pool, name: v.name, path: v.path };
        }
        made.push(volume);
        paths.set(newVolume.predictedPath, volume.path);
      }
      if (cloud && spec.source.kind === 'cloud') {
        step = `build the cloud-init seed ISO '${cloud.seedName}'`;
        progress('seed', { detail: cloud.seedName });
        const ci = spec.source.cloudInit;
        const content = seedContent(ci, {
          instanceId: `iid-${prepared.plan.uuid}`,
          hostname: ci.hostname ?? hostnameFromName(spec.name),
          ...(ci.password !== undefined ? { passwordHash: await hashPassword(ci.password) } : {}),
        });
        const seed = await seedVolume(api, cloud.seedPool, cloud.seedName, content);
        made.push(seed);
        paths.set(cloud.seedPredictedPath, seed.path);
      }
      const finalPlan = planWithPaths(prepared.plan);
      const xml = buildDomainXml(finalPlan);
      step = 'define the VM';
      progress('define');
      const defined = await api.defineDomain(deps.hooks?.beforeDefine ? deps.hooks.beforeDefine(xml) : xml);
      uuid = defined.uuid;
      if (boot && install) {
        step = 'start the installer';
        progress('start');
        // The definition boots from disk; this one boot runs the installer (virt-install's way).
        await api.createDomain(
          buildDomainXml({
            ...finalPlan,
            kernel: { path: boot.kernel.path, initrd: boot.initrd.path, ...(install.cmdline ? { cmdline: install.cmdline } : {}) },
            bootOrder: [],
            onReboot: 'destroy',
            virtdesk: { ...(finalPlan.virtdesk ?? EMPTY_META), installer: true },
          }),
        );
        started = true;
        // QEMU has read the kernel and initrd: they are not needed any more.
        progress('cleanup');
        for (const v of [boot.kernel, boot.initrd]) {
          await api.deleteVolume(v.pool, v.name).catch(() => undefined);
          made.splice(made.indexOf(v), 1);
        }
      } else if (start) {
        step = 'start the VM';
        progress('start');
        await api.startDomain({ uuid });
        started = true;
      }
    } catch (e) {
      const failed = toApiError(e);
      const problems: string[] = [];
      if (uuid) {
        try {
          await removeDomain(api, { uuid });
          done.push('removed the VM definition');
        } catch (u) {
          problems.push(`the VM definition could not be removed: ${errText(u)}`);
        }
      }
      for (const v of made.reverse()) {
        try {
          await api.deleteVolume(v.pool, v.name);
          done.push(`deleted the volume '${v.name}'`);
        } catch (u) {
          problems.push(`the volume '${v.path}' could not be deleted: ${errText(u)}`);
        }
      }
      const rolled = done.length || problems.length ? ` Rolled back: ${[...done, ...problems].join('; ')}.` : ' Nothing had been created.';
      throw new ApiError(failed.code === 'NOT_FOUND' ? 'LIBVIRT' : failed.code, `creating VM '${spec.name}' failed at step '${step}': ${failed.message}.${rolled}`, failed.field, failed.libvirtCode);
    }
    return { vm: { uuid: uuid!, name: spec.name, connection: uri }, warnings: prepared.warnings, ...(volume ? { createdVolume: volume } : {}), started };
  }

  // ---- delete ----
  async function deletePlan(uri: string, api: Api, vm: { uuid: string } | { name: string }): Promise<DeletePlan & { poolsByPath: Map<string, VolumeRef> }> {
    const d = await api.lookupDomain(vm);
    let pools = await api.listPools();
    let usage = await usageOf(uri, api, pools);
    let { records, index } = usage;
    const own = records.find((r) => r.uuid === d.uuid);
    const disks = own ? recordDisks(own) : [];
    // Files created in a pool folder behind libvirt's back are unknown until the pool is refreshed.
    const unknownDirs = new Set(disks.map((x) => index.pathOf(x)).filter((p): p is string => !!p && !index.atPath(p)).map((p) => path.dirname(p)));
    const toRefresh = (unknownDirs.size ? await poolInfos(api) : []).filter((p) => p.active && p.path && unknownDirs.has(p.path));
    if (toRefresh.length) {
      await Promise.all(toRefresh.map((p) => api.refreshPool(p.name).catch(() => undefined)));
      pools = await api.listPools();
      usage = await usageOf(uri, api, pools);
      ({ records, index } = usage);
    }
    const seed = own ? readVirtdeskMeta(own.inactiveXml ?? own.xml)?.seed : undefined;
    const out: DeletePlanDisk[] = [];
    const seen = new Set<string>();
    for (const disk of disks) {
      const p = index.pathOf(disk);
      if (!p) continue; // network disks and the like: nothing on this host to delete
      if (seen.has(p)) continue;
      seen.add(p);
      const vol = index.atPath(p);
      const base: DeletePlanDisk = { path: p, target: disk.target, device: disk.device, ...(vol ? { pool: vol.pool, volume: vol.volume, sizeBytes: vol.capacity } : {}), deletable: false };
      const inUse = deleteRefusal(usage, p, d.uuid);
      let reason: string | undefined;
      const isOwnSeed = !!seed && seed.path === p && !!vol && vol.pool === seed.pool && vol.volume === seed.volume;
      if (isOwnSeed && !inUse) reason = undefined; // the cloud-init seed Virtdesk made for this VM
      else if (disk.device === 'cdrom' || disk.device === 'floppy') reason = `${disk.device === 'cdrom' ? 'CD-ROM' : 'floppy'} media are never deleted`;
      else if (disk.readonly) reason = 'read-only disk';
      else if (disk.shareable) reason = 'shareable disk (meant for several VMs)';
      else if (inUse) reason = inUse;
      else if (!vol) reason = 'not a volume of a running storage pool; delete the file by hand if you no longer need it';
      out.push(reason ? { ...base, reason } : { ...base, deletable: true });
    }
    const poolsByPath = new Map<string, VolumeRef>();
    for (const x of out) {
      const v = index.atPath(x.path);
      if (v) poolsByPath.set(x.path, v);
    }
    // UEFI VMs get their NVRAM file at first start (firmware autoselection): either sign counts.
    const hasNvram = !!own && [own.xml, own.inactiveXml].some((x) => !!x && (/<nvram[\s>]/.test(x) || readDomainXml(x).firmware === 'uefi'));
    return {
      vm: { uuid: d.uuid, name: d.name, state: d.state },
      disks: out,
      running: d.id !== -1,
      hasNvram,
      hasManagedSave: d.hasManagedSave,
      poolsByPath,
    };
  }

  // ---- storage pool helpers ----
  async function poolUsers(uri: string, api: Api, pool: string): Promise<string[]> {
    const usage = await usageOf(uri, api);
    const vols = await api.listVolumes(pool).catch(() => []);
    return [...new Set(vols.flatMap((v) => vmUsersOf(usage, v.path)))].sort();
  }

  const poolAction = (action: 'startPool' | 'stopPool' | 'refreshPool') => async (i: { connection?: string; pool: string }) => {
    const { api } = await conn(i.connection);
    await api[action](i.pool);
  };

  // ---- handlers ----
  return {
    'vm.create': async (i) => {
      const { uri, client } = await conn(i.connection);
      return locked(uri, () => createVm(uri, client, i.spec, i.start, i.progressId));
    },
    'vm.createPreview': async (i) => {
      const { uri, client } = await conn(i.connection);
      const p = await prepare(uri, client, i.spec, false);
      return { xml: p.xml, warnings: p.warnings };
    },
    'vm.deletePlan': async (i) => {
      const { uri, api } = await conn(i.connection);
      const { poolsByPath, ...plan } = await deletePlan(uri, api, i.vm);
      void poolsByPath;
      return plan;
    },
    'vm.delete': async (i) => {
      const { uri, api } = await conn(i.connection);
      return locked(uri, async () => {
        const plan = await deletePlan(uri, api, i.vm);
        const wanted = [...new Set(i.deleteDisks)];
        for (const p of wanted) {
          const disk = plan.disks.find((x) => x.path === p);
          if (!disk) throw invalid('deleteDisks', `'${p}' is not a disk of VM '${plan.vm.name}'; nothing was deleted`);
          if (!disk.deletable) throw invalid('deleteDisks', `'${p}' cannot be deleted (${disk.reason}); nothing was deleted`);
        }
        const ref = { uuid: plan.vm.uuid };
        const d = await api.lookupDomain(ref);
        if (d.id !== -1) await api.destroyDomain(ref);
        if (d.persistent) await undefineWithEverything(api, ref);
        const deletedDisks: string[] = [];
        const failedDisks: { path: string; error: string }[] = [];
        for (const p of wanted) {
          const v = plan.poolsByPath.get(p)!;
          try {
            await api.deleteVolume(v.pool, v.volume);
            deletedDisks.push(p);
          } catch (e) {
            failedDisks.push({ path: p, error: errText(e) });
          }
        }
        return { deletedDisks, failedDisks };
      });
    },

    'os.search': async (i) => osinfo.searchOs(i.query, i.limit ?? 50),
    'os.defaults': async (i) => {
      const d = await osinfo.osDefaults(i.id);
      if (!d) throw notFound('id', `unknown OS '${i.id}' (find ids with os.search)`);
      return d;
    },
    'os.detect': async (i) => {
      let file: string;
      try {
        file = await requireInsideRoots(i.path, await connectionFileRoots(deps, i.connection), 'file');
      } catch (e) {
        if (e instanceof OutsideRootsError) throw invalid('path', e.message);
        throw e;
      }
      await fileCheck('path', () => checkReadableFile(file, 'file'));
      const ids = { volumeId: '', systemId: '', publisherId: '', applicationId: '' };
      try {
        const r = await osinfo.detectOsFromIso(file);
        Object.assign(ids, { volumeId: r.volumeId, systemId: r.systemId, publisherId: r.publisherId, applicationId: r.applicationId });
        if (r.os) return { os: r.os, detectedBy: 'volume-id' as const, ...ids };
      } catch (e) {
        if (!(e instanceof NotAnIsoError)) throw e;
      }
      // Disk and cloud images (and ISOs osinfo-db has no rule for): the file name.
      for (const c of osCandidatesFromFileName(i.path)) {
        const os = await osinfo.get(c);
        if (os) return { os, detectedBy: 'file-name' as const, ...ids };
      }
      return { os: null, detectedBy: null, ...ids };
    },
    'os.detectUrl': async (i) => {
      const tree = await installTreeOrError(i.url, 'url', deps.urlTimeoutMs ?? 5000, deps.urlPolicy?.());
      let os: OsSummary | null = null;
      for (const c of tree.osCandidates) {
        os = await osinfo.get(c);
        if (os) break;
      }
      return { url: tree.url, family: tree.family, name: tree.name, os, kernelUrl: tree.kernelUrl, initrdUrl: tree.initrdUrl, cmdline: tree.cmdline };
    },

    'host.createOptions': async (i) => {
      const { uri, client, api } = await conn(i.connection);
      const facts = await hostFacts(uri, client);
      const [pools, records, info] = await Promise.all([poolInfos(api), api.allDomainXml(), osinfo.info()]);
      const networks = await networkDetails(api, records);
      const options: CreateOptions = {
        connection: uri,
        uefi: facts.uefi,
        tpm: facts.tpm,
        kvm: facts.domainTypes.includes('kvm'),
        domainTypes: facts.domainTypes,
        defaultDomainType: facts.domainTypes.includes('kvm') ? 'kvm' : 'qemu',
        // Aliases (pc, q35, …), not every versioned machine type.
        machines: facts.machines.filter((m) => !/-\d/.test(m)).sort(),
        memoryTotalMiB: facts.memoryTotalMiB,
        memoryFreeMiB: facts.memoryFreeMiB,
        cpus: facts.cpus,
        pools,
        networks,
        portForwarding: facts.portForwarding,
        local: facts.local,
        osinfo: { source: info.source, count: info.count },
      };
      return options;
    },

    'storage.pools': async (i) => {
      const { api } = await conn(i.connection);
      return poolInfos(api);
    },
    'storage.definePool': async (i) => {
      const { uri, api } = await conn(i.connection);
      return locked(uri, async () => {
        const pools = await poolInfos(api);
        if (pools.some((p) => p.name === i.name)) throw invalid('name', `a storage pool named '${i.name}' already exists`);
        // libvirt builds a dir pool by creating the folder and setting its owner and mode: never on a system folder.
        const problem = poolsAreLocalFolders(uri) ? rootProblem(i.path) : i.path.replace(/\/+$/, '') === '' ? "'/' would show the whole computer" : null;
        if (problem) throw invalid('path', `${problem}: choose a folder of its own for the pool's images (e.g. under /var/lib/libvirt/images)`);
        const same = pools.find((p) => p.path === i.path);
        if (same) throw invalid('path', `storage pool '${same.name}' already uses the folder '${i.path}'`);
        const xml = buildDirPoolXml({ name: i.name, path: i.path });
        try {
          await api.definePool(xml, { build: true, start: i.start, autostart: i.autostart });
        } catch (e) {
          // definePool defines first, then builds/starts: remove a half-made pool.
          const now = await api.listPools().catch(() => []);
          if (now.some((p) => p.name === i.name)) {
            await api.stopPool(i.name).catch(() => undefined);
            await api.undefinePool(i.name).catch(() => undefined);
          }
          const err = toApiError(e);
          throw new ApiError(err.code, `could not create storage pool '${i.name}': ${err.message}`, err.field, err.libvirtCode);
        }
        const out = (await poolInfos(api)).find((p) => p.name === i.name);
        if (!out) throw new ApiError('INTERNAL', `storage pool '${i.name}' vanished after it was defined`);
        return out;
      });
    },
    'storage.startPool': poolAction('startPool'),
    'storage.stopPool': poolAction('stopPool'),
    'storage.refreshPool': poolAction('refreshPool'),
    'storage.setPoolAutostart': async (i) => {
      const { api } = await conn(i.connection);
      await api.setPoolAutostart(i.pool, i.autostart);
    },
    'storage.deletePool': async (i) => {
      const { uri, api } = await conn(i.connection);
      await locked(uri, async () => {
        const pools = await api.listPools();
        const p = pools.find((x) => x.name === i.pool);
        if (!p) throw notFound('pool', `no storage pool named '${i.pool}'`);
        if (!i.force && p.active) {
          const users = await poolUsers(uri, api, i.pool);
          if (users.length) throw invalid('pool', `storage pool '${i.pool}' has volumes in use by VM ${users.map((n) => `'${n}'`).join(', ')}; delete or change those VMs first, or use force`);
        }
        if (p.active) await api.stopPool(i.pool);
        if (p.persistent) await api.undefinePool(i.pool);
      });
    },
    'storage.volumes': async (i) => {
      const { uri, api } = await conn(i.connection);
      const pools = await api.listPools();
      requirePool(pools.map((p) => ({ ...p, type: null, path: null })), i.pool, 'pool');
      const [usage, vols] = await Promise.all([usageOf(uri, api, pools), api.listVolumes(i.pool)]);
      return Promise.all(vols.map((v) => volumeDetails(api, i.pool, v, usage)));
    },
    'storage.createVolume': async (i) => {
      const { uri, api } = await conn(i.connection);
      return locked(uri, async () => {
        const pools = await poolInfos(api);
        const pool = requirePool(pools, i.pool, 'pool');
        const vols = await api.listVolumes(pool.name);
        if (vols.some((v) => v.name === i.name)) throw invalid('name', `a volume named '${i.name}' already exists in storage pool '${pool.name}'`);
        const bytes = gibToBytes(i.sizeGiB);
        if (bytes > pool.available) throw invalid('sizeGiB', `size ${fmtGiB(bytes)} is more than the free space of storage pool '${pool.name}' (${fmtGiB(pool.available)})`);
        const v = await api.createVolume(pool.name, buildVolumeXml({ name: i.name, capacityBytes: bytes, format: i.format }));
        return volumeDetails(api, pool.name, v, null);
      });
    },
    'storage.deleteVolume': async (i) => {
      const { uri, api } = await conn(i.connection);
      await locked(uri, async () => {
        const v = await api.volumeInfo(i.pool, i.name);
        const why = deleteRefusal(await usageOf(uri, api), v.path);
        if (why) throw invalid('name', `volume '${i.name}' cannot be deleted: ${why}; nothing was deleted`);
        await api.deleteVolume(i.pool, i.name);
      });
    },
    'storage.resizeVolume': async (i) => {
      const { uri, api } = await conn(i.connection);
      return locked(uri, async () => {
        const v = await api.volumeInfo(i.pool, i.name);
        const bytes = gibToBytes(i.sizeGiB);
        if (bytes <= v.capacity) throw invalid('sizeGiB', `${fmtGiB(bytes)} is not more than the current size of '${i.name}' (${fmtGiB(v.capacity)}); volumes can only grow`);
        const usage = await usageOf(uri, api);
        const running = [...new Set((usage.users.get(v.path) ?? []).filter((u) => u.kind === 'vm' && u.active).map((u) => u.name))];
        if (running.length) throw invalid('name', `volume '${i.name}' is in use by running VM ${running.map((n) => `'${n}'`).join(', ')}; shut it down first`);
        await api.resizeVolume(i.pool, i.name, bytes);
        return volumeDetails(api, i.pool, await api.volumeInfo(i.pool, i.name), usage);
      });
    },

    'network.list': async (i) => {
      const { api } = await conn(i.connection);
      return networkDetails(api);
    },
    'network.create': async (i) => {
      const { uri, api } = await conn(i.connection);
      return locked(uri, async () => {
        const existing = await networkDetails(api);
        if (existing.some((n) => n.name === i.name)) throw invalid('name', `a virtual network named '${i.name}' already exists`);
        const mask = (0xffffffff << (32 - i.ipv4.prefix)) >>> 0;
        const mine = (ipToInt(i.ipv4.address) & mask) >>> 0;
        for (const n of existing) {
          if (!n.ipv4) continue;
          const m = (0xffffffff << (32 - n.ipv4.prefix)) >>> 0;
          const shared = (mask & m) >>> 0; // the shorter prefix decides overlap
          if (((ipToInt(n.ipv4.address) & shared) >>> 0) === ((mine & shared) >>> 0)) {
            throw invalid('ipv4.address', `subnet ${i.ipv4.address}/${i.ipv4.prefix} overlaps network '${n.name}' (${n.ipv4.address}/${n.ipv4.prefix})`);
          }
        }
        const xml = buildNetworkXml({ name: i.name, mode: i.mode, ipv4: i.ipv4 });
        await api.defineNetwork(xml);
        try {
          if (i.start) await api.startNetwork(i.name);
          if (i.autostart) await api.setNetworkAutostart(i.name, true);
        } catch (e) {
          await api.stopNetwork(i.name).catch(() => undefined);
          await api.undefineNetwork(i.name).catch(() => undefined);
          const err = toApiError(e);
          throw new ApiError(err.code, `could not start virtual network '${i.name}' (it was removed again): ${err.message}`, err.field, err.libvirtCode);
        }
        const out = (await networkDetails(api)).find((n) => n.name === i.name);
        if (!out) throw new ApiError('INTERNAL', `virtual network '${i.name}' vanished after it was defined`);
        return out;
      });
    },
    'network.start': async (i) => {
      const { api } = await conn(i.connection);
      await api.startNetwork(i.name);
    },
    'network.stop': async (i) => {
      const { api } = await conn(i.connection);
      if (!i.force) {
        const users = networkUsers(await api.allDomainXml(), i.name, true);
        if (users.length) throw invalid('name', `running VM ${users.map((n) => `'${n}'`).join(', ')} ${users.length > 1 ? 'are' : 'is'} attached to '${i.name}'; stop ${users.length > 1 ? 'them' : 'it'} first, or use force`);
      }
      await api.stopNetwork(i.name);
    },
    'network.setAutostart': async (i) => {
      const { api } = await conn(i.connection);
      await api.setNetworkAutostart(i.name, i.autostart);
    },
    'network.delete': async (i) => {
      const { uri, api } = await conn(i.connection);
      await locked(uri, async () => {
        const nets = await api.listNetworks();
        const n = nets.find((x) => x.name === i.name);
        if (!n) throw notFound('name', `no virtual network named '${i.name}'`);
        if (!i.force) {
          const users = networkUsers(await api.allDomainXml(), i.name);
          if (users.length) throw invalid('name', `VM ${users.map((u) => `'${u}'`).join(', ')} ${users.length > 1 ? 'use' : 'uses'} virtual network '${i.name}'; change ${users.length > 1 ? 'their' : 'its'} network first, or use force`);
        }
        if (n.active) await api.stopNetwork(i.name);
        if (n.persistent) await api.undefineNetwork(i.name);
      });
    },

    'fs.browse': async (i) => {
      const roots = await connectionFileRoots(deps, i.connection);
      try {
        return await browse(i.path, roots, { showHidden: i.showHidden });
      } catch (e) {
        if (e instanceof BrowseError) throw e.code === 'NOT_FOUND' ? notFound('path', e.message) : invalid('path', e.message);
        throw e;
      }
    },
  };
}
