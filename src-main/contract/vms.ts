// Virtual machines: list, details, lifecycle, stats; creating and deleting them.
import { z } from 'zod';
import { method, onConnection, onVm, vmRef } from './common';
import { filePath } from './fields';
import type { DomainState, DomainSummary } from './libvirt-types';
import { vmSpecSchema } from './vm-spec';

export interface VmSummary extends Omit<DomainSummary, 'stateReason' | 'cpuTimeNs'> {
  connection: string;
  /** Short OS id from the libosinfo metadata (e.g. "debian12"), when present. */
  os?: string;
  /** The lab the VM belongs to (Virtdesk metadata), for filtering the VM list. */
  lab?: string;
  /** The lab's tags. */
  tags?: string[];
}

export interface VmDisk {
  device: string;
  target: string;
  bus?: string;
  source?: string;
  format?: string;
  readonly: boolean;
}

export interface VmNic {
  type: string;
  mac?: string;
  source?: string;
  model?: string;
}

export interface VmDetails extends VmSummary {
  title?: string;
  description?: string;
  domainType: string;
  arch?: string;
  machine?: string;
  firmware: 'bios' | 'uefi';
  bootOrder: string[];
  disks: VmDisk[];
  nics: VmNic[];
  graphics: { type: string; port?: number; listen?: string }[];
  serialConsoles: number;
}

export interface VmStatsSample {
  uuid: string;
  name: string;
  state: DomainState;
  /** CPU use in percent of one host CPU × vCPUs (0..100·vcpus), since the previous sample. */
  cpuPercent: number | null;
  memoryUsedKiB: number | null;
  memoryMaxKiB: number | null;
  /**
   * Disk and network throughput in bytes per second since the previous sample, summed over the
   * VM's disks / interfaces; null on the first sample and when a counter went back (the VM restarted).
   */
  diskReadBps: number | null;
  diskWriteBps: number | null;
  netRxBps: number | null;
  netTxBps: number | null;
}

/** A step of vm.create, in order; not every create has every step. */
export type CreateStep = 'check' | 'download-kernel' | 'download-initrd' | 'copy-image' | 'seed' | 'volume' | 'define' | 'start' | 'cleanup';

export type CreateEventMap = {
  /**
   * Progress of a vm.create that was given a progressId: each step as it begins (done/total
   * in bytes for downloads and copies, when known).
   */
  'vm.createProgress': { connection: string; progressId: string; name: string; step: CreateStep; detail?: string; done?: number; total?: number };
};

export interface VmCreateResult {
  vm: { uuid: string; name: string; connection: string };
  warnings: string[];
  /** The volume created for the VM, if any. */
  createdVolume?: { pool: string; name: string; path: string };
  started: boolean;
}

export interface DeletePlanDisk {
  path: string;
  target: string;
  device: string;
  /** The storage pool and volume the path belongs to, when it is one. */
  pool?: string;
  volume?: string;
  sizeBytes?: number;
  deletable: boolean;
  /** Why it cannot be deleted (read-only, CD-ROM, used by another VM, not in a storage pool, …). */
  reason?: string;
}

export interface DeletePlan {
  vm: { uuid: string; name: string; state: string };
  disks: DeletePlanDisk[];
  /** The VM runs: it is forced off before it is deleted. */
  running: boolean;
  hasNvram: boolean;
  hasManagedSave: boolean;
  /**
   * The VM's snapshots. Their libvirt metadata is removed with the VM. An internal snapshot's data
   * lives inside the qcow2 disks (gone only with a deleted disk); an external snapshot's overlay
   * files are the VM's disks and are listed in `disks`.
   */
  snapshots: DeletePlanSnapshot[];
  /** The UEFI variable store, removed with the VM; path null until libvirt has made the file (first start). */
  nvram: { path: string | null } | null;
  /** The VM is a linked clone (Virtdesk metadata): its overlays may go with it, their bases are kept. */
  linkedClone: DeletePlanLinkedClone | null;
}

