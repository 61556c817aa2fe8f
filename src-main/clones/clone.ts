// Full and linked clones of a shut-off VM, templates and the linked clones that depend on them.
//
// Full: every writable disk is copied through the storage API (virStorageVolCreateXMLFrom: a
// qcow2 copy `<name>-<target>.qcow2` in the source disk's pool, flattened: it needs nothing of
// the source afterwards). Linked: a qcow2 overlay per writable disk whose backing file is the
// source's disk; the source is marked as a template in Virtdesk's metadata. Both get a new name,
// UUID and MAC addresses, and fresh UEFI NVRAM from the firmware's template (see clone-domain.ts:
// NVRAM is no storage volume, so copying it would work for local hosts only, and a fresh store
// only loses boot entries — installed systems also boot through the removable-media path).
// Read-only disks and CD-ROMs are shared. On any failure, what was created is removed again.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../contract';
import { throwIfCancelled } from '../api/cancellation';
import type { CloneResult, TemplateInfo } from '../contract';
import type { DomainRef, DomainXmlRecord } from '../libvirt/protocol';
import { LibvirtError } from '../libvirt/errors';
import { buildCopyVolumeXml, buildOverlayVolumeXml, cloneVolumeName } from '../xml/build-overlay';
import { cloneDomainXml, type CloneDisk } from '../xml/clone-domain';
import { domainDisks, readDomainXml, type DomainDisk } from '../xml/read-domain';
import { EMPTY_META, VIRTDESK_NS, VIRTDESK_PREFIX, buildMetadataElement, readMetadataElement, readVirtdeskMeta, type VirtdeskDiskMeta, type VirtdeskMeta } from '../xml/virtdesk-meta';
import { probeDiskImage, FileCheckError } from '../storage/disk-image';
import { recordDisks } from '../storage/usage';
import { ensureLabsPool, type Api } from './storage';
import { indexFor, volumeFacts, type PoolInfo } from '../storage/pools';

const invalid = (field: string, message: string): ApiError => new ApiError('INVALID_INPUT', message, field);
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Disks a VM writes to: the ones a clone must copy or overlay. CD-ROMs, read-only and shareable disks are shared. */
export function writableDisks(disks: DomainDisk[]): DomainDisk[] {
  return disks.filter((d) => d.device === 'disk' && !d.readonly && !d.shareable);
}

/** Forces off (if running) and undefines with everything that belongs to the domain. */
export async function removeDomain(api: Api, ref: DomainRef): Promise<void> {
  const st = await api.domainState(ref).catch(() => null);
  if (st && st.state !== 'shutoff') await api.destroyDomain(ref).catch(() => undefined);
  await undefineWithEverything(api, ref);
}

/**
 * Undefines a domain with everything that belongs to it (NVRAM, managed save, snapshot and
 * checkpoint metadata, TPM state). Drivers without TPM state, checkpoints or NVRAM refuse those
 * flags (unsupported / invalid argument): retry with fewer.
 */
export async function undefineWithEverything(api: Api, ref: DomainRef): Promise<void> {
  const attempts = [
    { nvram: true, managedSave: true, snapshotsMetadata: true, checkpointsMetadata: true, tpm: true },
    { nvram: true, managedSave: true, snapshotsMetadata: true },
    { managedSave: true, snapshotsMetadata: true },
    {}, // LXC accepts no undefine flags
  ];
  for (let i = 0; ; i++) {
    try {
      await api.undefineDomain(ref, attempts[i]);
      return;
    } catch (e) {
      if (i === attempts.length - 1 || !(e instanceof LibvirtError) || ![3, 8, 84].includes(e.code)) throw e;
    }
  }
}

/** Virtdesk's metadata of a domain record (persistent definition first). */
export function recordMeta(r: DomainXmlRecord): VirtdeskMeta | null {
  return (r.inactiveXml ? readVirtdeskMeta(r.inactiveXml) : null) ?? readVirtdeskMeta(r.xml);
}

