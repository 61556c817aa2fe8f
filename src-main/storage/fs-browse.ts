// The server-side file chooser of browser mode: lists folders under the allowed roots only
// (which ones: file-roots.ts). Every path — the one asked for and every symlink in a listing —
// is resolved with realpath before the check, so a link cannot lead outside the roots.
import fs from 'node:fs/promises';
import path from 'node:path';

export const MAX_ENTRIES = 5000;

export class BrowseError extends Error {
  override readonly name = 'BrowseError';
  constructor(message: string, readonly code: 'OUTSIDE' | 'NOT_FOUND' | 'NOT_DIR' | 'DENIED') {
    super(message);
  }
}

export interface BrowseEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
}

export interface BrowseListing {
  path: string | null;
  parent: string | null;
  roots: string[];
  entries: BrowseEntry[];
  truncated: boolean;
}

/** Existing roots, symlinks resolved, without duplicates or roots nested in other roots. */
export async function resolveRoots(candidates: string[]): Promise<string[]> {
  const real = new Set<string>();
  for (const c of candidates) {
    if (!c || !path.isAbsolute(c)) continue;
    try {
      const r = await fs.realpath(c);
      if ((await fs.stat(r)).isDirectory()) real.add(r);
    } catch {
      /* missing root: skip */
    }
  }
  const list = [...real].sort();
  return list.filter((r) => !list.some((o) => o !== r && within(r, o)));
}

function within(p: string, root: string): boolean {
  return p === root || (root === '/' ? true : p.startsWith(root.endsWith('/') ? root : `${root}/`));
}

export function isWithinRoots(realPath: string, roots: string[]): boolean {
  return roots.some((r) => within(realPath, r));
}

async function describe(full: string, name: string, roots: string[]): Promise<BrowseEntry | null> {
  try {
    const real = await fs.realpath(full);
    if (!isWithinRoots(real, roots)) return null; // a link out of the roots: not offered
    const st = await fs.stat(real);
    return { name, path: full, isDir: st.isDirectory(), size: st.isDirectory() ? 0 : st.size };
  } catch {
    return null; // broken link or vanished
  }
}

/** Lists `dir` (or the roots when absent). Refuses anything outside the roots. */
export async function browse(dir: string | undefined, rootCandidates: string[], o: { showHidden?: boolean } = {}): Promise<BrowseListing> {
  const roots = await resolveRoots(rootCandidates);
  if (!dir) {
    const entries = (await Promise.all(roots.map((r) => describe(r, r, roots)))).filter((e): e is BrowseEntry => !!e);
    return { path: null, parent: null, roots, entries, truncated: false };
  }
  let real: string;
  try {
    real = await fs.realpath(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new BrowseError(`'${dir}' cannot be opened (permission denied)`, 'DENIED');
    throw new BrowseError(`'${dir}' does not exist`, 'NOT_FOUND');
  }
  if (!isWithinRoots(real, roots)) {
    throw new BrowseError(`'${dir}'${real !== dir ? ` (→ ${real})` : ''} is outside the folders the file chooser may show: ${roots.join(', ')}`, 'OUTSIDE');
  }
  const st = await fs.stat(real);
  if (!st.isDirectory()) throw new BrowseError(`'${dir}' is not a folder`, 'NOT_DIR');
  let names: string[];
  try {
    names = await fs.readdir(real);
  } catch {
    throw new BrowseError(`'${dir}' cannot be listed (permission denied)`, 'DENIED');
  }
  names = names.filter((n) => o.showHidden || !n.startsWith('.')).sort((a, b) => a.localeCompare(b));
  const truncated = names.length > MAX_ENTRIES;
  const entries = (await Promise.all(names.slice(0, MAX_ENTRIES).map((n) => describe(path.join(real, n), n, roots)))).filter((e): e is BrowseEntry => !!e);
  entries.sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.name.localeCompare(b.name));
  const isRoot = roots.includes(real);
  return { path: real, parent: isRoot ? null : path.dirname(real), roots, entries, truncated };
}
