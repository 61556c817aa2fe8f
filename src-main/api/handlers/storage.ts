// pool.* and volume.*: storage pools and their volumes; deleting a volume follows safe-delete rules.
import fs from 'node:fs/promises';
import { buildDirPoolXml, buildVolumeXml } from '../../xml/build-storage';
import { poolsAreLocalFolders, rootProblem } from '../../storage/file-roots';
import { deleteRefusal } from '../../storage/usage-scan';
import { ApiError } from '../../contract';
import { poolInfos } from '../../storage/pools';
import { toApiError } from '../connection-manager';
import type { HandlerContext, HandlersFor, MethodsOf } from './context';
import { fmtGiB, gibToBytes, invalid, notFound } from './helpers';
import { poolUsers, requirePool, volumeDetails } from '../../storage/pools';
import { checkRedefinition } from '../../xml/redefine-check';
import { ListUsageCache, listUsageKey } from '../../storage/usage-cache';

export function storageHandlers(ctx: HandlerContext): HandlersFor<MethodsOf<'pool.'> | MethodsOf<'volume.'>> {
  const poolAction = (action: 'startPool' | 'stopPool' | 'refreshPool') => async (i: { connection?: string; pool: string }) => {
    const { api } = await ctx.conn(i.connection);
    await api[action](i.pool);
  };
  // The "in use by" column: one scan kept while nothing changed (delete paths always scan afresh).
  const listUsage = new ListUsageCache();
  return {
  'pool.list': async (i) => {
    const { api } = await ctx.conn(i.connection);
    return poolInfos(api);
  },
  'pool.define': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    return ctx.locked(uri, async () => {
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
  'pool.start': poolAction('startPool'),
  'pool.stop': poolAction('stopPool'),
  'pool.refresh': poolAction('refreshPool'),
  'pool.setAutostart': async (i) => {
    const { api } = await ctx.conn(i.connection);
    await api.setPoolAutostart(i.pool, i.autostart);
  },
  'pool.delete': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    await ctx.locked(uri, async () => {
      const pools = await api.listPools();
      const p = pools.find((x) => x.name === i.pool);
      if (!p) throw notFound('pool', `no storage pool named '${i.pool}'`);
      if (!i.force && p.active) {
        const users = await poolUsers(uri, api, i.pool);
        if (users.length) throw invalid('pool', `storage pool '${i.pool}' has volumes in use by VM ${users.map((n) => `'${n}'`).join(', ')}; delete or change those VMs first, or use force`);
      }
      const folder = i.removeFolder ? await emptyFolderOf(uri, api, i.pool) : null;
      if (p.active) await api.stopPool(i.pool);
      if (p.persistent) await api.undefinePool(i.pool);
      if (folder) {
        // Never recursive: rmdir fails if a file appeared since the check.
        await fs.rmdir(folder).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return;
          throw invalid('removeFolder', `storage pool '${i.pool}' was deleted, but its folder ${folder} could not be removed (${e.code ?? e.message}); remove it by hand if you no longer need it`);
        });
      }
    });
  },
  'pool.xml': async (i) => {
    const { api } = await ctx.conn(i.connection);
    return api.poolXml(i.name, { inactive: i.inactive });
  },
  'pool.defineXml': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    await ctx.locked(uri, async () => {
      const p = (await api.listPools()).find((x) => x.name === i.name);
      if (!p) throw notFound('name', `no storage pool named '${i.name}'`);
      checkRedefinition(i.xml, { root: 'pool', what: 'storage pool', name: p.name, uuid: p.uuid });
      try {
        await api.definePool(i.xml, { validate: true });
      } catch (e) {
        const err = toApiError(e);
        throw new ApiError(err.code, `libvirt refused the XML of storage pool '${i.name}' (nothing was changed): ${err.message}`, 'xml', err.libvirtCode);
      }
    });
  },
  'volume.list': async (i) => {
    const { uri, api, client } = await ctx.conn(i.connection);
    const pools = await api.listPools();
    requirePool(pools.map((p) => ({ ...p, type: null, path: null })), i.pool, 'pool');
    const vols = await api.listVolumes(i.pool);
    const usage = await listUsage.usage(client, listUsageKey(pools, vols.map((v) => v.path)), () => ctx.usageOf(uri, api, pools));
    return Promise.all(vols.map((v) => volumeDetails(api, i.pool, v, usage)));
  },
  'volume.create': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    return ctx.locked(uri, async () => {
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
  'volume.delete': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    await ctx.locked(uri, async () => {
      const v = await api.volumeInfo(i.pool, i.name);
      const why = deleteRefusal(await ctx.usageOf(uri, api), v.path);
      if (why) throw invalid('name', `volume '${i.name}' cannot be deleted: ${why}; nothing was deleted`);
      await api.deleteVolume(i.pool, i.name);
    });
  },
  'volume.resize': async (i) => {
    const { uri, api } = await ctx.conn(i.connection);
    return ctx.locked(uri, async () => {
      const v = await api.volumeInfo(i.pool, i.name);
      const bytes = gibToBytes(i.sizeGiB);
      if (bytes <= v.capacity) throw invalid('sizeGiB', `${fmtGiB(bytes)} is not more than the current size of '${i.name}' (${fmtGiB(v.capacity)}); volumes can only grow`);
      const usage = await ctx.usageOf(uri, api);
      const running = [...new Set((usage.users.get(v.path) ?? []).filter((u) => u.kind === 'vm' && u.active).map((u) => u.name))];
      if (running.length) throw invalid('name', `volume '${i.name}' is in use by running VM ${running.map((n) => `'${n}'`).join(', ')}; shut it down first`);
      await api.resizeVolume(i.pool, i.name, bytes);
      return volumeDetails(api, i.pool, await api.volumeInfo(i.pool, i.name), usage);
    });
  },
  };
}

/**
 * The folder of a directory pool on this computer when it holds nothing (null when it is already
 * gone); refuses anything else, so that pool.delete with removeFolder changes nothing then.
 */
async function emptyFolderOf(uri: string, api: Parameters<typeof poolInfos>[0], pool: string): Promise<string | null> {
  if (!poolsAreLocalFolders(uri)) throw invalid('removeFolder', `removeFolder works only for pools on this computer; delete the pool without it and remove its folder on the host by hand`);
  const info = (await poolInfos(api)).find((x) => x.name === pool);
  if (info?.type !== 'dir' || !info.path) throw invalid('removeFolder', `storage pool '${pool}' is not a folder pool (type ${info?.type ?? 'unknown'}): there is no folder to remove; delete the pool without removeFolder`);
  const problem = rootProblem(info.path);
  if (problem) throw invalid('removeFolder', `the folder of storage pool '${pool}' is not one Virtdesk removes (${problem}); delete the pool without removeFolder`);
  let entries: string[];
  try {
    entries = await fs.readdir(info.path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw invalid('removeFolder', `cannot read the folder ${info.path} of storage pool '${pool}' (${(e as NodeJS.ErrnoException).code ?? String(e)}); delete the pool without removeFolder`);
  }
  if (entries.length) {
    const shown = entries.sort().slice(0, 3).map((n) => `'${n}'`).join(', ');
    throw invalid('removeFolder', `the folder ${info.path} of storage pool '${pool}' is not empty (${shown}${entries.length > 3 ? ` and ${entries.length - 3} more` : ''}); move or delete its files first, or delete the pool without removeFolder (the folder then stays)`);
  }
  return info.path;
}