/** Marks a VM as a template (config). Returns false when it already was one. */
export async function markTemplate(api: Api, ref: DomainRef): Promise<boolean> {
  const current = readMetadataElement(await api.domainMetadata(ref, { type: 'element', uri: VIRTDESK_NS, inactive: true }));
  if (current?.template) return false;
  const next: VirtdeskMeta = { ...(current ?? EMPTY_META), template: true };
  await api.setDomainMetadata(ref, { type: 'element', value: buildMetadataElement(next), key: VIRTDESK_PREFIX, uri: VIRTDESK_NS, config: true });
  return true;
}

/** Undoes markTemplate (rollback). */
export async function unmarkTemplate(api: Api, ref: DomainRef): Promise<void> {
  const current = readMetadataElement(await api.domainMetadata(ref, { type: 'element', uri: VIRTDESK_NS, inactive: true }));
  if (!current?.template) return;
  const next: VirtdeskMeta = { ...current, template: false };
  const empty = !next.lab && !next.linkedFrom && next.tags.length === 0 && next.disks.length === 0;
  await api.setDomainMetadata(ref, { type: 'element', value: empty ? null : buildMetadataElement(next), key: VIRTDESK_PREFIX, uri: VIRTDESK_NS, config: true });
}

/** Names of the VMs whose disks sit on `paths` (by our metadata, or by a live backing chain). */
export function dependentsOf(records: DomainXmlRecord[], paths: ReadonlySet<string>, exceptUuid?: string, sourceUuid?: string): string[] {
  const out = new Set<string>();
  for (const r of records) {
    if (r.uuid === exceptUuid) continue;
    const meta = recordMeta(r);
    if (meta?.disks.some((d) => paths.has(d.base)) || (sourceUuid && meta?.linkedFrom?.uuid === sourceUuid)) {
      out.add(r.name);
      continue;
    }
    if (recordDisks(r).some((d) => d.backing.some((b) => paths.has(b)))) out.add(r.name);
  }
  return [...out].sort();
}

export async function templateInfo(api: Api, vm: DomainRef): Promise<TemplateInfo> {
  const d = await api.lookupDomain(vm);
  const records = await api.allDomainXml();
  const own = records.find((r) => r.uuid === d.uuid);
  const paths = new Set(own ? writableDisks(recordDisks(own)).map((x) => x.path).filter((p): p is string => !!p) : []);
  return { template: !!(own && recordMeta(own)?.template), linkedClones: dependentsOf(records, paths, d.uuid, d.uuid) };
}

interface DiskPlan {
  disk: DomainDisk;
  source: string;
  pool: string;
  poolPath: string | null;
  volume: string;
  capacity: number;
  /** Bytes a full copy writes (the source's allocation). */
  bytes: number;
  baseFormat: 'qcow2' | 'raw';
  /** The overlay goes to the virtdesk-labs pool (base not in a pool). */
  needsLabsPool: boolean;
}

export interface CloneOptions {
  api: Api;
  uri: string;
  /** The disk paths are on this computer (local connection): progress and size probes. */
  local: boolean;
  vm: DomainRef;
  name: string;
  mode: 'full' | 'linked';
  onProgress?: (p: { done: number; total: number }) => void;
  /** vm.cancel: checked before each step; a cancelled clone is rolled back. */
  signal?: AbortSignal;
}

