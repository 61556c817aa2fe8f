// Rates from cumulative libvirt counters: a VM's CPU, disk and network use and the host's CPU
// use between two samples. Pure, so the arithmetic is unit-tested without a daemon.
import type { DomainState, VmStatsSample } from '../contract';
import type { DomainStats } from '../libvirt/protocol';

type TypedParams = DomainStats['params'];

/** A VM's cumulative counters at one sample (null: the stats group was not reported). */
export interface VmCounters {
  at: number;
  cpuNs: number | null;
  diskReadBytes: number | null;
  diskWriteBytes: number | null;
  netRxBytes: number | null;
  netTxBytes: number | null;
}

const STATES: readonly DomainState[] = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'];

const num = (p: TypedParams, k: string): number | null => (typeof p[k] === 'number' ? p[k] : null);

/**
 * Sums `<group>.N.<field>` over every N (e.g. block.0.rd.bytes + block.1.rd.bytes): 0 with no
 * devices; null when the group is absent or no device reports the field (a user-mode NIC has no
 * host-side device, so libvirt has no counters for it).
 */
export function sumIndexed(p: TypedParams, group: 'block' | 'net', field: string): number | null {
  const count = num(p, `${group}.count`);
  if (count === null) return null;
  let total = 0;
  let reported = 0;
  for (let i = 0; i < count; i++) {
    const v = num(p, `${group}.${i}.${field}`);
    if (v === null) continue;
    total += v;
    reported++;
  }
  return count > 0 && reported === 0 ? null : total;
}

export function countersOf(p: TypedParams, at: number): VmCounters {
  return {
    at,
    cpuNs: num(p, 'cpu.time'),
    diskReadBytes: sumIndexed(p, 'block', 'rd.bytes'),
    diskWriteBytes: sumIndexed(p, 'block', 'wr.bytes'),
    netRxBytes: sumIndexed(p, 'net', 'rx.bytes'),
    netTxBytes: sumIndexed(p, 'net', 'tx.bytes'),
  };
}

/**
 * Change per second of a cumulative counter over `ms` milliseconds. Null without both values,
 * without elapsed time, or when the counter went back (the VM restarted, a disk was detached).
 */
export function perSecond(now: number | null, before: number | null | undefined, ms: number): number | null {
  if (now === null || before === null || before === undefined || !(ms > 0) || now < before) return null;
  return ((now - before) * 1000) / ms;
}

/** One vm.stats sample from a stats record and the same VM's counters at the previous sample. */
export function vmSample(r: DomainStats, now: VmCounters, before: VmCounters | undefined): VmStatsSample {
  const p = r.params;
  const ms = before ? now.at - before.at : 0;
  const cpuNsPerS = perSecond(now.cpuNs, before?.cpuNs, ms);
  return {
    uuid: r.uuid,
    name: r.name,
    state: STATES[num(p, 'state.state') ?? 0] ?? 'nostate',
    // ns of CPU time per s of wall time / 1e9 = CPUs busy; × 100 = percent of one host CPU.
    cpuPercent: cpuNsPerS === null ? null : cpuNsPerS / 1e7,
    memoryUsedKiB: num(p, 'balloon.rss') ?? num(p, 'balloon.current'),
    memoryMaxKiB: num(p, 'balloon.maximum'),
    diskReadBps: perSecond(now.diskReadBytes, before?.diskReadBytes, ms),
    diskWriteBps: perSecond(now.diskWriteBytes, before?.diskWriteBytes, ms),
    netRxBps: perSecond(now.netRxBytes, before?.netRxBytes, ms),
    netTxBps: perSecond(now.netTxBytes, before?.netTxBytes, ms),
  };
}

/**
 * Busy share (kernel + user) of all host CPUs between two readings of virNodeGetCPUStats, 0..100;
 * null without a previous reading or when the times did not advance.
 */
export function hostCpuPercent(now: Record<string, number>, before: Record<string, number> | undefined): number | null {
  if (!before) return null;
  const d = (k: string): number => Math.max(0, (now[k] ?? 0) - (before[k] ?? 0));
  const busy = d('kernel') + d('user');
  const total = busy + d('idle') + d('iowait');
  if (total <= 0) return null;
  return Math.min(100, (busy / total) * 100);
}
