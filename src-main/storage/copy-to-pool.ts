// "Copy into a storage pool": a file on this computer becomes a new volume of a running pool
// (libvirt copies it, so QEMU's user can read the copy), with progress. The file stays as it is.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { looksLikeOpticalImage } from '../osinfo/iso';
import { copyImageToVolume } from '../install/stage';
import { probeDiskImage } from './disk-image';
import { poolInfos, requirePool } from './pools';
import { fmtGiB, invalid } from '../api/handlers/helpers';
import type { FsCopyResult } from '../contract/files';

type Api = LibvirtHostClient['api'];

/** "debian.iso" taken → "debian-2.iso". */
export function freeVolumeName(file: string, taken: ReadonlySet<string>): string {
  const base = path.basename(file);
  const ext = /(\.[A-Za-z0-9]{1,8})$/.exec(base)?.[1] ?? '';
  const stem = base.slice(0, base.length - ext.length).slice(0, 120) || 'image';
  for (let i = 1; ; i++) {
    const n = i === 1 ? `${stem}${ext}` : `${stem}-${i}${ext}`;
    if (!taken.has(n)) return n;
  }
}

export interface CopyRequest {
  /** The file (symlinks resolved, inside the folders the app may read, readable by this process). */
  file: string;
  pool: string;
  name?: string | undefined;
  onProgress?: (p: { done: number; total: number }) => void;
}

export async function copyFileToPool(api: Api, r: CopyRequest): Promise<FsCopyResult> {
  const pool = requirePool(await poolInfos(api), r.pool, 'pool');
  const { size } = await fs.stat(r.file);
  const iso = await looksLikeOpticalImage(r.file);
  const image = iso ? null : await probeDiskImage(r.file, 'file');
  const format = image?.format ?? 'raw';
  const capacityBytes = image ? Math.max(image.virtualSizeBytes, size) : Math.max(size, 512);
  if (size > pool.available) throw invalid('pool', `storage pool '${pool.name}' has ${fmtGiB(pool.available)} free; the copy of '${r.file}' needs ${fmtGiB(size)} — choose another pool or free some space`);
  const taken = new Set((await api.listVolumes(pool.name)).map((v) => v.name));
  if (r.name !== undefined && taken.has(r.name)) throw invalid('name', `a volume named '${r.name}' already exists in storage pool '${pool.name}'; choose another name`);
  const name = r.name ?? freeVolumeName(r.file, taken);
  const created = await copyImageToVolume(
    api,
    { image: r.file, pool: pool.name, poolPath: pool.path, name, format, capacityBytes, local: true, sourceBytes: size },
    r.onProgress ? (p) => r.onProgress?.({ done: p.done, total: p.total ?? size }) : undefined,
  );
  return { pool: created.pool, name: created.name, path: created.path, format };
}
