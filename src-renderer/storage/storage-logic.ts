// Pure helpers of the Storage page and its dialogs (no DOM, no Svelte): pool and volume form
// checks that mirror the server's rules, default paths and names.
import { fromProblem, type FormProblem } from '../common/form-problem';
import { parseDiskGiB } from '../common/sizes';
import { checkObjectName } from '../wizard/wizard-logic';
import { isLocalUri } from '../../src-main/contract/connection-uri';

export { isLocalUri };

/**
 * The delete dialog offers removing the pool's folder only for a folder pool on this computer
 * that has no volumes (the server still refuses a folder holding any file).
 */
export function offerRemoveFolder(uri: string, pool: { type: string | null; path: string | null; active: boolean }, volumes: readonly unknown[] | null): boolean {
  return isLocalUri(uri) && pool.type === 'dir' && !!pool.path && pool.active && volumes !== null && volumes.length === 0;
}

export interface PoolForm {
  name: string;
  path: string;
  start: boolean;
  autostart: boolean;
}

export const IMAGES_DIR = '/var/lib/libvirt/images';

/** Where a new directory pool goes by default. */
export function defaultPoolPath(name: string): string {
  const safe = name.trim().replace(/[/\s]+/g, '-');
  return safe ? `${IMAGES_DIR}/${safe}` : IMAGES_DIR;
}

export function checkPoolForm(f: PoolForm, existingNames: readonly string[] = []): FormProblem | null {
  const n = fromProblem(checkObjectName(f.name), 'name');
  if (n) return n;
  if (existingNames.includes(f.name)) return { key: 'check.poolTaken', params: { name: f.name }, field: 'name' };
  const p = f.path;
  if (p === '') return { key: 'check.pathRequired', field: 'path' };
  if (!p.startsWith('/')) return { key: 'check.pathAbsolute', params: { path: p }, field: 'path' };
  if (p.trim() !== p) return { key: 'check.pathSpaces', field: 'path' };
  if (p.split('/').some((part) => part === '.' || part === '..')) return { key: 'check.pathDots', field: 'path' };
  return null;
}

export interface VolumeForm {
  name: string;
  size: string;
  format: 'qcow2' | 'raw';
}

export function checkVolumeForm(f: VolumeForm, existingNames: readonly string[] = [], availableBytes?: number): FormProblem | null {
  const n = fromProblem(checkObjectName(f.name, 'name', 128), 'name');
  if (n) return n;
  if (existingNames.includes(f.name)) return { key: 'check.volumeTaken', params: { name: f.name }, field: 'name' };
  return checkSizeField(f.size, availableBytes);
}

/** A size in GiB for a new volume (or a resize to more than `minBytes`). */
export function checkSizeField(text: string, availableBytes?: number, minBytes?: number): FormProblem | null {
  if (text.trim() === '') return { key: 'check.sizeRequired', field: 'size' };
  const gib = parseDiskGiB(text);
  if (gib === null) return { key: 'check.sizeNumber', field: 'size' };
  if (gib <= 0) return { key: 'check.sizeMin', field: 'size' };
  if (gib > 65536) return { key: 'check.sizeMax', field: 'size' };
  const bytes = Math.round(gib * 1024) * 2 ** 20;
  if (minBytes !== undefined && bytes <= minBytes) return { key: 'check.sizeGrow', field: 'size' };
  if (availableBytes !== undefined && bytes - (minBytes ?? 0) > availableBytes) return { key: 'check.sizeAvailable', field: 'size' };
  return null;
}

/** A volume name for a new disk: "<base>.qcow2" / ".img", numbered when taken. */
export function suggestVolumeName(base: string, format: 'qcow2' | 'raw', taken: readonly string[]): string {
  const ext = format === 'qcow2' ? '.qcow2' : '.img';
  const b = base.replace(/\.(qcow2|img|raw)$/i, '') || 'disk';
  for (let i = 0; ; i++) {
    const n = i === 0 ? `${b}${ext}` : `${b}-${i}${ext}`;
    if (!taken.includes(n)) return n;
  }
}

/** A path cut after each '/', so a narrow column can break it between folders: "/a/b" → ["/", "a/", "b"]. */
export function pathParts(path: string): string[] {
  return path.match(/[^/]*\/|[^/]+$/g) ?? [];
}
