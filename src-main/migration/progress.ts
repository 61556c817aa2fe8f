// libvirt's job statistics (virDomainGetJobStats, VIR_DOMAIN_JOB_* fields) as migration progress.
import type { MigrationProgress } from '../contract';

type JobParams = Record<string, number | string | boolean>;

/** VIR_DOMAIN_JOB_BOUNDED / UNBOUNDED: a job runs now. */
export const jobIsActive = (type: number): boolean => type === 1 || type === 2;

const num = (p: JobParams, key: string): number | undefined => (typeof p[key] === 'number' ? (p[key] as number) : undefined);

/** The figures of a running migration job; absent ones are left out. */
export function progressFromJob(p: JobParams): Partial<MigrationProgress> {
  const out: Partial<MigrationProgress> = {};
  const set = <K extends keyof MigrationProgress>(k: K, v: MigrationProgress[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('elapsedMs', num(p, 'time_elapsed'));
  set('dataTotal', num(p, 'data_total'));
  set('dataProcessed', num(p, 'data_processed'));
  set('dataRemaining', num(p, 'data_remaining'));
  const memBps = num(p, 'memory_bps');
  const diskBps = num(p, 'disk_bps');
  if (memBps !== undefined || diskBps !== undefined) out.bytesPerSecond = (memBps ?? 0) + (diskBps ?? 0);
  const dirtyPages = num(p, 'memory_dirty_rate');
  if (dirtyPages !== undefined) out.dirtyBytesPerSecond = dirtyPages * (num(p, 'memory_page_size') ?? 4096);
  set('expectedDowntimeMs', num(p, 'downtime'));
  set('iteration', num(p, 'memory_iteration'));
  return out;
}
