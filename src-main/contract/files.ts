// The server-side file chooser (browser mode), and whether QEMU can read a chosen file (with the
// two fixes virt-manager offers: copy it into a storage pool, or let QEMU's user in with ACLs).
import { z } from 'zod';
import { method, onConnection } from './common';
import { absolutePath, filePath, objectName } from './fields';

export interface FsEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
}

export interface FsBrowseResult {
  /** The folder listed (symlinks resolved); null: the list of allowed roots. */
  path: string | null;
  parent: string | null;
  roots: string[];
  entries: FsEntry[];
  truncated: boolean;
}

/** A path on the way to a file that keeps QEMU's user out. */
export interface QemuAccessBlocker {
  path: string;
  kind: 'folder' | 'file';
  /** 'enter': a folder QEMU's user may not enter; 'read': the file it may not read. */
  need: 'enter' | 'read';
  /** Owner and group ids, and the mode as ls shows it (e.g. "drwx------"). */
  uid: number;
  gid: number;
  mode: string;
}

export interface QemuAccessReport {
  connection: string;
  /** The file as checked (symlinks resolved). */
  path: string;
  /**
   * false: the check does not apply — QEMU runs as you (qemu:///session), as root, on another
   * host (remote connections cannot be checked from here), or there is no QEMU (test driver).
   */
  applies: boolean;
  /** QEMU's user on qemu:///system (from libvirt's capabilities, else qemu.conf). */
  user: { name: string; uid: number } | null;
  /** Every folder can be entered and the file read (always true when the check does not apply). */
  readable: boolean;
  /** What keeps QEMU out, outermost first. When only the file is unreadable, libvirt usually gives it to QEMU's user at start. */
  blockers: QemuAccessBlocker[];
  /** The exact ACL entries "let QEMU read it" adds (setfacl -m), one per blocker: shown before anything changes. */
  changes: { path: string; entry: string }[];
  /** Why those changes cannot be made from here (no setfacl, not root or the owner), or null. */
  grantRefusal: string | null;
}

export interface FsCopyResult {
  pool: string;
  name: string;
  /** The new volume's path: what the VM uses instead of the file. */
  path: string;
  format: 'raw' | 'qcow2';
}

export type FileEventMap = {
  /** Bytes copied so far by fs.copyToPool (progressId chosen by the caller). */
  'fs.copyProgress': { connection: string; progressId: string; done: number; total: number };
};

const progressId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -');

export const fileMethods = {
  /**
   * Server-side file chooser for browser mode: lists a folder under the allowed roots
   * (file-roots.ts: /var/lib/libvirt/images, the user's home, the storage pool folders of local
   * QEMU/LXC connections and the folders in settings.browseFolders, minus system folders). No
   * path: the roots. Symlinks are resolved before the check.
   */
  'fs.browse': method(z.object({ ...onConnection, path: absolutePath('path').optional(), showHidden: z.boolean().default(false) }).strict(), {} as FsBrowseResult),
  /**
   * Whether QEMU's user on this connection can open the file (a file on this computer, inside the
   * folders the app may read): every folder above it and the file itself, mode bits and ACLs.
   */
  'fs.qemuAccess': method(z.object({ ...onConnection, path: filePath('path') }).strict(), {} as QemuAccessReport),
  /**
   * "Let QEMU read it": adds exactly the ACL entries fs.qemuAccess listed (u:<qemu user>:--x on
   * each folder that keeps it out, r on the file when needed; nothing else changes). `paths`: the
   * paths the person saw and confirmed; refused (nothing changed) when the list is now different.
   * Local qemu:///system connections only. Answers the new report.
   */
  'fs.grantQemuAccess': method(
    z.object({ ...onConnection, path: filePath('path'), paths: z.array(absolutePath('paths'), { error: 'paths must be the list of paths fs.qemuAccess showed' }).min(1, 'paths is empty: pass the paths fs.qemuAccess listed under changes').max(256) }).strict(),
    {} as QemuAccessReport,
  ),
  /**
   * "Copy into a storage pool": copies the file (ISO images as raw, disk images in their own
   * format) into a new volume of a running pool, with fs.copyProgress events; name: default the
   * file's name (made unique). The file is not changed. Local connections only.
   */
  'fs.copyToPool': method(
    z.object({ ...onConnection, path: filePath('path'), pool: objectName('pool'), name: objectName('name', 128).optional(), progressId: progressId.optional() }).strict(),
    {} as FsCopyResult,
  ),
} as const;
