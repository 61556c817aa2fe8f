// Moving a VM to another connected host: live migration (QEMU's, driven by libvirt) with
// progress and cancel, and offline migration (the definition moves) for shut-off VMs.
import { z } from 'zod';
import { connectionUri, method, onVm } from './common';

/** Where a migration is. 'checking' comes first; one of the last three ends it. */
export type MigrationPhase = 'checking' | 'migrating' | 'completed' | 'failed' | 'cancelled';

/**
 * Progress of a vm.migrate, from the source host's job statistics (virDomainGetJobStats), about
 * twice a second while it runs. Byte figures are totals over memory and (with copyStorage) disks.
 */
export interface MigrationProgress {
  connection: string;
  destination: string;
  uuid: string;
  name: string;
  /** The caller's progressId, when vm.migrate was given one. */
  progressId?: string;
  phase: MigrationPhase;
  elapsedMs: number;
  dataTotal?: number;
  dataProcessed?: number;
  dataRemaining?: number;
  /** Transfer speed in bytes per second (memory + disks). */
  bytesPerSecond?: number;
  /** Memory the guest dirties, in bytes per second: above the speed, a live migration does not converge. */
  dirtyBytesPerSecond?: number;
  /** How long the guest will pause at the switch-over, as QEMU expects now (ms). */
  expectedDowntimeMs?: number;
  /** Memory passes so far (each one sends what the guest dirtied during the previous). */
  iteration?: number;
  /** Set with phase 'failed': what went wrong. */
  error?: string;
}

export type MigrationEventMap = {
  'vm.migrateProgress': MigrationProgress;
};

export interface MigrateResult {
  vm: { uuid: string; name: string };
  source: string;
  destination: string;
  /** 'live': it ran throughout; 'paused': it was paused while its memory moved; 'offline': only the definition moved. */
  mode: 'live' | 'paused' | 'offline';
  copiedStorage: boolean;
  peerToPeer: boolean;
  tunnelled: boolean;
  durationMs: number;
  /** Things that did not move or that the user should know (a UEFI variable store left behind, …). */
  warnings: string[];
}

const progressId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -');

export const migrationMethods = {
  /**
   * Moves a VM to `destination` (a connected connection). Refused before anything starts, each
   * with its reason: same host, destination lacks a network or storage pool the VM uses, a device
   * only this host has, CPU the destination cannot give, a VM of that name or UUID already there.
   *
   * A running VM moves with QEMU's migration (`live`: it keeps running meanwhile; else it is paused
   * until it arrives); a persistent VM's definition moves with it. `peerToPeer` (default true):
   * the source host's libvirt connects to the destination itself; `tunnelled` (default: true
   * unless copying disks) sends the data through that libvirt connection, so no direct path from
   * QEMU to QEMU is needed. `copyStorage: 'all'` copies the disks to the destination (whose pool
   * must exist there); 'none' needs storage both hosts see. A shut-off VM moves with `offline`:
   * its definition is defined on the destination, then removed here.
   */
  'vm.migrate': method(
    z.object({
      ...onVm,
      destination: connectionUri,
      live: z.boolean().default(false),
      offline: z.boolean().default(false),
      copyStorage: z.enum(['none', 'all'], { error: "copyStorage must be 'none' or 'all'" }).default('none'),
      peerToPeer: z.boolean().optional(),
      tunnelled: z.boolean().optional(),
      /** Bandwidth limit in MiB/s. */
      bandwidthMiBps: z.number().int('bandwidthMiBps must be a whole number').min(1, 'bandwidthMiBps must be at least 1').max(1_000_000, 'bandwidthMiBps must be at most 1000000').optional(),
      progressId: progressId.optional(),
    }).strict(),
    {} as MigrateResult,
  ),
  /** Cancels the VM's running migration (virDomainAbortJob); the VM stays on its host. */
  'vm.migrateCancel': method(z.object(onVm).strict(), undefined as void),
} as const;
