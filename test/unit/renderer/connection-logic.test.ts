import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../src-main/contract';
import { DEMO_URI, isDemoConnection, pickConnection, placementHosts, upsertConnection } from '../../../src-renderer/connections/connection-logic';

const C = 'test:///default';

describe('connections', () => {
  const st = (uri: string, state: ConnectionStatus['state'], over: Partial<ConnectionStatus> = {}): ConnectionStatus => ({ uri, state, isDefault: false, isDemo: false, ...over });
  it('upserts statuses and drops closed ones', () => {
    let list = upsertConnection([], st('qemu:///system', 'connecting', { isDefault: true, label: 'Local' }));
    list = upsertConnection(list, st('qemu:///system', 'connected', { isDefault: true }));
    expect(list).toEqual([st('qemu:///system', 'connected', { isDefault: true, label: 'Local' })]);
    list = upsertConnection(list, st(C, 'connected', { isDemo: true }));
    expect(list.map((c) => c.uri)).toEqual(['qemu:///system', C]);
    list = upsertConnection(list, st(C, 'closed'));
    expect(list.map((c) => c.uri)).toEqual(['qemu:///system']);
  });
  it('picks the connected default first', () => {
    const list = [st('qemu+ssh://h/system', 'connected'), st('qemu:///system', 'connected', { isDefault: true })];
    expect(pickConnection(list, null)).toBe('qemu:///system');
    expect(pickConnection(list, 'qemu+ssh://h/system')).toBe('qemu+ssh://h/system');
    expect(pickConnection(list, 'gone:///')).toBe('qemu:///system');
    expect(pickConnection([st('a:///', 'failed'), st('b:///', 'connected')], null)).toBe('b:///');
    expect(pickConnection([], null)).toBeNull();
  });
  it('tells the demo connection by its flag or its URI', () => {
    expect(isDemoConnection({ uri: DEMO_URI, isDemo: false })).toBe(true);
    expect(isDemoConnection({ uri: 'test:///other', isDemo: true })).toBe(true);
    expect(isDemoConnection({ uri: 'qemu:///system', isDemo: false })).toBe(false);
  });
  it('offers the connected hosts for placing a lab, the current one first', () => {
    const list = [st('qemu:///system', 'connected'), st('qemu+ssh://root@h2/system', 'connected'), st('qemu+ssh://root@h3/system', 'reconnecting'), st('qemu+tcp://h4/system', 'failed')];
    expect(placementHosts(list, 'qemu+ssh://root@h2/system').map((c) => c.uri)).toEqual(['qemu+ssh://root@h2/system', 'qemu:///system']);
    expect(placementHosts(list, 'qemu+ssh://root@h3/system').map((c) => c.uri)).toEqual(['qemu+ssh://root@h3/system', 'qemu:///system', 'qemu+ssh://root@h2/system']);
    expect(placementHosts(list, 'gone:///').map((c) => c.uri)).toEqual(['qemu:///system', 'qemu+ssh://root@h2/system']);
  });
});
