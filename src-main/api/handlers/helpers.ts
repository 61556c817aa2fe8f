// Small helpers the handlers share: errors with a field, sizes, local connections, install URLs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { TreeNotFoundError, detectTree, httpFetcher, type DetectedTree } from '../../install/url-tree';
import { UrlTargetError, type UrlPolicy } from '../../install/url-target';
import { ApiError } from '../../contract';

/** No host part: the files named in a spec are on this computer. */
export { isLocalUri as isLocalConnection } from '../../contract/connection-uri';

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;
export const fmtGiB = (bytes: number): string => `${Math.round((bytes / GiB) * 10) / 10} GiB`;
export const invalid = (field: string, message: string): ApiError => new ApiError('INVALID_INPUT', message, field);
export const notFound = (field: string, message: string): ApiError => new ApiError('NOT_FOUND', message, field);
export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Size in GiB (MiB resolution) → bytes. */
export function gibToBytes(sizeGiB: number): number {
  return Math.max(1, Math.round(sizeGiB * 1024)) * MiB;
}

export async function inPath(binary: string): Promise<boolean> {
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

/** The install tree at a URL, or INVALID_INPUT on `field` saying why not. */
export async function installTreeOrError(url: string, field: string, timeoutMs: number, policy?: UrlPolicy): Promise<DetectedTree> {
  try {
    return await detectTree(url, httpFetcher(timeoutMs, policy));
  } catch (e) {
    if (e instanceof TreeNotFoundError || e instanceof UrlTargetError) throw invalid(field, e.message);
    throw invalid(field, `URL does not answer: ${errText(e)}`);
  }
}

