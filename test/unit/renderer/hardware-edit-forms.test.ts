// The NIC and disk editors' rules (pure): only what the form changes is sent, a move between
// virtual networks and bridges applies now too while anything else waits for the next boot, bad
// values name their field, and a NIC or disk whose settings differ in the definition is listed as
// a pending change.
import { describe, expect, it } from 'vitest';
import { diskChanges, diskFormFromProps, nicChangeWhere, nicChanges, nicFormFromProps } from '../../../src-renderer/vm/hardware/add-forms';
import { pendingChanges } from '../../../src-renderer/vm/hardware/hardware-logic';
import type { DomainFacts, XmlDevice } from '../../../src-renderer/vm/hardware/domain-facts';

const nicProps = { type: 'network', 'source.network': 'default', 'model.type': 'virtio', 'mac.address': '52:54:00:00:00:01' };

describe('the NIC editor', () => {
  const before = nicFormFromProps(nicProps)!;

  it('sends only what changed, and says where it applies', () => {
    expect(nicChanges(before, { ...before })).toEqual({ change: {} });
    const moved = nicChanges(before, { ...before, type: 'bridge', bridge: 'br0' });
    expect(moved).toEqual({ change: { source: { type: 'bridge', bridge: 'br0' } } });
    expect(nicChangeWhere('network', (moved as { change: object }).change, true)).toBe('both');
    expect(nicChangeWhere('network', { source: { type: 'user' } }, true)).toBe('config');
    expect(nicChangeWhere('network', { model: 'e1000' }, true)).toBe('config');
    expect(nicChangeWhere('network', { source: { type: 'network', network: 'b' } }, false)).toBe('config');
    expect(nicChanges(before, { ...before, model: 'e1000', mac: '52:54:00:00:00:0A' })).toEqual({ change: { model: 'e1000', newMac: '52:54:00:00:00:0a' } });
    // An emptied MAC keeps the current one.
    expect(nicChanges(before, { ...before, mac: '' })).toEqual({ change: {} });
  });

  it('names the field of a bad value', () => {
    expect(nicChanges(before, { ...before, mac: "52:54:00:00:00:01'/>" })).toMatchObject({ key: 'hw.check.mac', field: 'mac' });
    expect(nicChanges(before, { ...before, type: 'bridge', bridge: 'br0; rm' })).toMatchObject({ field: 'bridge' });
    expect(nicFormFromProps({ type: 'direct', 'source.dev': 'eth0' })).toBeNull();
  });
});

describe('the disk editor', () => {
  const before = diskFormFromProps({ 'target.bus': 'virtio', 'driver.cache': 'writeback', serial: 'A1' });

  it('sends only what changed; cleared settings go back to libvirt\'s default', () => {
    expect(diskChanges(before, { ...before })).toEqual({ change: {} });
    expect(diskChanges(before, { ...before, bus: 'sata', cache: '', serial: '' })).toEqual({ change: { bus: 'sata', cache: 'default', serial: null } });
    expect(diskChanges(before, { ...before, readonly: true, discard: 'unmap' })).toEqual({ change: { readonly: true, discard: 'unmap' } });
  });

  it('refuses a bad serial and a shareable disk with a host cache', () => {
    expect(diskChanges(before, { ...before, serial: 'a<b' })).toMatchObject({ key: 'hw.check.serial', field: 'serial' });
    expect(diskChanges(before, { ...before, shareable: true })).toMatchObject({ key: 'hw.check.shareableCache', field: 'cache' });
  });
});

describe('pending NIC and disk settings', () => {
  const dev = (kind: string, identity: string, props: Record<string, string>): XmlDevice => ({ key: identity, kind, identity, props, ...(kind === 'disk' ? { diskDevice: 'disk' } : {}) });
  const facts = (devices: XmlDevice[]): DomainFacts => ({ name: 'x', firmware: 'bios', devices });

  it('lists a device whose settings differ in the definition, not one whose live XML only has runtime details', () => {
    const nic = (model: string, extra: Record<string, string> = {}) => dev('interface', 'interface:52:54:00:00:00:01', { ...nicProps, 'model.type': model, ...extra });
    const disk = (cache?: string) => dev('disk', 'disk:vdb', { 'target.dev': 'vdb', 'target.bus': 'virtio', ...(cache ? { 'driver.cache': cache } : {}) });
    const live = facts([nic('virtio', { 'source.bridge': 'virbr0', 'target.dev': 'vnet3' }), disk()]);
    expect(pendingChanges(live, facts([nic('virtio'), disk()]))).toEqual([]);
    expect(pendingChanges(live, facts([nic('e1000'), disk('none')])).map((c) => [c.what, 'key' in c ? c.key : ''])).toEqual([
      ['deviceChanged', 'interface:52:54:00:00:00:01'],
      ['deviceChanged', 'disk:vdb'],
    ]);
  });
});
