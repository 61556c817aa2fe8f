import { describe, expect, it } from 'vitest';
import { parseRoute, routeToHash } from '../../../src-renderer/lib/route';

const UUID = '4dea22b3-1d52-d8f3-2516-782e98ab3fa0';

describe('hash routes', () => {
  it('parses the known routes', () => {
    expect(parseRoute('#/vms')).toEqual({ name: 'vms' });
    expect(parseRoute(`#/vm/${UUID}`)).toEqual({ name: 'vm', uuid: UUID });
    expect(parseRoute(`#/vm/${UUID.toUpperCase()}`)).toEqual({ name: 'vm', uuid: UUID });
    expect(parseRoute('#/host')).toEqual({ name: 'host' });
    expect(parseRoute('#/settings')).toEqual({ name: 'settings' });
  });
  it('treats the browser-mode token fragment and junk as the VM list', () => {
    expect(parseRoute('#token=abc123')).toEqual({ name: 'vms' });
    expect(parseRoute('')).toEqual({ name: 'vms' });
    expect(parseRoute('#/vm/not-a-uuid')).toEqual({ name: 'vms' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'vms' });
  });
  it('round-trips', () => {
    for (const r of [{ name: 'vms' }, { name: 'vm', uuid: UUID }, { name: 'host' }, { name: 'settings' }] as const) {
      expect(parseRoute(routeToHash(r))).toEqual(r);
    }
  });
});
