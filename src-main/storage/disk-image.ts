// Checks files named in a VM spec on this computer: that they exist and are readable, and —
// for disk images — what `qemu-img info` says they are (qcow2 or raw, else "not a disk image").
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import { looksLikeOpticalImage } from '../osinfo/iso';
import { accessPlan, dynamicOwnership, qemuIdentity } from './qemu-access-check';
import { blockersAtStart } from './qemu-access';
import type { QemuIdentity } from './qemu-access';

export class FileCheckError extends Error {
  override readonly name = 'FileCheckError';
}

/** Exists, is a regular file (or block device), and this process can read it. */
export async function checkReadableFile(file: string, what: string): Promise<{ size: number; mode: number; uid: number }> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileCheckError(code === 'ENOENT' ? `${what} '${file}' does not exist` : code === 'EACCES' ? `${what} '${file}' cannot be reached (permission denied)` : `${what} '${file}' cannot be read (${(e as Error).message})`);
  }
  if (st.isDirectory()) throw new FileCheckError(`${what} '${file}' is a folder, not a file`);
  if (!st.isFile() && !st.isBlockDevice()) throw new FileCheckError(`${what} '${file}' is not a regular file`);
  try {
    await fs.access(file, constants.R_OK);
  } catch {
    throw new FileCheckError(`${what} '${file}' is not readable (permission denied)`);
  }
  return { size: st.isBlockDevice() ? 0 : st.size, mode: st.mode, uid: st.uid };
}

export interface DiskImageInfo {
  format: 'qcow2' | 'raw';
  virtualSizeBytes: number;
  backingFile?: string;
}

function qemuImgInfo(file: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    // -U: also works on an image a running VM has open (read-only probe, no lock).
    execFile('qemu-img', ['info', '--output=json', '-U', file], { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        return reject(new FileCheckError(missing ? 'qemu-img is not installed (apt install qemu-utils); it is needed to check disk images' : `qemu-img cannot read '${file}': ${String(stderr || err.message).trim().split('\n').pop()}`));
      }
      try {
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      } catch {
        reject(new FileCheckError(`qemu-img gave unreadable output for '${file}'`));
      }
    });
  });
}

/**
 * A qcow2 or raw disk image. qemu-img calls any unknown file "raw", so raw images must also
 * be a whole number of 512-byte sectors and not an ISO image (a text file is neither).
 */
export async function probeDiskImage(file: string, what = 'source.path'): Promise<DiskImageInfo> {
  const { size } = await checkReadableFile(file, what);
  const info = await qemuImgInfo(file);
  const format = String(info.format ?? '');
  const virtualSizeBytes = Number(info['virtual-size'] ?? 0);
  if (format === 'qcow2') {
    return { format, virtualSizeBytes, ...(typeof info['backing-filename'] === 'string' ? { backingFile: info['backing-filename'] } : {}) };
  }
  if (format === 'raw') {
    if (size === 0 && virtualSizeBytes === 0) throw new FileCheckError(`${what} '${file}' is not a disk image (it is empty)`);
    if (size % 512 !== 0) throw new FileCheckError(`${what} '${file}' is not a disk image (qcow2 or raw): its size (${size} bytes) is not a whole number of 512-byte sectors`);
    if (await looksLikeOpticalImage(file)) throw new FileCheckError(`${what} '${file}' is an ISO image, not a disk image: use source kind 'iso'`);
    return { format, virtualSizeBytes };
  }
  throw new FileCheckError(`${what} '${file}' is not a disk image Virtdesk can import: qemu-img says '${format || 'unknown'}' (supported: qcow2, raw)`);
}

let localQemu: Promise<QemuIdentity | null> | null = null;

/**
 * QEMU on qemu:///system runs as its own user (libvirt-qemu on Debian): a file it must open
 * needs every folder above it enterable by that user (mode bits or ACLs) and the file readable.
 * Returns a warning or null. `who`: QEMU's user when known (default: qemu.conf / libvirt-qemu).
 */
export async function qemuAccessWarning(file: string, what: string, who?: QemuIdentity | null): Promise<string | null> {
  try {
    const identity = who !== undefined ? who : await (localQemu ??= qemuIdentity(null));
    // Unknown user: what "other users" may do decides.
    const id = identity ?? { name: 'libvirt-qemu', uid: -1, gids: [] };
    if (id.uid === 0) return null;
    const blockers = blockersAtStart((await accessPlan(file, id)).blockers, await dynamicOwnership());
    const folder = blockers.find((b) => b.kind === 'folder');
    if (folder) return `${what} '${file}' is inside '${folder.path}', which other users cannot enter; QEMU (user ${id.name}) will fail with "Permission denied" — let QEMU's user in, or move it to /var/lib/libvirt/images or a storage pool folder`;
    if (blockers.length) return `${what} '${file}' is not readable by other users; QEMU (user ${id.name}) may fail to open it — libvirt usually fixes file ownership itself, but folders it cannot enter stay a problem`;
  } catch {
    /* checked elsewhere */
  }
  return null;
}