export interface DeletePlanSnapshot {
  name: string;
  kind: 'internal' | 'external';
}

export interface DeletePlanLinkedClone {
  /** The template the clone was made from (it may have been renamed or deleted since). */
  template: { uuid: string; name: string; exists: boolean };
  /** Each overlay disk (listed in `disks` with its own deletable verdict) and the base it sits on, which is always kept. */
  overlays: { target: string; overlay: string; base: string }[];
}

export interface VmDeleteResult {
  deletedDisks: string[];
  /** Disks that could not be deleted after the VM was (the VM itself is gone). */
  failedDisks: { path: string; error: string }[];
}

export type VmEventMap = {
  'vm.changed': { connection: string; uuid: string; name: string; event: string; vm: VmSummary | null };
  'vm.stats': { connection: string; samples: VmStatsSample[]; at: number };
} & CreateEventMap;

export const vmMethods = {
  'vm.list': method(z.object(onConnection).strict(), [] as VmSummary[]),
  'vm.get': method(z.object(onVm).strict(), {} as VmDetails),
  'vm.xml': method(z.object({ ...onVm, inactive: z.boolean().optional() }).strict(), '' as string),
  /**
   * Starts a VM. A template with linked clones is refused (INVALID_INPUT on 'confirmTemplate',
   * naming the clones: running it writes to the disks they sit on) unless confirmTemplate is true.
   */
  'vm.start': method(z.object({ ...onVm, confirmTemplate: z.boolean({ error: 'confirmTemplate must be true or false' }).optional() }).strict(), undefined as void),
  'vm.shutdown': method(z.object(onVm).strict(), undefined as void),
  'vm.reboot': method(z.object(onVm).strict(), undefined as void),
  'vm.forceOff': method(z.object(onVm).strict(), undefined as void),
  'vm.pause': method(z.object(onVm).strict(), undefined as void),
  'vm.resume': method(z.object(onVm).strict(), undefined as void),
  'vm.save': method(z.object(onVm).strict(), undefined as void),
  'vm.discardSave': method(z.object(onVm).strict(), undefined as void),
  'vm.screenshot': method(z.object(onVm).strict(), {} as { mime: string; base64: string }),
  'vm.stats': method(z.object(onConnection).strict(), [] as VmStatsSample[]),

  /**
   * Creates a VM from a validated spec. Everything is checked first (nothing is created on any
   * error); then the volume (if new) → the domain definition → start (if asked). If a step
   * fails, everything created so far is removed and the error names the step.
   */
  'vm.create': method(
    z.object({
      ...onConnection,
      spec: vmSpecSchema,
      start: z.boolean().default(false),
      /** Chosen by the caller; vm.createProgress events carry it. */
      progressId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -').optional(),
    }).strict(),
    {} as VmCreateResult,
  ),
  /**
   * Cancels the vm.create or vm.clone running with this progressId: it stops before its next
   * step (a disk copy under way finishes first; libvirt cannot interrupt it), removes what it
   * created and fails with code CANCELLED. cancelled: false when no such operation runs.
   */
  'vm.cancel': method(z.object({ progressId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -') }).strict(), {} as { cancelled: boolean }),
  /** The domain XML vm.create would define (same checks; nothing is created). */
  'vm.createPreview': method(z.object({ ...onConnection, spec: vmSpecSchema }).strict(), {} as { xml: string; warnings: string[] }),
  /** The VM's disks and whether each may be deleted with it. */
  'vm.deletePlan': method(z.object({ ...onConnection, vm: vmRef }).strict(), {} as DeletePlan),
  /**
   * Deletes a VM (forced off first when running; NVRAM, managed save and snapshot metadata go
   * with it) and the disks listed in deleteDisks — each must be deletable in vm.deletePlan,
   * else nothing is done.
   */
  'vm.delete': method(
    z.object({ ...onConnection, vm: vmRef, deleteDisks: z.array(filePath('deleteDisks[]')).max(64, 'at most 64 disks').default([]) }).strict(),
    {} as VmDeleteResult,
  ),
} as const;