export async function cloneVm(o: CloneOptions): Promise<CloneResult> {
  const { api, mode, name } = o;
  const t0 = performance.now();
  const src = await api.lookupDomain(o.vm);
  if (src.id !== -1 || src.state !== 'shutoff') {
    throw invalid(
      'vm',
      mode === 'linked'
        ? `VM '${src.name}' is ${src.state}: a linked clone needs a shut-off source (its disk would keep changing under the clone); shut it down first`
        : `VM '${src.name}' is ${src.state}: shut it down first (the disks of a running VM cannot be copied consistently)`,
    );
  }
  if ((await api.listDomains()).some((d) => d.name === name)) throw invalid('name', `a VM named '${name}' already exists`);
  const xml = await api.domainXml({ uuid: src.uuid }, { inactive: true });
  const disks = domainDisks(xml);
  const writable = writableDisks(disks);
  const { pools, index } = await indexFor(api, writable.map((d) => d.path).filter((p): p is string => !!p));
  const poolOf = (n: string): PoolInfo | undefined => pools.find((p) => p.name === n);

  // ---- check everything first ----
  const plans: DiskPlan[] = [];
  for (const d of writable) {
    const source = index.pathOf(d);
    if (!source || (d.type !== 'file' && d.type !== 'volume')) {
      throw invalid('vm', `disk ${d.target} of '${src.name}' is a ${d.type} disk${source ? ` ('${source}')` : ''}: only file-based disks can be cloned`);
    }
    const facts = await volumeFacts(api, index, source);
    const volume = cloneVolumeName(name, d.target);
    if (mode === 'full') {
      if (!facts) {
        throw invalid('vm', `disk ${d.target} ('${source}') is not a volume of a running storage pool: full clones copy disks through libvirt's storage API — add its folder as a storage pool first (pool.define)`);
      }
      plans.push({ disk: d, source, pool: facts.ref.pool, poolPath: poolOf(facts.ref.pool)?.path ?? null, volume, capacity: facts.ref.capacity, bytes: facts.allocation || facts.ref.capacity, baseFormat: 'qcow2', needsLabsPool: false });
      continue;
    }
    let baseFormat = d.format ?? facts?.format ?? undefined;
    let capacity = facts?.ref.capacity;
    if (!facts || !capacity || (baseFormat !== 'qcow2' && baseFormat !== 'raw')) {
      if (!o.local) throw invalid('vm', `disk ${d.target} ('${source}') is not a qcow2/raw volume of a storage pool on ${o.uri}; its size and format cannot be checked from here`);
      try {
        const info = await probeDiskImage(source, `disk ${d.target}`);
        baseFormat = info.format;
        capacity = info.virtualSizeBytes;
      } catch (e) {
        if (e instanceof FileCheckError) throw invalid('vm', e.message);
        throw e;
      }
    }
    plans.push({ disk: d, source, pool: facts?.ref.pool ?? '', poolPath: facts ? poolOf(facts.ref.pool)?.path ?? null : null, volume, capacity: capacity!, bytes: 0, baseFormat: baseFormat as 'qcow2' | 'raw', needsLabsPool: !facts });
  }
  for (const p of plans) {
    if (p.needsLabsPool) continue;
    if (index.named(p.pool, p.volume)) throw invalid('name', `a volume named '${p.volume}' already exists in storage pool '${p.pool}'`);
    if (o.local && p.poolPath && (await fs.stat(path.join(p.poolPath, p.volume)).then(() => true, () => false))) {
      throw invalid('name', `a file named '${p.volume}' already exists in the folder of storage pool '${p.pool}'`);
    }
  }

  // ---- create ----
  const created: { pool: string; name: string }[] = [];
  const warnings: string[] = [];
  let defined: string | null = null;
  let step = 'prepare';
  const out: CloneResult['disks'] = [];
  try {
    if (plans.some((p) => p.needsLabsPool)) {
      step = 'prepare the virtdesk-labs storage pool';
      const labs = await ensureLabsPool(api);
      const vols = await api.listVolumes(labs.pool);
      for (const p of plans.filter((x) => x.needsLabsPool)) {
        if (vols.some((v) => v.name === p.volume)) throw invalid('name', `a volume named '${p.volume}' already exists in storage pool '${labs.pool}'`);
        p.pool = labs.pool;
        p.poolPath = labs.path;
      }
    }
    const total = plans.reduce((n, p) => n + p.bytes, 0);
    let doneBefore = 0;
    for (const p of plans) {
      throwIfCancelled(o.signal);
      step = mode === 'full' ? `copy disk ${p.disk.target} to '${p.volume}'` : `create the overlay '${p.volume}' for disk ${p.disk.target}`;
      let timer: NodeJS.Timeout | undefined;
      if (mode === 'full' && o.onProgress && o.local && p.poolPath) {
        const target = path.join(p.poolPath, p.volume);
        const before = doneBefore;
        timer = setInterval(() => {
          void fs.stat(target).then((st) => o.onProgress?.({ done: before + Math.min(p.bytes, st.blocks * 512), total }), () => undefined);
        }, 250);
      }
      try {
        const v =
          mode === 'full'
            ? await api.createVolume(p.pool, buildCopyVolumeXml({ name: p.volume, capacityBytes: p.capacity }), { from: { path: p.source } })
            : await api.createVolume(p.pool, buildOverlayVolumeXml({ name: p.volume, capacityBytes: p.capacity, backingPath: p.source, backingFormat: p.baseFormat }));
        created.push({ pool: p.pool, name: v.name });
        out.push({ target: p.disk.target, source: p.source, path: v.path, pool: p.pool, volume: v.name, bytes: mode === 'full' ? v.allocation : 0 });
      } finally {
        clearInterval(timer);
      }
      doneBefore += p.bytes;
      if (mode === 'full') o.onProgress?.({ done: doneBefore, total });
    }

    throwIfCancelled(o.signal);
    step = 'define the clone';
    const cloneDisks = new Map<string, CloneDisk>(out.map((d) => [d.target, { path: d.path, format: 'qcow2' }]));
    const meta: VirtdeskMeta | null =
      mode === 'linked'
        ? {
            template: false,
            tags: [],
            disks: out.map((d): VirtdeskDiskMeta => ({ target: d.target, pool: d.pool, volume: d.volume, overlay: d.path, base: d.source, baseFormat: plans.find((p) => p.disk.target === d.target)!.baseFormat })),
            linkedFrom: { uuid: src.uuid, name: src.name },
          }
        : null;
    const dom = await api.defineDomain(cloneDomainXml(xml, { name, disks: cloneDisks, meta }));
    defined = dom.uuid;
    if (mode === 'linked') {
      step = `mark '${src.name}' as a template`;
      await markTemplate(api, { uuid: src.uuid });
    }
    const uefi = readDomainXml(xml).firmware === 'uefi';
    if (disks.some((d) => d.device === 'disk' && (d.readonly || d.shareable))) warnings.push('read-only and shareable disks are shared with the source, not copied');
    return {
      vm: { uuid: dom.uuid, name: dom.name, connection: o.uri },
      mode,
      disks: out,
      sharedDisks: disks.filter((d) => !writable.includes(d)).map((d) => index.pathOf(d)).filter((p): p is string => !!p),
      nvram: uefi ? 'fresh-from-template' : 'none',
      warnings,
      ms: Math.round(performance.now() - t0),
    };
  } catch (e) {
    const problems: string[] = [];
    if (defined) await removeDomain(api, { uuid: defined }).catch((u) => problems.push(`the clone's definition could not be removed: ${errText(u)}`));
    for (const v of created.reverse()) await api.deleteVolume(v.pool, v.name).catch((u) => problems.push(`volume '${v.name}' could not be deleted: ${errText(u)}`));
    const err = e instanceof ApiError ? e : new ApiError(e instanceof LibvirtError ? 'LIBVIRT' : 'INTERNAL', errText(e), undefined, e instanceof LibvirtError ? e.code : undefined);
    const rolled = created.length || defined ? ` Rolled back${problems.length ? ` except: ${problems.join('; ')}` : ': removed what was created'}.` : '';
    if (err.code === 'CANCELLED') throw new ApiError('CANCELLED', `cloning '${src.name}' to '${name}' was cancelled after step '${step}'.${rolled || ' Nothing had been created.'}`);
    throw new ApiError(err.code, `cloning '${src.name}' to '${name}' failed at step '${step}': ${err.message}.${rolled}`, err.field, err.libvirtCode);
  }
}
