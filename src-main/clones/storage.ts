// Storage lookups shared by clones and labs: which pool holds a disk (refreshing a pool whose
// folder holds a file libvirt has not seen yet), the base image's size and format, and the
// `virtdesk-labs` pool that overlays go to when the base is not in a pool.
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';
import type { PoolSummary, VolumeSummary } from '../libvirt/protocol';
import { buildDirPoolXml } from '../xml/build-storage';
import { readPoolXml, readVolumeXml } from '../xml/read-domain';
import { VolumeIndex, type VolumeRef } from '../storage/usage';

export type Api = LibvirtHostClient['api'];

export const LABS_POOL = 'virtdesk-labs';
export const LABS_POOL_DIR = '/var/lib/libvirt/images/virtdesk-labs';

export interface PoolInfo extends PoolSummary {
  type: string | null;
  path: string | null;
}

export async function poolInfos(api: Api): Promise<PoolInfo[]> {
  const pools = await api.listPools();
  return Promise.all(
    pools.map(async (p) => {
      try {
        const r = readPoolXml(await api.poolXml(p.name));
        return { ...p, type: r.type ?? null, path: r.path ?? null };
      } catch {
        return { ...p, type: null, path: null };
      }
    }),
  );
}

export async function volumeIndex(api: Api, pools: PoolSummary[]): Promise<VolumeIndex> {
  const lists = await Promise.all(
    pools
      .filter((p) => p.active)
      .map(async (p) => (await api.listVolumes(p.name).catch(() => [] as VolumeSummary[])).map((v): VolumeRef => ({ pool: p.name, volume: v.name, path: v.path, capacity: v.capacity }))),
  );
  return new VolumeIndex(lists.flat());
}

/**
 * The volume index, with every running dir pool whose folder holds one of `paths` refreshed
 * first when libvirt does not know that file yet (created behind its back, e.g. by qemu-img).
 */
export async function indexFor(api: Api, paths: string[]): Promise<{ pools: PoolInfo[]; index: VolumeIndex }> {
  let pools = await poolInfos(api);
  let index = await volumeIndex(api, pools);
  const unknownDirs = new Set(paths.filter((p) => !index.atPath(p)).map((p) => path.dirname(p)));
  const stale = pools.filter((p) => p.active && p.path && unknownDirs.has(p.path));
  if (stale.length) {
    await Promise.all(stale.map((p) => api.refreshPool(p.name).catch(() => undefined)));
    pools = await poolInfos(api);
    index = await volumeIndex(api, pools);
  }
  return { pools, index };
}

export interface VolumeFacts {
  ref: VolumeRef;
  format: string | null;
  allocation: number;
}

/** A disk's volume, format and allocation (null when the path is not a volume of a running pool). */
export async function volumeFacts(api: Api, index: VolumeIndex, p: string): Promise<VolumeFacts | null> {
  const ref = index.atPath(p);
  if (!ref) return null;
  const [xml, info] = await Promise.all([api.volumeXml(ref.pool, ref.volume), api.volumeInfo(ref.pool, ref.volume)]);
  return { ref, format: readVolumeXml(xml).format ?? null, allocation: info.allocation };
}

/**
 * The pool for overlays of a base that is in no pool: `virtdesk-labs` (a dir pool under
 * /var/lib/libvirt/images, made on demand, autostarted; shared by every lab and never removed
 * by lab.down). Returns whether this call created or started it (for rollback).
 */
export async function ensureLabsPool(api: Api): Promise<{ pool: string; path: string; created: boolean; started: boolean }> {
  const pools = await poolInfos(api);
  const existing = pools.find((p) => p.name === LABS_POOL);
  if (existing) {
    if (!existing.active) {
      await api.startPool(LABS_POOL);
      return { pool: LABS_POOL, path: existing.path ?? LABS_POOL_DIR, created: false, started: true };
    }
    return { pool: LABS_POOL, path: existing.path ?? LABS_POOL_DIR, created: false, started: false };
  }
  try {
    await api.definePool(buildDirPoolXml({ name: LABS_POOL, path: LABS_POOL_DIR }), { build: true, start: true, autostart: true });
  } catch (e) {
    const now = await api.listPools().catch(() => []);
    if (now.some((p) => p.name === LABS_POOL)) {
      await api.stopPool(LABS_POOL).catch(() => undefined);
      await api.undefinePool(LABS_POOL).catch(() => undefined);
    }
    throw e;
  }
  return { pool: LABS_POOL, path: LABS_POOL_DIR, created: true, started: true };
}

/** Removes the labs pool again if this operation created it and it is empty (rollback). */
export async function dropLabsPoolIfEmpty(api: Api): Promise<void> {
  const vols = await api.listVolumes(LABS_POOL).catch(() => null);
  if (!vols || vols.length) return;
  await api.stopPool(LABS_POOL).catch(() => undefined);
  await api.undefinePool(LABS_POOL).catch(() => undefined);
}
