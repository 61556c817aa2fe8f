// vm.stats and host.stats turn libvirt's cumulative counters into rates between two samples.
import { describe, expect, it } from 'vitest';
import { countersOf, hostCpuPercent, perSecond, sumIndexed, vmSample } from '../../../src-main/api/stats-rates';

const record = (params: Record<string, number>) => ({ uuid: 'u1', name: 'vm1', params: { 'state.state': 1, ...params } });

describe('perSecond', () => {
  it('is the change per second of a growing counter', () => {
    expect(perSecond(3000, 1000, 2000)).toBe(1000);
    expect(perSecond(1000, 1000, 500)).toBe(0);
  });
  it('is null without a previous value, without elapsed time, or when the counter went back', () => {
    expect(perSecond(1000, undefined, 2000)).toBeNull();
    expect(perSecond(null, 5, 2000)).toBeNull();
    expect(perSecond(1000, 500, 0)).toBeNull();
    expect(perSecond(100, 5000, 2000)).toBeNull(); // the VM restarted: counters begin again at 0
  });
});

describe('sumIndexed', () => {
  it('sums a field over every disk or interface: 0 without devices, null when nothing is reported', () => {
    const p = { 'block.count': 2, 'block.0.rd.bytes': 100, 'block.1.rd.bytes': 23, 'block.0.wr.bytes': 7, 'net.count': 0 };
    expect(sumIndexed(p, 'block', 'rd.bytes')).toBe(123);
    expect(sumIndexed(p, 'block', 'wr.bytes')).toBe(7); // block.1 has no wr.bytes
    expect(sumIndexed(p, 'net', 'rx.bytes')).toBe(0);
    expect(sumIndexed({}, 'net', 'rx.bytes')).toBeNull();
    // A user-mode NIC: counted, but libvirt has no counters for it (not the same as no traffic).
    expect(sumIndexed({ 'net.count': 1 }, 'net', 'rx.bytes')).toBeNull();
  });
});

describe('vmSample', () => {
  const first = record({ 'cpu.time': 1e9, 'block.count': 1, 'block.0.rd.bytes': 1_000, 'block.0.wr.bytes': 0, 'net.count': 1, 'net.0.rx.bytes': 500, 'net.0.tx.bytes': 50, 'balloon.rss': 2048, 'balloon.maximum': 4096 });
  const second = record({ 'cpu.time': 2e9, 'block.count': 1, 'block.0.rd.bytes': 5_000, 'block.0.wr.bytes': 8_192, 'net.count': 1, 'net.0.rx.bytes': 2_500, 'net.0.tx.bytes': 50, 'balloon.rss': 2048, 'balloon.maximum': 4096 });

  it('has no rates on the first sample', () => {
    const s = vmSample(first, countersOf(first.params, 10_000), undefined);
    expect(s).toMatchObject({ uuid: 'u1', state: 'running', cpuPercent: null, diskReadBps: null, diskWriteBps: null, netRxBps: null, netTxBps: null, memoryUsedKiB: 2048, memoryMaxKiB: 4096 });
  });

  it('computes CPU percent and byte rates from the previous sample', () => {
    const before = countersOf(first.params, 10_000);
    const s = vmSample(second, countersOf(second.params, 12_000), before);
    expect(s.cpuPercent).toBeCloseTo(50); // 1 s of CPU in 2 s of wall time
    expect(s.diskReadBps).toBe(2_000);
    expect(s.diskWriteBps).toBe(4_096);
    expect(s.netRxBps).toBe(1_000);
    expect(s.netTxBps).toBe(0);
  });

  it('gives null (not a negative rate) after the VM restarted', () => {
    const before = countersOf(second.params, 10_000);
    const s = vmSample(first, countersOf(first.params, 12_000), before);
    expect([s.cpuPercent, s.diskReadBps, s.netRxBps]).toEqual([null, null, null]);
  });

  it('gives null for groups the driver did not report', () => {
    const bare = record({ 'cpu.time': 1 });
    const s = vmSample(bare, countersOf(bare.params, 2_000), countersOf(bare.params, 1_000));
    expect([s.diskReadBps, s.diskWriteBps, s.netRxBps, s.netTxBps]).toEqual([null, null, null, null]);
  });
});

describe('hostCpuPercent', () => {
  it('is the busy (kernel + user) share of all CPU time between two readings', () => {
    const before = { kernel: 100, user: 300, idle: 1_000, iowait: 0 };
    const now = { kernel: 200, user: 500, idle: 1_600, iowait: 100 };
    expect(hostCpuPercent(now, before)).toBeCloseTo(30); // 300 busy of 1000
  });
  it('is null on the first reading and when no time passed', () => {
    const r = { kernel: 1, user: 1, idle: 1, iowait: 1 };
    expect(hostCpuPercent(r, undefined)).toBeNull();
    expect(hostCpuPercent(r, r)).toBeNull();
  });
});
