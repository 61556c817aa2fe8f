// Pure state logic of the VM screens (no DOM, no Svelte runes) so it can be unit-tested in Node:
// applying events to lists, filtering, sorting, stats history, virtualization geometry and
// which VM actions a state allows.
import type { ApiEventMap, DomainState, VmSummary } from '../../src-main/contract';

// ---- VM list ----

export type VmChangedEvent = ApiEventMap['vm.changed'];

/** Applies a 'vm.changed' event to one connection's list: update in place, insert, or remove (vm null). */
export function applyVmChanged(list: readonly VmSummary[], event: VmChangedEvent): VmSummary[] {
  const i = list.findIndex((v) => v.uuid === event.uuid);
  if (event.vm === null) return i === -1 ? list.slice() : [...list.slice(0, i), ...list.slice(i + 1)];
  if (i === -1) return [...list, event.vm];
  const next = list.slice();
  next[i] = event.vm;
  return next;
}

export type StateFilter = 'all' | 'running' | 'paused' | 'shutoff' | 'other';
export const STATE_FILTERS: readonly StateFilter[] = ['all', 'running', 'paused', 'shutoff', 'other'];

export function stateCategory(state: DomainState): Exclude<StateFilter, 'all'> {
  switch (state) {
    case 'running':
    case 'blocked':
      return 'running';
    case 'paused':
      return 'paused';
    case 'shutoff':
      return 'shutoff';
    default:
      return 'other';
  }
}

/** Lab filter value of "VMs in no lab" (lab names start with a letter or digit, so no clash). */
export const NO_LAB = '-none';

/** Lab and tag filters of the list: '' (or absent) = any. */
export interface VmScope {
  /** A lab name, NO_LAB, or '' for all. */
  lab?: string;
  /** A tag, or '' for all. */
  tag?: string;
}

/** Case-insensitive substring match on the name, plus the state filter, plus the lab and tag filters. */
export function filterVms(list: readonly VmSummary[], query: string, filter: StateFilter, scope: VmScope = {}): VmSummary[] {
  const q = query.trim().toLocaleLowerCase();
  const lab = scope.lab ?? '';
  const tag = scope.tag ?? '';
  return list.filter(
    (v) =>
      (filter === 'all' || stateCategory(v.state) === filter) &&
      (q === '' || v.name.toLocaleLowerCase().includes(q)) &&
      (lab === '' || (lab === NO_LAB ? !v.lab : v.lab === lab)) &&
      (tag === '' || (v.tags ?? []).includes(tag)),
  );
}

/** Lab names present in a VM list, sorted. */
export function labNames(list: readonly Pick<VmSummary, 'lab'>[]): string[] {
  return [...new Set(list.map((v) => v.lab).filter((l): l is string => !!l))].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Tags present in a VM list, sorted. */
export function tagNames(list: readonly Pick<VmSummary, 'tags'>[]): string[] {
  return [...new Set(list.flatMap((v) => v.tags ?? []))].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

export type SortKey = 'name' | 'state' | 'os' | 'vcpus' | 'memory' | 'cpu';
export type SortDir = 'asc' | 'desc';

const STATE_ORDER: Record<DomainState, number> = {
  running: 0,
  blocked: 1,
  paused: 2,
  pmsuspended: 3,
  shutdown: 4,
  crashed: 5,
  shutoff: 6,
  nostate: 7,
};

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Sorts a copy. Missing values (no OS, no CPU sample) always go last, whatever the direction;
 * ties are broken by name, then UUID, so the order is stable.
 */
export function sortVms(list: readonly VmSummary[], key: SortKey, dir: SortDir, cpuOf: (vm: VmSummary) => number | null = () => null): VmSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  const value = (v: VmSummary): string | number | null => {
    switch (key) {
      case 'name':
        return v.name;
      case 'state':
        return STATE_ORDER[v.state] ?? 99;
      case 'os':
        return v.os ?? null;
      case 'vcpus':
        return v.vcpus;
      case 'memory':
        return v.memoryKiB;
      case 'cpu':
        return cpuOf(v);
    }
  };
  const byName = (a: VmSummary, b: VmSummary): number => collator.compare(a.name, b.name) || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
  return list
    .map((v) => ({ v, k: value(v) }))
    .sort((a, b) => {
      if (a.k === null || b.k === null) {
        if (a.k === null && b.k === null) return byName(a.v, b.v);
        return a.k === null ? 1 : -1;
      }
      const c = typeof a.k === 'string' && typeof b.k === 'string' ? collator.compare(a.k, b.k) : (a.k as number) - (b.k as number);
      return c !== 0 ? sign * c : byName(a.v, b.v);
    })
    .map((x) => x.v);
}

/** The next selection after ArrowUp (-1) / ArrowDown (+1) / PageDown (+10)…, clamped to the list. */
export function moveSelection(uuids: readonly string[], current: string | null, delta: number): string | null {
  if (uuids.length === 0) return null;
  const i = current === null ? -1 : uuids.indexOf(current);
  // Without a (visible) selection, moving down starts above the first row, up below the last.
  const from = i !== -1 ? i : delta >= 0 ? -1 : uuids.length;
  return uuids[Math.min(uuids.length - 1, Math.max(0, from + delta))] ?? null;
}

// ---- stats ----

export interface StatPoint {
  at: number;
  /** Share of the VM's vCPUs, 0..100 (see cpuShare). */
  cpu: number | null;
  memoryUsedKiB: number | null;
  memoryMaxKiB: number | null;
}

// The history itself (bounded, per VM and for the host) is kept by app/stats-history.ts.

export function latestCpu(points: readonly StatPoint[] | undefined): number | null {
  if (!points) return null;
  for (let i = points.length - 1; i >= 0; i--) {
    const c = (points[i] as StatPoint).cpu;
    if (c !== null) return c;
  }
  return null;
}

// ---- virtualization ----

export interface RowRange {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
}

/** Rows to render for a scroll position: the visible ones plus `overscan` on each side. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scrollTop that brings row `index` fully into a viewport of `viewportHeight` (unchanged if it is). */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

// ---- actions ----

export type VmAction = 'start' | 'shutdown' | 'reboot' | 'forceOff' | 'pause' | 'resume' | 'save' | 'discardSave';

/** Which actions make sense in a state (libvirt would refuse the others). */
export function allowedActions(vm: Pick<VmSummary, 'state' | 'hasManagedSave'>): Record<VmAction, boolean> {
  const s = vm.state;
  const running = s === 'running' || s === 'blocked';
  const inactive = s === 'shutoff' || s === 'crashed' || s === 'nostate';
  return {
    start: inactive,
    shutdown: running,
    reboot: running,
    forceOff: running || s === 'paused' || s === 'shutdown' || s === 'pmsuspended' || s === 'crashed',
    pause: running,
    resume: s === 'paused',
    save: running || s === 'paused',
    discardSave: inactive && vm.hasManagedSave,
  };
}

/** Actions that need a confirmation dialog. */
export const CONFIRMED_ACTIONS: ReadonlySet<VmAction> = new Set<VmAction>(['forceOff', 'reboot', 'discardSave']);

/** The samples the Performance tab shows: none for a VM that does not run (they would be stale). */
export function performancePoints(vm: Pick<VmSummary, 'state'>, points: readonly StatPoint[]): readonly StatPoint[] {
  return vm.state === 'shutoff' || vm.state === 'crashed' ? [] : points;
}
