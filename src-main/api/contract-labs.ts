// The API contract of testing labs: snapshots, full and linked clones, templates and declarative
// lab files (*.lab.yaml). Merged into `methods` of contract.ts. Like contract-create.ts it imports
// nothing at runtime from contract.ts (no import cycle) and nothing Node-only (the renderer
// imports its types).
import { z } from 'zod';
import type { DomainState } from '../libvirt/protocol';
import { existingName, filePath, objectName } from './contract-create';
import { method, onConnection, onVm } from './contract-common';
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

/** Lab names become parts of VM, volume and network names: a safe set, short. */
export const LAB_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/;
export const LAB_NAME_RULE = 'must be 1–24 letters, digits, - or _ (starting with a letter or digit)';
const labName = z.string({ error: 'name must be text' }).superRefine(refuseInvisible('name')).regex(LAB_NAME_RE, `name ${LAB_NAME_RULE}`);

/** A lab: by its file (on the computer running Virtdesk), or by name (found by its VMs' metadata). */
const labRef = z
  .object({ ...onConnection, file: filePath('file').optional(), name: labName.optional() })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.file === !v.name) ctx.addIssue({ code: 'custom', path: ['file'], message: 'give the lab file (file) or the lab name (name), not both' });
  });

/** Lab files and editor texts, in UTF-8 bytes as on disk: a lab fits in far less; the limit keeps one file from stalling the server. */
export const MAX_LAB_TEXT_BYTES = 256 * 1024;

/** A text's size in UTF-8 bytes (its size as a file). */
function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** "262145 bytes; a lab file may be at most 262144 bytes (256 KiB)", or null when the text is within the limit. */
export function labTextTooLarge(text: string): string | null {
  if (text.length * 3 <= MAX_LAB_TEXT_BYTES) return null;
  const bytes = utf8Bytes(text);
  return bytes > MAX_LAB_TEXT_BYTES ? `${bytes} bytes; a lab file may be at most ${MAX_LAB_TEXT_BYTES} bytes (${MAX_LAB_TEXT_BYTES / 1024} KiB)` : null;
}

/** A lab file's path, or its text (an editor in the UI); fileName labels error lines ("lab.yaml:7: …"). */
const labSource = z
  .object({
    ...onConnection,
    file: filePath('file').optional(),
    text: z
      .string({ error: 'text must be text' })
      .superRefine((s, ctx) => {
        const tooLarge = labTextTooLarge(s);
        if (tooLarge) ctx.addIssue({ code: 'custom', message: `text is ${tooLarge}` });
      })
      .optional(),
    fileName: z.string().min(1, 'fileName is empty').max(255, 'fileName is longer than 255 characters').regex(/^[^/\u0000-\u001f]+$/, 'fileName must be a plain file name').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.file === undefined) === (v.text === undefined)) ctx.addIssue({ code: 'custom', path: ['file'], message: 'give the lab file (file) or its text (text), not both' });
  });

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

// ---- results: clones and templates ----
export interface CloneResult {
  vm: { uuid: string; name: string; connection: string };
  mode: 'full' | 'linked';
  /** One entry per writable disk: the source and the new volume (copy or overlay). */
  disks: { target: string; source: string; path: string; pool: string; volume: string; bytes: number }[];
  /** Read-only disks and CD-ROMs both VMs now use. */
  sharedDisks: string[];
  /** UEFI: the clone gets fresh NVRAM from the firmware's template at its first start. */
  nvram: 'none' | 'fresh-from-template';
  warnings: string[];
  ms: number;
}

export interface TemplateInfo {
  /** Marked as a template in Virtdesk's metadata (it has, or had, linked clones). */
  template: boolean;
  /** VMs whose disks are overlays on this VM's disks: starting or changing it breaks them. */
  linkedClones: string[];
}

// ---- results: labs ----
export interface LabMachineState {
  /** The VM's name: <lab>-<instance>. */
  name: string;
  /** The machine entry of the lab file, and this instance of it (<machine> or <machine>-<i>). */
  machine: string;
  instance: string;
  uuid: string;
  state: DomainState;
  overlays: string[];
}

export interface LabStatus {
  lab: string;
  connection: string;
  tags: string[];
  /** The base disk(s) every machine's overlay sits on. */
  base: string[];
  network: { name: string; active: boolean; subnet: string | null; dhcp: boolean } | null;
  machines: LabMachineState[];
  /** Instances the lab file lists that have no VM (only when the call named the file). */
  missing: string[];
}

