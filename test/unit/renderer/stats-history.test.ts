// The history the app keeps while it runs: bounded per VM and for the host, replaced (never
// mutated) on every sample so the charts and the store see each change.
import { describe, expect, it } from 'vitest';
import type { HostStatsSample, VmStatsSample } from '../../../src-main/contract';
import { appendBounded, applyVmSamples, HISTORY_WINDOW_MS, historyCapacity, hostPoint, latestOf, type VmStatPoint } from '../../../src-renderer/app/stats-history';
import { latestCpu } from '../../../src-renderer/vm/vm-logic';

const sample = (uuid: string, cpuPercent: number | null, io: number | null = 0): VmStatsSample => ({
  uuid, name: uuid, state: 'running', cpuPercent, memoryUsedKiB: 100, memoryMaxKiB: 200, diskReadBps: io, diskWriteBps: io, netRxBps: io, netTxBps: io,
});

describe('historyCapacity', () => {
  it('holds ten minutes of samples at the stats interval', () => {
    expect(HISTORY_WINDOW_MS).toBe(600_000);
    expect(historyCapacity(2000)).toBe(300);
    expect(historyCapacity(500)).toBe(1200);
    expect(historyCapacity(60_000)).toBe(10);
    expect(historyCapacity(7000)).toBe(86); // rounded up: the window is covered
  });
  it('never drops below two points and refuses nonsense intervals', () => {
    expect(historyCapacity(10 * 60_000 * 5)).toBe(2);
    expect(historyCapacity(0)).toBe(2);
    expect(historyCapacity(Number.NaN)).toBe(2);
  });
});

describe('appendBounded', () => {
  it('keeps the newest items and drops the oldest once full (a ring)', () => {
    let list: readonly number[] = [];
    for (let i = 1; i <= 7; i++) list = appendBounded(list, i, 5);
    expect(list).toEqual([3, 4, 5, 6, 7]);
  });
  it('returns a new list and leaves the old one as it was', () => {
    const a = [1, 2, 3];
    const b = appendBounded(a, 4, 3);
    expect(b).toEqual([2, 3, 4]);
    expect(a).toEqual([1, 2, 3]);
    expect(b).not.toBe(a);
  });
  it('shrinks a longer list to a smaller capacity (the interval changed)', () => {
    expect(appendBounded([1, 2, 3, 4, 5, 6], 7, 3)).toEqual([5, 6, 7]);
  });
});

describe('applyVmSamples', () => {
  it('appends normalized samples with disk and network rates, keeping `capacity` points', () => {
    let h: ReadonlyMap<string, readonly VmStatPoint[]> = new Map();
    for (let i = 0; i < 70; i++) h = applyVmSamples(h, [sample('x', i * 2, i * 1024)], i, () => 2, 60);
    const pts = h.get('x')!;
    expect(pts).toHaveLength(60);
    expect(pts[0]!.at).toBe(10);
    expect(pts[59]).toEqual({ at: 69, cpu: 69, memoryUsedKiB: 100, memoryMaxKiB: 200, diskReadBps: 69 * 1024, diskWriteBps: 69 * 1024, netRxBps: 69 * 1024, netTxBps: 69 * 1024 });
    expect(latestCpu(pts)).toBe(69); // the VM list's sparkline reads the same points
  });
  it('keeps other VMs and returns a new map', () => {
    const h1 = applyVmSamples(new Map(), [sample('a', 10), sample('b', null, null)], 1, () => 1, 300);
    const h2 = applyVmSamples(h1, [sample('a', 20)], 2, () => 1, 300);
    expect(h2).not.toBe(h1);
    expect(h2.get('b')).toEqual([{ at: 1, cpu: null, memoryUsedKiB: 100, memoryMaxKiB: 200, diskReadBps: null, diskWriteBps: null, netRxBps: null, netTxBps: null }]);
    expect(h2.get('a')!.map((p) => p.cpu)).toEqual([10, 20]);
    expect(h1.get('a')).toHaveLength(1);
  });
});

describe('hostPoint and latestOf', () => {
  it('clamps the host CPU share to 0..100 and keeps memory as given', () => {
    const s: HostStatsSample = { connection: 'qemu:///system', at: 5, cpuPercent: 140, cpus: 2, memoryUsedKiB: 1024, memoryTotalKiB: 4096 };
    expect(hostPoint(s)).toEqual({ at: 5, cpu: 100, memoryUsedKiB: 1024, memoryTotalKiB: 4096 });
    expect(hostPoint({ ...s, cpuPercent: null }).cpu).toBeNull();
  });
  it('finds the newest known value, skipping gaps', () => {
    const pts = [{ v: 1 }, { v: 2 }, { v: null }];
    expect(latestOf(pts, (p) => p.v)).toBe(2);
    expect(latestOf([{ v: null }], (p) => p.v)).toBeNull();
    expect(latestOf(undefined, (p: { v: number }) => p.v)).toBeNull();
  });
});
