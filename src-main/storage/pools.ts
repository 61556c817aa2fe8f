// Storage pools: each pool with its type and folder, the volume index over all running pools
// (refreshing a pool whose folder holds a file libvirt has not seen yet), a pool by name (with a
// clear error), volume details with their users.
import type { LibvirtHostClient } from '../libvirt/host-client';

type Api = LibvirtHostClient['api'];
import path from 'node:path';
import type { PoolSummary, VolumeSummary } from '../libvirt/protocol';
import { readPoolXml, readVolumeXml } from '../xml/read-domain';
import { VolumeIndex, type VolumeRef } from './usage';
import { scanStorageUsage, vmUsersOf, type StorageUsage } from './usage-scan';
import {
  
  type PoolDetails,
  type VolumeDetails } from '../contract';
import { invalid, notFound } from '../api/handlers/helpers';
import { imagesAreLocal } from '../contract/connection-uri';
import { LibvirtError } from '../libvirt/errors';
import { VIR_ERR_NO_STORAGE_POOL } from '../libvirt/listing';

export function requirePool(pools: PoolDetails[], name: string, field: string, mustRun = true): PoolDetails {
  const p = pools.find((x) => x.name === name);
  if (!p) throw notFound(field, `no storage pool named '${name}'${pools.length ? ` (pools: ${pools.map((x) => x.name).join(', ')})` : ''}`);
  if (mustRun && !p.active) throw invalid(field, `storage pool '${name}' is not running: start it first (pool.start)`);
  return p;
}

export async function volumeDetails(api: Api, pool: string, v: { name: string; key: string; path: string; type: number; capacity: number; allocation: number }, usage: StorageUsage | null): Promise<VolumeDetails> {
  let format: string | null = null;
  try {
    format = readVolumeXml(await api.volumeXml(pool, v.name)).format ?? null;
  } catch {
    /* vanished meanwhile */
  }
  return { ...v, format, usedBy: usage ? vmUsersOf(usage, v.path) : [] };
}

export async function poolUsers(uri: string, api: Api, pool: string): Promise<string[]> {
  const usage = await scanStorageUsage(api, { local: imagesAreLocal(uri) });
  const vols = await api.listVolumes(pool).catch(() => []);
  return [...new Set(vols.flatMap((v) => vmUsersOf(usage, v.path)))].sort();
}

export interface PoolInfo extends PoolSummary {
  type: string | null;
  path: string | null;
}

/** Each pool with its type and folder; a pool undefined while it was listed is left out. */
export async function poolInfos(api: Api): Promise<PoolInfo[]> {
  const pools = await api.listPools();
  const infos = await Promise.all(
    pools.map(async (p): Promise<PoolInfo | null> => {
      try {
        const r = readPoolXml(await api.poolXml(p.name));
        return { ...p, type: r.type ?? null, path: r.path ?? null };
      } catch (e) {
        if (e instanceof LibvirtError && e.code === VIR_ERR_NO_STORAGE_POOL) return null;
        return { ...p, type: null, path: null };
      }
    }),
  );
  return infos.filter((p): p is PoolInfo => p !== null);
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
