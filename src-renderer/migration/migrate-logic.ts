// Pure rules of the Migrate dialog and of the all-hosts VM list (unit-tested without a DOM).
import type { ConnectionStatus, MigrationProgress, VmSummary } from '../../src-main/contract';

/** A host's name for people: its label, else the host name libvirt reports, else the URI. */
export function hostLabel(c: Pick<ConnectionStatus, 'uri' | 'label' | 'info'> | undefined, uri: string): string {
  return c?.label || c?.info?.hostname || uri;
}

/** Where a VM on `source` may go: the other connected connections (not the demo driver). */
export function migrationDestinations(connections: readonly ConnectionStatus[], source: string): ConnectionStatus[] {
  return connections.filter((c) => c.uri !== source && c.state === 'connected' && !c.isDemo && !c.uri.startsWith('test:'));
}

/** Share done in 0..1 (for a progress bar); null while libvirt has not said how much there is. */
export function migrationFraction(p: Pick<MigrationProgress, 'dataTotal' | 'dataRemaining' | 'phase'>): number | null {
  if (p.phase === 'completed') return 1;
  if (!p.dataTotal || p.dataRemaining === undefined) return null;
  return Math.min(1, Math.max(0, 1 - p.dataRemaining / p.dataTotal));
}

/** The VMs of every connected host in one list (connections whose list is not loaded yet add nothing). */
export function allHostsVms(vms: Readonly<Record<string, readonly VmSummary[]>>, connections: readonly ConnectionStatus[]): VmSummary[] {
  return connections.filter((c) => c.state === 'connected').flatMap((c) => vms[c.uri] ?? []);
}

export interface HostTotal {
  uri: string;
  total: number;
  running: number;
}

/** VMs per host, and how many of them run, in the order of `uris`. */
export function hostTotals(list: readonly VmSummary[], uris: readonly string[]): HostTotal[] {
  return uris.map((uri) => {
    const mine = list.filter((v) => v.connection === uri);
    return { uri, total: mine.length, running: mine.filter((v) => v.state === 'running' || v.state === 'blocked' || v.state === 'paused').length };
  });
}

/**
 * Where the VM an open view shows went: the destination of its migration that just completed
 * from the view's connection (a 'vm.migrateProgress' event), else null.
 */
export function migratedAway(e: { type: string; uuid?: unknown; connection?: unknown; destination?: unknown; phase?: unknown }, vm: Pick<VmSummary, 'uuid' | 'connection'>): string | null {
  if (e.type !== 'vm.migrateProgress' || e.phase !== 'completed' || e.uuid !== vm.uuid || e.connection !== vm.connection) return null;
  return typeof e.destination === 'string' && e.destination !== vm.connection ? e.destination : null;
}
