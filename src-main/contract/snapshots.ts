// Snapshots of a VM.
import { z } from 'zod';
import { method, onVm } from './common';
import { existingName } from './fields';
import type { DomainState } from './libvirt-types';
import { refuseInvisible } from './display-name';

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_NEWLINE_TAB = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;

/** Names of new snapshots: they end up in file names (external snapshots), so a safe set. */
export const SNAPSHOT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const newSnapshotName = z
  .string({ error: 'name must be text' })
  .superRefine(refuseInvisible('name'))
  .regex(SNAPSHOT_NAME_RE, 'name must be 1–64 letters, digits, . _ or - (starting with a letter or digit)');
/** Existing snapshots may have been made elsewhere (virsh) with other characters. */
const snapshotName = existingName('name');

// ---- results: snapshots ----
export interface SnapshotInfo {
  name: string;
  description: string | null;
  /** ISO 8601 (from libvirt's creationTime). */
  createdAt: string;
  /** The VM's state when the snapshot was taken: running, paused, shutoff, … or disk-snapshot. */
  state: DomainState | 'disk-snapshot' | string;
  /** The guest's memory is part of the snapshot (reverting resumes the running guest). */
  hasMemory: boolean;
  current: boolean;
  /** null for a root: with `children`, the list is a tree (parents come before children). */
  parent: string | null;
  children: string[];
  /** Disks (and memory) in separate overlay files instead of inside the qcow2 images. */
  external: boolean;
}

export interface SnapshotCapabilities {
  /** Snapshots inside the qcow2 images: every writable disk is qcow2 and the firmware is not UEFI (pflash). */
  internal: boolean;
  /** External disk snapshots (overlay files): every writable disk is a local file or block device. */
  external: boolean;
  /** Reverting to (and deleting) external snapshots: libvirt ≥ 9.9.0. */
  externalRevert: boolean;
  /** Why something above is false, one sentence each. */
  reasons: string[];
  /** The connection's libvirt version, e.g. "9.0.0". */
  libVersion: string;
}

export const snapshotMethods = {
  /** The snapshot tree of a VM (parents before children). */
  'snapshot.list': method(z.object(onVm).strict(), [] as SnapshotInfo[]),
  /**
   * Takes a snapshot. memory (default: true when the VM runs) saves the running guest too.
   * Internal (default) snapshots live inside the qcow2 disks; external ones in new overlay files
   * (the only kind UEFI VMs can have). See snapshot.capabilities for what a VM allows.
   */
  'snapshot.create': method(
    z.object({
      ...onVm,
      name: newSnapshotName,
      description: z
        .string({ error: 'description must be text' })
        .max(2000, 'description is longer than 2000 characters')
        .refine((s) => !CONTROL_EXCEPT_NEWLINE_TAB.test(s), 'description contains a control character')
        .optional(),
      memory: z.boolean({ error: 'memory must be true or false' }).optional(),
      external: z.boolean({ error: 'external must be true or false' }).default(false),
    }).strict(),
    {} as SnapshotInfo,
  ),
  /** Reverts to a snapshot (a snapshot with memory resumes the guest where it was). */
  'snapshot.revert': method(z.object({ ...onVm, name: snapshotName }).strict(), undefined as void),
  /** Deletes one snapshot; its children move to its parent. */
  'snapshot.delete': method(z.object({ ...onVm, name: snapshotName }).strict(), undefined as void),
  'snapshot.capabilities': method(z.object(onVm).strict(), {} as SnapshotCapabilities),
} as const;
