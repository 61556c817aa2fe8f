import { describe, expect, it } from 'vitest';
import type { VmSummary } from '../../../src-main/contract';
import {
  allowedActions,
  applyVmChanged,
  filterVms,
  latestCpu,
  moveSelection,
  scrollToReveal,
  sortVms,
  stateCategory,
  visibleRange,
  type VmChangedEvent,
} from '../../../src-renderer/vm/vm-logic';
import { vmSummary } from '../../support/vm-summary';

const C = 'test:///default';
const vm = vmSummary;
const changed = (v: VmSummary, gone = false): VmChangedEvent => ({ connection: C, uuid: v.uuid, name: v.name, event: gone ? 'undefined' : 'started', vm: gone ? null : v });

describe('applyVmChanged', () => {
  const a = vm('a');
  const b = vm('b');
  it('updates a VM in place', () => {
    const list = [a, b];
    const next = applyVmChanged(list, changed({ ...a, state: 'running' }));
    expect(next.map((v) => v.state)).toEqual(['running', 'shutoff']);
    expect(next).not.toBe(list);
    expect(list[0]?.state).toBe('shutoff'); // input untouched
  });
  it('inserts an unknown VM', () => {
    const c = vm('c');
    expect(applyVmChanged([a, b], changed(c)).map((v) => v.name)).toEqual(['a', 'b', 'c']);
  });
  it('removes a VM when vm is null', () => {
    expect(applyVmChanged([a, b], changed(a, true)).map((v) => v.name)).toEqual(['b']);
    expect(applyVmChanged([b], changed(a, true)).map((v) => v.name)).toEqual(['b']);
  });
});

describe('filterVms', () => {
  const list = [vm('Web-01', { state: 'running' }), vm('web-02', { state: 'paused' }), vm('db', { state: 'shutoff' }), vm('broken', { state: 'crashed' }), vm('busy', { state: 'blocked' })];
  it('matches names case-insensitively by substring', () => {
    expect(filterVms(list, 'WEB', 'all').map((v) => v.name)).toEqual(['Web-01', 'web-02']);
    expect(filterVms(list, '  b-0 ', 'all').map((v) => v.name)).toEqual(['Web-01', 'web-02']);
    expect(filterVms(list, '', 'all')).toHaveLength(5);
    expect(filterVms(list, 'zzz', 'all')).toHaveLength(0);
  });
  it('filters by state category', () => {
    expect(filterVms(list, '', 'running').map((v) => v.name)).toEqual(['Web-01', 'busy']);
    expect(filterVms(list, '', 'paused').map((v) => v.name)).toEqual(['web-02']);
    expect(filterVms(list, '', 'shutoff').map((v) => v.name)).toEqual(['db']);
    expect(filterVms(list, '', 'other').map((v) => v.name)).toEqual(['broken']);
    expect(filterVms(list, 'web', 'paused').map((v) => v.name)).toEqual(['web-02']);
    expect(stateCategory('pmsuspended')).toBe('other');
  });
});

