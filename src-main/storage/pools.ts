// Storage pools for the API: a pool by name (with a clear error), volume details with their users.
import type { LibvirtHostClient } from '../libvirt/host-client';

type Api = LibvirtHostClient['api'];
import { readVolumeXml } from '../xml/read-domain';
import { scanStorageUsage, vmUsersOf, type StorageUsage } from '../storage/usage-scan';
import {
  
  type PoolDetails,
  type VolumeDetails } from '../contract';
import { invalid, isLocalConnection, notFound } from '../api/handlers/helpers';

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
  const usage = await scanStorageUsage(api, { local: isLocalConnection(uri) && !uri.startsWith('test') });
  const vols = await api.listVolumes(pool).catch(() => []);
  return [...new Set(vols.flatMap((v) => vmUsersOf(usage, v.path)))].sort();
}
