// Which folders of this computer the app may show in its file chooser and read files from on
// the user's behalf (os.detect, lab files): the usual image folders and the user's home, the
// folders of storage pools of local QEMU/LXC connections, and the folders added in the settings.
//
// Pools and configured folders can be set through the API (browser mode: by any client), so
// they follow the same rules before they widen anything: absolute, normalized, not '/', not a
// system folder (nor inside one), not a folder that holds other users' or the system's data —
// checked on the path as given and again after symlinks are resolved. Pools of other drivers
// (test:///, remote hosts) name folders of another machine, or none at all: never roots here.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { poolInfos } from './pools';

/** Where virt-manager's users keep images; always offered (when it exists). */
export const IMAGE_FOLDERS = ['/var/lib/libvirt/images'];

/** System folders: never a root, nor anything inside them. */
export const SYSTEM_FOLDERS = ['/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/run', '/var/run', '/var/log', '/var/lib/libvirt/qemu'];
/** Folders that hold system or other users' data: never a root themselves (folders below them may be). */
const HOLDER_FOLDERS = ['/', '/var', '/var/lib', '/var/lib/libvirt', '/home', '/srv', '/opt', '/mnt', '/media', '/tmp', '/var/tmp'];

const inside = (p: string, folder: string): boolean => p === folder || p.startsWith(`${folder}/`);

/** A home folder that may be a root: /root (root's own), or one no rule refuses (a service account's may be / or /var). */
function usableHome(home: string): boolean {
  return home === '/root' || (home !== '' && rootProblem(home, '') === null);
}

/**
 * Why `folder` may not be a root, or null when it may. The user's own home (and what is in it)
 * is always fine, also when that home is /root.
 */
export function rootProblem(folder: string, home: string = os.homedir()): string | null {
  if (!path.isAbsolute(folder)) return `'${folder}' is not an absolute path`;
  if (folder.split('/').some((part) => part === '.' || part === '..')) return `'${folder}' contains '.' or '..' parts`;
  const p = folder.length > 1 ? folder.replace(/\/+$/, '') : folder;
  if (p === '/') return "'/' would show the whole computer";
  if (home && usableHome(home) && inside(p, home)) return null;
  const system = SYSTEM_FOLDERS.find((s) => inside(p, s));
  if (system) return `'${folder}' is ${p === system ? 'a' : 'inside the'} system folder${p === system ? '' : ` ${system}`}`;
  if (HOLDER_FOLDERS.includes(p)) return `'${folder}' holds system or other users' files; pick the folder that holds your images`;
  return null;
}

/**
 * Connections whose storage pools are folders of this computer: the qemu and lxc drivers with
 * no host part (qemu:///system, qemu:///session, qemu+unix:///system, lxc:///).
 */
export function poolsAreLocalFolders(uri: string): boolean {
  const m = /^([a-z][a-z0-9.-]*)(?:\+([a-z0-9.-]+))?:\/\/([^/?#]*)/i.exec(uri);
  if (!m) return false;
  const [, driver, transport, host] = m;
  return ['qemu', 'lxc'].includes(driver.toLowerCase()) && (transport === undefined || transport.toLowerCase() === 'unix') && host === '';
}

/** The folders of a connection's pools that count as roots (only for poolsAreLocalFolders connections). */
export function poolRootCandidates(uri: string, pools: { path: string | null; type: string | null }[]): string[] {
  if (!poolsAreLocalFolders(uri)) return [];
  // logical and disk pools name block devices, not folders.
  return pools.filter((p) => p.path && p.type !== 'logical' && p.type !== 'disk').map((p) => p.path!);
}

export interface FileRootSources {
  /** From poolRootCandidates. */
  poolFolders?: string[];
  /** settings.browseFolders. */
  configured?: string[];
  /** Roots set by code, not through the API (tests): taken as they are. */
  trusted?: string[];
  /** Default: os.homedir(). */
  home?: string;
}

/**
 * The roots, symlinks resolved, existing folders only, without roots nested in other roots.
 * Pool and configured folders that break a rule (as given, or once resolved) are left out.
 */
export async function fileRoots(s: FileRootSources): Promise<string[]> {
  const home = s.home ?? os.homedir();
  const checked = [...IMAGE_FOLDERS, ...(s.poolFolders ?? []), ...(s.configured ?? [])];
  const candidates: { path: string; ruled: boolean }[] = [
    ...checked.map((p) => ({ path: p, ruled: true })),
    ...(usableHome(home) ? [{ path: home, ruled: false }] : []),
    ...(s.trusted ?? []).map((p) => ({ path: p, ruled: false })),
  ];
  const real = new Set<string>();
  for (const c of candidates) {
    if (!c.path || !path.isAbsolute(c.path)) continue;
    if (c.ruled && rootProblem(c.path, home)) continue;
    try {
      const r = await fs.realpath(c.path);
      if (c.ruled && rootProblem(r, home)) continue; // a symlink out to a forbidden folder
      if ((await fs.stat(r)).isDirectory()) real.add(r);
    } catch {
      /* missing: skip */
    }
  }
  const list = [...real].sort();
  return list.filter((r) => !list.some((o) => o !== r && inside(r, o)));
}

export interface FileRootDeps {
  /** A connected client for a URI (or the default connection). */
  client(uri?: string): Promise<{ uri: string; client: LibvirtHostClient }>;
  /** settings.browseFolders, read at each call. */
  browseFolders?: () => string[];
  /** Roots set by code (tests). */
  browseRoots?: string[];
}

/**
 * The roots for a connection (default: the default connection): its pool folders count when
 * its pools are local folders; without libvirt the other roots still apply.
 */
export async function connectionFileRoots(deps: FileRootDeps, connection?: string): Promise<string[]> {
  let poolFolders: string[] = [];
  if (connection === undefined || poolsAreLocalFolders(connection)) {
    try {
      const { uri, client } = await deps.client(connection);
      if (poolsAreLocalFolders(uri)) poolFolders = poolRootCandidates(uri, await poolInfos(client.api));
    } catch {
      /* no libvirt: the other roots still work */
    }
  }
  return fileRoots({ poolFolders, configured: deps.browseFolders?.() ?? [], trusted: deps.browseRoots ?? [] });
}

export function isInsideRoots(realPath: string, roots: string[]): boolean {
  return roots.some((r) => inside(realPath, r));
}

export class OutsideRootsError extends Error {
  override readonly name = 'OutsideRootsError';
}

/** `p` with symlinks resolved as far as it exists (a missing tail is kept as written). */
async function resolveExisting(p: string): Promise<string> {
  let head = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(await fs.realpath(head), ...tail);
    } catch {
      if (head === '/') return p;
      tail.unshift(path.basename(head));
      head = path.dirname(head);
    }
  }
}

/**
 * `file` resolved (symlinks followed) when it lies inside the roots; else OutsideRootsError,
 * which says how to add a folder. A missing file is judged by where it would be, so the answer
 * never tells whether something outside the roots exists.
 */
export async function requireInsideRoots(file: string, roots: string[], what = 'file'): Promise<string> {
  const real = await resolveExisting(file);
  if (isInsideRoots(real, roots)) return real;
  throw new OutsideRootsError(
    `${what} '${file}' is outside the folders the app may read (${roots.join(', ') || 'none'}). ` +
      'Move it into one of them, or add its folder in Settings → "Folders the file chooser shows".',
  );
}