describe('sortVms', () => {
  const list = [
    vm('vm10', { vcpus: 2, memoryKiB: 4096, state: 'shutoff', os: 'debian12' }),
    vm('vm2', { vcpus: 8, memoryKiB: 1024, state: 'running' }),
    vm('Alpha', { vcpus: 2, memoryKiB: 2048, state: 'paused', os: 'alpine3.19' }),
  ];
  const names = (l: VmSummary[]): string[] => l.map((v) => v.name);
  it('sorts names naturally and case-insensitively', () => {
    expect(names(sortVms(list, 'name', 'asc'))).toEqual(['Alpha', 'vm2', 'vm10']);
    expect(names(sortVms(list, 'name', 'desc'))).toEqual(['vm10', 'vm2', 'Alpha']);
  });
  it('sorts numbers, with name as tie-breaker', () => {
    expect(names(sortVms(list, 'vcpus', 'asc'))).toEqual(['Alpha', 'vm10', 'vm2']);
    expect(names(sortVms(list, 'vcpus', 'desc'))).toEqual(['vm2', 'Alpha', 'vm10']);
    expect(names(sortVms(list, 'memory', 'asc'))).toEqual(['vm2', 'Alpha', 'vm10']);
  });
  it('sorts states by activity', () => {
    expect(names(sortVms(list, 'state', 'asc'))).toEqual(['vm2', 'Alpha', 'vm10']);
  });
  it('puts missing values last in both directions', () => {
    expect(names(sortVms(list, 'os', 'asc'))).toEqual(['Alpha', 'vm10', 'vm2']);
    expect(names(sortVms(list, 'os', 'desc'))).toEqual(['vm10', 'Alpha', 'vm2']);
    const cpu = new Map([[list[0]!.uuid, 50], [list[1]!.uuid, 10]]);
    expect(names(sortVms(list, 'cpu', 'desc', (v) => cpu.get(v.uuid) ?? null))).toEqual(['vm10', 'vm2', 'Alpha']);
  });
  it('does not modify its input', () => {
    const copy = list.slice();
    sortVms(list, 'name', 'desc');
    expect(list).toEqual(copy);
  });
});

describe('moveSelection', () => {
  const ids = ['a', 'b', 'c'];
  it('moves and stops at the ends', () => {
    expect(moveSelection(ids, null, 1)).toBe('a');
    expect(moveSelection(ids, null, -1)).toBe('c');
    expect(moveSelection(ids, 'a', 1)).toBe('b');
    expect(moveSelection(ids, 'c', 1)).toBe('c');
    expect(moveSelection(ids, 'a', -1)).toBe('a');
    expect(moveSelection(ids, 'gone', 1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeNull();
    expect(moveSelection(ids, 'a', 1e9)).toBe('c'); // End
    expect(moveSelection(ids, null, 1e9)).toBe('c');
    expect(moveSelection(ids, 'c', -1e9)).toBe('a'); // Home
    expect(moveSelection(ids, 'a', 10)).toBe('c'); // PageDown
  });
});

describe('latestCpu', () => {
  it('is the newest known CPU share', () => {
    const p = (at: number, cpu: number | null) => ({ at, cpu, memoryUsedKiB: null, memoryMaxKiB: null });
    expect(latestCpu([p(1, 10), p(2, 20), p(3, null)])).toBe(20);
    expect(latestCpu([p(1, null)])).toBeNull();
    expect(latestCpu(undefined)).toBeNull();
  });
});

describe('virtualization geometry', () => {
  it('renders only the visible rows plus overscan', () => {
    expect(visibleRange(0, 400, 40, 1000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRange(4000, 400, 40, 1000, 5)).toEqual({ start: 95, end: 116 });
    expect(visibleRange(39960, 400, 40, 1000, 5)).toEqual({ start: 994, end: 1000 });
    expect(visibleRange(0, 400, 40, 0)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(0, 400, 40, 3)).toEqual({ start: 0, end: 3 });
  });
  it('computes the scroll position that reveals a row', () => {
    expect(scrollToReveal(5, 0, 400, 40)).toBe(0); // visible
    expect(scrollToReveal(20, 0, 400, 40)).toBe(440); // below: align bottom
    expect(scrollToReveal(3, 800, 400, 40)).toBe(120); // above: align top
  });
});

describe('allowedActions', () => {
  it('enables actions by state', () => {
    const on = (s: VmSummary['state'], saved = false): string[] =>
      Object.entries(allowedActions({ state: s, hasManagedSave: saved }))
        .filter(([, v]) => v)
        .map(([k]) => k)
        .sort();
    expect(on('running')).toEqual(['forceOff', 'pause', 'reboot', 'save', 'shutdown']);
    expect(on('paused')).toEqual(['forceOff', 'resume', 'save']);
    expect(on('shutoff')).toEqual(['start']);
    expect(on('shutoff', true)).toEqual(['discardSave', 'start']);
    expect(on('crashed')).toEqual(['forceOff', 'start']);
    expect(on('shutdown')).toEqual(['forceOff']);
  });
});