export interface LabUpResult extends LabStatus {
  /** VMs this call created, and VMs of the lab that already existed (idempotent up). */
  created: string[];
  existing: string[];
  warnings: string[];
  ms: number;
}

export interface LabResetResult extends LabStatus {
  ms: number;
}

export interface LabDownResult {
  lab: string;
  removedVms: string[];
  removedVolumes: string[];
  removedNetwork: string | null;
  /** What could not be removed (the rest was). */
  problems: string[];
}

export interface LabSummary {
  name: string;
  machines: number;
  running: number;
  tags: string[];
  network: string | null;
}

export interface LabFileIssue {
  /** 1-based line in the lab file; null when it cannot be placed. */
  line: number | null;
  /** machines[1].count */
  path: string;
  message: string;
  /** "lab.yaml:7: machines[1].count: must be between 1 and 50" */
  text: string;
}

export interface LabValidation {
  ok: boolean;
  /** At most 100 problems, by line; the last one may be "and N more problems". */
  errors: LabFileIssue[];
  /** How many problems there are in all (more than `errors` lists when the file has many). */
  problemCount?: number;
  warnings: string[];
  /** The lab as it would be created (VM names expanded), when the file is valid. */
  lab?: { name: string; tags: string[]; vms: { name: string; machine: string; instance: string; memoryMiB: number; vcpus: number }[]; network: string | null };
}

// ---- events ----
/** Events of this part (merged into contract.ts's ApiEventMap). */
export type LabEventMap = {
  /** A full clone's copy progress in bytes (local connections; polled every 250 ms). */
  'vm.cloneProgress': { connection: string; vm: string; name: string; done: number; total: number };
};

// ---- VM list: lab and tags ----
declare module './contract' {
  interface VmSummary {
    /** The lab the VM belongs to (Virtdesk metadata), for filtering the VM list. */
    lab?: string;
    /** The lab's tags. */
    tags?: string[];
  }
}

export const labMethods = {
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

  /**
   * Clones a shut-off VM. full: copies every writable disk through the storage API (same pool,
   * `<name>-<target>.qcow2`); linked: a qcow2 overlay per writable disk on the source's disk (the
   * source becomes a template). Both: new name, new UUID, new MAC addresses, fresh UEFI NVRAM.
   */
  'vm.clone': method(
    z.object({ ...onVm, name: objectName('name'), mode: z.enum(['full', 'linked'], { error: "mode must be 'full' or 'linked'" }) }).strict(),
    {} as CloneResult,
  ),
  /** Names of the VMs whose disks are overlays on this VM's disks. */
  'vm.linkedClones': method(z.object(onVm).strict(), [] as string[]),
  /**
   * Whether a VM is a template and which linked clones depend on it. The UI asks before starting
   * or changing a template with linked clones; the API itself (vm.start) does not block it.
   */
  'vm.templateInfo': method(z.object(onVm).strict(), {} as TemplateInfo),

  /** Checks a lab file (syntax, schema, base, names, network) without creating anything. */
  'lab.validate': method(labSource, {} as LabValidation),
  /**
   * Creates what the lab file describes (network, one linked clone per machine) and starts the
   * machines. Idempotent: existing machines of the lab are kept (and started). Everything is
   * checked first; a failure removes what this call created.
   */
  'lab.up': method(labSource, {} as LabUpResult),
  'lab.start': method(labRef, {} as LabStatus),
  /** Forces the lab's VMs off. */
  'lab.stop': method(labRef, {} as LabStatus),
  'lab.status': method(labRef, {} as LabStatus),
  /** Back to baseline: forces the VMs off, recreates each overlay from the base, starts them. */
  'lab.reset': method(labRef, {} as LabResetResult),
  /** Removes exactly what the lab created: its VMs (found by metadata), their overlays, its network. */
  'lab.down': method(labRef, {} as LabDownResult),
  /** Labs present on a connection (from the VMs' metadata). */
  'lab.list': method(z.object(onConnection).strict(), [] as LabSummary[]),
} as const;

export type LabMethodName = keyof typeof labMethods;
export type LabMethodInput<M extends LabMethodName> = z.input<(typeof labMethods)[M]['input']>;
export type LabMethodParsed<M extends LabMethodName> = z.output<(typeof labMethods)[M]['input']>;
export type LabMethodResult<M extends LabMethodName> = (typeof labMethods)[M]['result'];
