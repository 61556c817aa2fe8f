// The Migrate dialog's destinations and the all-hosts VM list: pure rules.
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus, VmSummary } from '../../../src-main/contract';
import { allHostsVms, hostLabel, hostTotals, migratedAway, migrationDestinations, migrationFraction } from '../../../src-renderer/migration/migrate-logic';

const conn = (uri: string, o: Partial<ConnectionStatus> = {}): ConnectionStatus => ({ uri, state: 'connected', isDefault: false, isDemo: false, ...o });
const vm = (connection: string, name: string, state: VmSummary['state']): VmSummary =>
  ({ connection, uuid: `${connection}-${name}`, name, id: -1, state, persistent: true, autostart: false, hasManagedSave: false, vcpus: 1, memoryKiB: 1, maxMemoryKiB: 1 });

describe('migrate logic', () => {
  it('offers the other connected real hosts as destinations', () => {
    const list = [conn('qemu:///system'), conn('qemu+ssh://h2/system'), conn('qemu+ssh://h3/system', { state: 'failed' }), conn('test:///default', { isDemo: true })];
    expect(migrationDestinations(list, 'qemu:///system').map((c) => c.uri)).toEqual(['qemu+ssh://h2/system']);
  });

  it('names a host by its label, else its host name, else its URI', () => {
    expect(hostLabel(conn('u', { label: 'Rack 2' }), 'u')).toBe('Rack 2');
    expect(hostLabel(conn('u', { info: { uri: 'u', hostname: 'h2', hypervisorType: 'QEMU', libVersion: 1, hypervisorVersion: 1 } }), 'u')).toBe('h2');
    expect(hostLabel(undefined, 'qemu+ssh://h2/system')).toBe('qemu+ssh://h2/system');
  });

  it('lists every connected host\'s VMs and counts them per host', () => {
    const vms = { a: [vm('a', 'x', 'running'), vm('a', 'y', 'shutoff')], b: [vm('b', 'z', 'paused')], c: [vm('c', 'gone', 'running')] };
    const all = allHostsVms(vms, [conn('a'), conn('b'), conn('c', { state: 'reconnecting' })]);
    expect(all.map((v) => v.name)).toEqual(['x', 'y', 'z']);
    expect(hostTotals(all, ['a', 'b'])).toEqual([{ uri: 'a', total: 2, running: 1 }, { uri: 'b', total: 1, running: 1 }]);
  });

  it('turns data total and remaining into the progress bar\'s share', () => {
    expect(migrationFraction({ phase: 'migrating', dataTotal: 1000, dataRemaining: 400 })).toBeCloseTo(0.6);
    expect(migrationFraction({ phase: 'migrating' })).toBeNull();
    expect(migrationFraction({ phase: 'completed' })).toBe(1);
  });
  it('an open view follows its VM only when its migration from the view\'s host completed', () => {
    const here = { uuid: 'u1', connection: 'qemu:///system' };
    const ev = (o: Record<string, unknown>) => ({ type: 'vm.migrateProgress', uuid: 'u1', connection: 'qemu:///system', destination: 'qemu+ssh://h2/system', phase: 'completed', ...o });
    expect(migratedAway(ev({}), here)).toBe('qemu+ssh://h2/system');
    expect(migratedAway(ev({ phase: 'migrating' }), here)).toBeNull();
    expect(migratedAway(ev({ phase: 'cancelled' }), here)).toBeNull();
    expect(migratedAway(ev({ uuid: 'u2' }), here)).toBeNull();
    expect(migratedAway(ev({ connection: 'qemu+ssh://h3/system' }), here)).toBeNull();
    expect(migratedAway({ ...ev({}), type: 'vm.changed' }, here)).toBeNull();
  });
});
