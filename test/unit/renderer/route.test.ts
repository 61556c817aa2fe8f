import { describe, expect, it } from 'vitest';
import { parseRoute, routeToHash } from '../../../src-renderer/app/route';

const UUID = '4dea22b3-1d52-d8f3-2516-782e98ab3fa0';

describe('hash routes', () => {
  it('parses the known routes', () => {
    expect(parseRoute('#/vms')).toEqual({ name: 'vms' });
    expect(parseRoute(`#/vm/${UUID}`)).toEqual({ name: 'vm', uuid: UUID });
    expect(parseRoute(`#/vm/${UUID.toUpperCase()}`)).toEqual({ name: 'vm', uuid: UUID });
    expect(parseRoute('#/host')).toEqual({ name: 'host' });
    expect(parseRoute('#/settings')).toEqual({ name: 'settings' });
    expect(parseRoute(`#/console/${UUID}`)).toEqual({ name: 'console', uuid: UUID });
    expect(parseRoute(`#/console/${UUID}?connection=qemu%3A%2F%2F%2Fsystem`)).toEqual({ name: 'console', uuid: UUID, connection: 'qemu:///system' });
    expect(parseRoute(`#/console/${UUID}?connection=qemu%3A%2F%2F%2Fsystem&kind=serial`)).toEqual({ name: 'console', uuid: UUID, connection: 'qemu:///system', kind: 'serial' });
    expect(parseRoute(`#/console/${UUID}?kind=nonsense`)).toEqual({ name: 'console', uuid: UUID });
    expect(parseRoute(`#/vm/${UUID}?tab=xml`)).toEqual({ name: 'vm', uuid: UUID });
    expect(parseRoute(`#/vm/${UUID}?tab=console`)).toEqual({ name: 'vm', uuid: UUID, tab: 'console' });
    expect(parseRoute(`#/vm/${UUID}?tab=console&kind=serial`)).toEqual({ name: 'vm', uuid: UUID, tab: 'console', kind: 'serial' });
    expect(parseRoute(`#/vm/${UUID}?tab=console&kind=bogus`)).toEqual({ name: 'vm', uuid: UUID, tab: 'console' });
    expect(parseRoute('#/new')).toEqual({ name: 'new' });
    expect(parseRoute('#/storage')).toEqual({ name: 'storage' });
    expect(parseRoute('#/networks')).toEqual({ name: 'networks' });
  });
  it('treats the browser-mode token fragment and junk as the VM list', () => {
    expect(parseRoute('#token=abc123')).toEqual({ name: 'vms' });
    expect(parseRoute('')).toEqual({ name: 'vms' });
    expect(parseRoute('#/vm/not-a-uuid')).toEqual({ name: 'vms' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'vms' });
    expect(parseRoute('#/console/not-a-uuid')).toEqual({ name: 'vms' });
    expect(parseRoute('#/console/%E0%A4%A')).toEqual({ name: 'vms' });
  });
  it('round-trips', () => {
    for (const r of [
      { name: 'vms' },
      { name: 'vm', uuid: UUID },
      { name: 'vm', uuid: UUID, tab: 'console' },
      { name: 'vm', uuid: UUID, tab: 'console', kind: 'graphical' },
      { name: 'new' },
      { name: 'storage' },
      { name: 'networks' },
      { name: 'host' },
      { name: 'settings' },
      { name: 'console', uuid: UUID },
      { name: 'console', uuid: UUID, connection: 'qemu+ssh://user@host.example/system?keyfile=/a b&x=1' },
      { name: 'console', uuid: UUID, connection: 'qemu:///system', kind: 'graphical' },
      { name: 'console', uuid: UUID, kind: 'serial' },
    ] as const) {
      expect(parseRoute(routeToHash(r))).toEqual(r);
    }
  });
});
