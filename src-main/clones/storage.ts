// The `virtdesk-labs` pool that clone and lab overlays go to when their base is in no pool.
import type { LibvirtHostClient } from '../libvirt/host-client';
import { buildDirPoolXml } from '../xml/build-storage';
import { poolInfos } from '../storage/pools';

export type Api = LibvirtHostClient['api'];

export const LABS_POOL = 'virtdesk-labs';
export const LABS_POOL_DIR = '/var/lib/libvirt/images/virtdesk-labs';

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
