// The storage steps of network installs and cloud images, over the storage API only (so they
// work on qemu:///system for a non-root user and on remote hosts): boot files and seed ISOs are
// uploaded into pool volumes over a libvirt stream; a cloud image is copied by libvirt
// (virStorageVolCreateXMLFrom). Every function returns what it created, for rollback.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { buildDirPoolXml, buildVolumeXml } from '../xml/build-storage';
import { writeSeedIso, type SeedContent } from '../cloudinit/seed';
import { downloadFile } from './download';
import type { UrlPolicy } from './url-target';
import { indexFor } from '../storage/pools';

type Api = LibvirtHostClient['api'];

export interface CreatedVolume {
  pool: string;
  name: string;
  path: string;
}

export type StageProgress = (p: { done: number; total?: number }) => void;

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'virtdesk-stage-'));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A raw volume filled with a local file's bytes. Removed again if the upload fails. */
export async function uploadFileAsVolume(api: Api, pool: string, name: string, file: string): Promise<CreatedVolume> {
  const { size } = await fs.stat(file);
  const v = await api.createVolume(pool, buildVolumeXml({ name, capacityBytes: Math.max(size, 512), format: 'raw' }));
  try {
    await api.uploadVolume(pool, v.name, file);
  } catch (e) {
    await api.deleteVolume(pool, v.name).catch(() => undefined);
    throw e;
  }
  return { pool, name: v.name, path: v.path };
}

/** A cloud-init NoCloud seed ISO with `content`, stored as a volume. */
export async function seedVolume(api: Api, pool: string, name: string, content: SeedContent): Promise<CreatedVolume> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'seed.iso');
    await writeSeedIso(content, file);
    return uploadFileAsVolume(api, pool, name, file);
  });
}

/** Downloads a URL (where `policy` allows: url-target.ts) and stores it as a volume. */
export async function downloadAsVolume(api: Api, url: string, pool: string, name: string, onProgress?: StageProgress, policy?: UrlPolicy): Promise<CreatedVolume> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'download');
    await downloadFile(url, file, { ...(onProgress ? { onProgress } : {}), ...(policy ? { policy } : {}) });
    return uploadFileAsVolume(api, pool, name, file);
  });
}

export interface CopyImage {
  /** The source image (a file on the libvirt host). */
  image: string;
  pool: string;
  /** Target folder of the pool, when it is a dir pool (for progress on local connections). */
  poolPath: string | null;
  name: string;
  format: 'qcow2' | 'raw';
  capacityBytes: number;
  /** Watch the copy's size on this computer for progress (local dir pools). */
  local: boolean;
  /** The source image's size in bytes (for progress). */
  sourceBytes: number;
}

/**
 * Copies `image` into a new volume (format as asked, grown to capacityBytes). libvirt copies only
 * volumes of pools: when no pool holds the image's folder, a transient-by-intent dir pool is
 * defined for it for the copy and undefined afterwards (that never touches the folder's files).
 */
export async function copyImageToVolume(api: Api, c: CopyImage, onProgress?: StageProgress): Promise<CreatedVolume> {
  let tempPool: string | null = null;
  let poll: NodeJS.Timeout | undefined;
  try {
    // indexFor refreshes a running pool whose folder holds the image when libvirt does not know it yet.
    if (!(await indexFor(api, [c.image])).index.atPath(c.image)) {
      tempPool = `virtdesk-src-${randomUUID().slice(0, 8)}`;
      await api.definePool(buildDirPoolXml({ name: tempPool, path: path.dirname(c.image) }), { start: true });
    }
    const target = c.poolPath ? path.join(c.poolPath, c.name) : null;
    if (onProgress && c.local && target) {
      poll = setInterval(() => {
        void fs.stat(target).then((st) => onProgress({ done: Math.min(st.blocks * 512, c.sourceBytes), total: c.sourceBytes }), () => undefined);
      }, 250);
    }
    const v = await api.createVolume(c.pool, buildVolumeXml({ name: c.name, capacityBytes: c.capacityBytes, format: c.format }), { from: { path: c.image } });
    clearInterval(poll);
    onProgress?.({ done: c.sourceBytes, total: c.sourceBytes });
    const created = { pool: c.pool, name: v.name, path: v.path };
    try {
      if (v.capacity < c.capacityBytes) await api.resizeVolume(c.pool, v.name, c.capacityBytes);
    } catch (e) {
      await api.deleteVolume(c.pool, v.name).catch(() => undefined);
      throw new Error(`the copy could not be grown to ${c.capacityBytes} bytes: ${(e as Error).message}`);
    }
    return created;
  } finally {
    clearInterval(poll);
    if (tempPool) {
      await api.stopPool(tempPool).catch(() => undefined);
      await api.undefinePool(tempPool).catch(() => undefined);
    }
  }
}
