// Full and linked clones, templates.
import { z } from 'zod';
import { method, onVm } from './common';
import { objectName } from './fields';

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

export type CloneEventMap = {
  /** A full clone's copy progress in bytes (local connections; polled every 250 ms). */
  'vm.cloneProgress': { connection: string; vm: string; name: string; done: number; total: number; progressId?: string };
};

export const cloneMethods = {
  /**
   * Clones a shut-off VM. full: copies every writable disk through the storage API (same pool,
   * `<name>-<target>.qcow2`); linked: a qcow2 overlay per writable disk on the source's disk (the
   * source becomes a template). Both: new name, new UUID, new MAC addresses, fresh UEFI NVRAM.
   */
  'vm.clone': method(
    z.object({
      ...onVm,
      name: objectName('name'),
      mode: z.enum(['full', 'linked'], { error: "mode must be 'full' or 'linked'" }),
      /** Chosen by the caller: vm.cloneProgress events carry it, and vm.cancel cancels the clone. */
      progressId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -').optional(),
    }).strict(),
    {} as CloneResult,
  ),
  /** Names of the VMs whose disks are overlays on this VM's disks. */
  'vm.linkedClones': method(z.object(onVm).strict(), [] as string[]),
  /**
   * Whether a VM is a template and which linked clones depend on it. The UI asks before starting
   * or changing a template with linked clones; the API itself (vm.start) does not block it.
   */
  'vm.templateInfo': method(z.object(onVm).strict(), {} as TemplateInfo),
} as const;
