// Listing pools and networks while one of them is destroyed and undefined in between (libvirt
// lists handles first, then reads each one): the vanished object is left out, the list still
// comes. Made deterministic on the test driver: the handles are listed, one object is removed
// through another handle, then the per-object step runs on the stale handles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, closeAll } from '../../../src-main/libvirt/binding';
import { LibvirtError } from '../../../src-main/libvirt/errors';
import { VIR_ERR_NO_NETWORK, VIR_ERR_NO_STORAGE_POOL, networkSummary, poolSummary, summariesOfListed } from '../../../src-main/libvirt/listing';
import { networkDetails } from '../../../src-main/networks/networks';
import { poolInfos } from '../../../src-main/storage/pools';
import { TEST_URI, testNetworkXml, thrownBy, uniqueName } from './helpers';

describe('objects that vanish while they are listed', () => {
  let conn: Connection;
  beforeAll(() => {
    conn = Connection.open(TEST_URI);
  });
  afterAll(() => conn.close());

  it('a network destroyed and undefined between the list and its details is skipped', () => {
    const gone = uniqueName('vdt-fileaccess-net');
    const stays = uniqueName('vdt-fileaccess-net');
    for (const name of [gone, stays]) {
      const n = conn.defineNetwork(testNetworkXml(name), 0);
      n.start();
      n.close();
    }
    const listed = conn.networks();
    try {
      const n = conn.networkByName(gone);
      n.destroy();
      n.undefine();
      n.close();
      // The step that used to fail the whole listing:
      const stale = listed.find((x) => x.name === gone)!;
      expect((thrownBy(() => networkSummary(stale)) as LibvirtError).code).toBe(VIR_ERR_NO_NETWORK);
      const names = summariesOfListed(listed, networkSummary, VIR_ERR_NO_NETWORK).map((s) => s.name);
      expect(names).toContain(stays);
      expect(names).not.toContain(gone);
    } finally {
      closeAll(listed);
    }
  });

  it('a storage pool destroyed and undefined between the list and its details is skipped', () => {
    const gone = uniqueName('vdt-fileaccess-pool');
    const p = conn.definePool(`<pool type='dir'><name>${gone}</name><target><path>/vdt-fileaccess-${gone}</path></target></pool>`, 0);
    p.start();
    p.close();
    const listed = conn.pools();
    try {
      const q = conn.poolByName(gone);
      q.destroy();
      q.undefine();
      q.close();
      const stale = listed.find((x) => x.name === gone)!;
      expect((thrownBy(() => poolSummary(stale)) as LibvirtError).code).toBe(VIR_ERR_NO_STORAGE_POOL);
      const names = summariesOfListed(listed, poolSummary, VIR_ERR_NO_STORAGE_POOL).map((s) => s.name);
      expect(names).toContain('default-pool');
      expect(names).not.toContain(gone);
    } finally {
      closeAll(listed);
    }
  });

  it('other errors still fail the listing', () => {
    const boom = new LibvirtError(1, 0, 'internal error', 'info');
    expect(() => summariesOfListed([1], () => { throw boom; }, VIR_ERR_NO_NETWORK)).toThrow(boom);
  });

  it('network and pool details leave out what vanished before its XML was read', async () => {
    const noSuch = (what: string, code: number) => new LibvirtError(code, 0, `${what} not found`, 'xml');
    const api = {
      listNetworks: async () => [{ name: 'lan', uuid: 'u1', active: true, persistent: true, autostart: false }, { name: 'gone', uuid: 'u2', active: true, persistent: true, autostart: false }],
      allDomainXml: async () => [],
      networkXml: async (name: string) => { if (name === 'gone') throw noSuch('Network', VIR_ERR_NO_NETWORK); return `<network><name>${name}</name></network>`; },
      listPools: async () => [{ name: 'default', uuid: 'p1', active: true, persistent: true, autostart: true, capacity: 1, allocation: 0, available: 1 }, { name: 'gone', uuid: 'p2', active: true, persistent: true, autostart: true, capacity: 1, allocation: 0, available: 1 }],
      poolXml: async (name: string) => { if (name === 'gone') throw noSuch('Storage pool', VIR_ERR_NO_STORAGE_POOL); return `<pool type='dir'><name>${name}</name><target><path>/var/lib/libvirt/images</path></target></pool>`; },
    } as unknown as Parameters<typeof networkDetails>[0];
    expect((await networkDetails(api)).map((n) => n.name)).toEqual(['lan']);
    expect((await poolInfos(api)).map((p) => p.name)).toEqual(['default']);
  });
});
