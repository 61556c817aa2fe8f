// The performance history the app keeps while it runs: per connection, the samples of each VM and
// of the host over the last HISTORY_WINDOW_MS. Each history is a bounded list (a ring: a new
// sample pushes out the oldest); lists are replaced, not mutated, so the store's $state.raw sees
// every change and a chart can hold on to the list it drew.
import type { HostStatsSample, VmStatsSample } from '../../src-main/contract';
import { cpuShare } from '../common/format';
import type { StatPoint } from '../vm/vm-logic';

export const HISTORY_WINDOW_MS = 10 * 60_000;
/** Upper bound on points per history, whatever the interval (10 min at 500 ms is 1,200). */
const MAX_POINTS = 3600;

/** Samples that fit the window at one sample per `intervalMs` (at least 2: a line needs two points). */
export function historyCapacity(intervalMs: number, windowMs: number = HISTORY_WINDOW_MS): number {
  if (!(intervalMs > 0) || !(windowMs > 0)) return 2;
  return Math.min(MAX_POINTS, Math.max(2, Math.ceil(windowMs / intervalMs)));
}

/** `list` plus `item` at the end, keeping only the newest `capacity` items. */
export function appendBounded<T>(list: readonly T[], item: T, capacity: number): T[] {
  const keep = Math.max(1, Math.floor(capacity)) - 1;
  const next = list.length > keep ? list.slice(list.length - keep) : list.slice();
  next.push(item);
  return next;
}

export interface VmStatPoint extends StatPoint {
  /** Bytes per second, summed over the VM's disks / interfaces. */
  diskReadBps: number | null;
  diskWriteBps: number | null;
  netRxBps: number | null;
  netTxBps: number | null;
}

export interface HostStatPoint {
  at: number;
  /** Busy share of all host CPUs, 0..100. */
  cpu: number | null;
  memoryUsedKiB: number;
  memoryTotalKiB: number;
}

export type VmHistory = ReadonlyMap<string, readonly VmStatPoint[]>;

export function vmPoint(s: VmStatsSample, at: number, vcpus: number): VmStatPoint {
  return {
    at,
    cpu: cpuShare(s.cpuPercent, vcpus),
    memoryUsedKiB: s.memoryUsedKiB,
    memoryMaxKiB: s.memoryMaxKiB,
    diskReadBps: s.diskReadBps ?? null,
    diskWriteBps: s.diskWriteBps ?? null,
    netRxBps: s.netRxBps ?? null,
    netTxBps: s.netTxBps ?? null,
  };
}

/**
 * Appends one round of vm.stats samples (keyed by UUID), keeping `capacity` points per VM.
 * Returns a new map; VMs absent from the round keep their history.
 */
export function applyVmSamples(history: VmHistory, samples: readonly VmStatsSample[], at: number, vcpusOf: (uuid: string) => number, capacity: number): Map<string, readonly VmStatPoint[]> {
  const next = new Map(history);
  for (const s of samples) next.set(s.uuid, appendBounded(next.get(s.uuid) ?? [], vmPoint(s, at, vcpusOf(s.uuid)), capacity));
  return next;
}

export function hostPoint(s: HostStatsSample): HostStatPoint {
  return { at: s.at, cpu: s.cpuPercent === null ? null : Math.min(100, Math.max(0, s.cpuPercent)), memoryUsedKiB: s.memoryUsedKiB, memoryTotalKiB: s.memoryTotalKiB };
}

/** The newest non-null value of a field, or null. */
export function latestOf<T>(points: readonly T[] | undefined, pick: (p: T) => number | null): number | null {
  if (!points) return null;
  for (let i = points.length - 1; i >= 0; i--) {
    const v = pick(points[i] as T);
    if (v !== null && Number.isFinite(v)) return v;
  }
  return null;
}
