// afterAll helpers shared by the tests that use the real daemon: remove exactly what a test file
// created (its domains by name prefix, its own pool with its volumes and folder), ignoring errors.
import fs from 'node:fs';
import type { LibvirtHostClient } from '../../src-main/libvirt/host-client';

/** Forces off and undefines every domain whose name starts with `prefix`. */
export async function removeDomainsWithPrefix(client: LibvirtHostClient, prefix: string): Promise<void> {
  for (const d of await client.api.listDomains().catch(() => [])) {
    if (!d.name.startsWith(prefix)) continue;
    await client.api.destroyDomain({ uuid: d.uuid }).catch(() => undefined);
    await client.api.undefineDomain({ uuid: d.uuid }, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
  }
}

/** Deletes the pool's volumes, stops and undefines the pool, removes its folder. */
export async function removeTestPool(client: LibvirtHostClient, pool: string, dir: string): Promise<void> {
  for (const v of await client.api.listVolumes(pool).catch(() => [])) await client.api.deleteVolume(pool, v.name).catch(() => undefined);
  await client.api.stopPool(pool).catch(() => undefined);
  await client.api.undefinePool(pool).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
}
