// binding.ts in-process, on libvirt's test driver: the typed wrapper, its error mapping and its
// handle safety. (The host process uses exactly this module; host-client.test.ts covers the
// same ground across the process boundary.)
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, Domain, STATS, closeAll } from '../../../src-main/libvirt/binding';
import { LibvirtError } from '../../../src-main/libvirt/errors';
import {
  DEFAULT_DOMAIN, DEFAULT_DOMAIN_UUID, DEFAULT_NETWORK, DEFAULT_POOL, TEST_URI,
  testDomainXml, testNetworkXml, testVolumeXml, thrownBy, uniqueName,
} from './helpers';

function libvirtError(fn: () => unknown): LibvirtError {
  const e = thrownBy(fn);
  expect(e).toBeInstanceOf(LibvirtError);
  return e as LibvirtError;
}

describe('binding.ts on test:///default', () => {
  let conn: Connection;

  beforeAll(() => {
    conn = Connection.open(TEST_URI);
  });
  afterAll(() => {
    conn.close();
  });

  describe('connection and host', () => {
    it('reports the connection', () => {
      expect(conn.uri).toBe(TEST_URI);
      expect(conn.canonicalUri()).toBe(TEST_URI);
      expect(conn.hypervisorType()).toBe('TEST');
      expect(conn.hostname()).toBe(os.hostname());
      expect(conn.libVersion()).toBeGreaterThanOrEqual(9_000_000);
      expect(conn.hypervisorVersion()).toBeGreaterThan(0);
      expect(conn.isAlive()).toBe(true);
    });

    it('reads the node info struct', () => {
      // The test driver's fixed default host.
      expect(conn.nodeInfo()).toEqual({ model: 'i686', memoryKiB: 3145728, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2 });
    });
  });

  describe('domains', () => {
    it('lists the default running domain', () => {
      const doms = conn.domains();
      try {
        const test = doms.find((d) => d.name === DEFAULT_DOMAIN);
        expect(test).toBeDefined();
        expect(test!.uuid).toBe(DEFAULT_DOMAIN_UUID);
        expect(test!.id).toBe(1);
        expect(test!.state()).toEqual({ state: 'running', reason: 0 });
      } finally {
        closeAll(doms);
      }
    });

    it('looks a domain up by name and by UUID', () => {
      using byName = conn.domainByName(DEFAULT_DOMAIN);
      using byUuid = conn.domainByUuid(byName.uuid);
      expect(byUuid.name).toBe(DEFAULT_DOMAIN);
      expect(byUuid.uuid).toBe(DEFAULT_DOMAIN_UUID);
    });

    it('reads info and state', () => {
      using d = conn.domainByName(DEFAULT_DOMAIN);
      const info = d.info();
      expect(info).toMatchObject({ state: 'running', maxMemoryKiB: 8388608, memoryKiB: 2097152, vcpus: 2 });
      expect(info.cpuTimeNs).toBeGreaterThan(0);
      expect(d.state().state).toBe('running');
      expect(d.isPersistent()).toBe(true);
      expect(d.autostart()).toBe(false);
      expect(d.hasManagedSave()).toBe(false);
    });

    it('returns live and inactive XML', () => {
      using d = conn.domainByName(DEFAULT_DOMAIN);
      const live = d.xml();
      const inactive = d.xml(2 /* VIR_DOMAIN_XML_INACTIVE */);
      expect(live).toMatch(/^<domain type='test' id='1'>/);
      expect(inactive).toMatch(/^<domain type='test'>/);
      for (const x of [live, inactive]) expect(x).toContain(`<uuid>${DEFAULT_DOMAIN_UUID}</uuid>`);
    });

    it('defines, starts, pauses, resumes, stops and undefines a domain', () => {
      const name = uniqueName('vd-bind');
      using d = conn.defineDomain(testDomainXml(name, 131072));
      expect(d.name).toBe(name);
      expect(d.state().state).toBe('shutoff');
      expect(d.id).toBe(-1);
      expect(d.isPersistent()).toBe(true);
      expect(d.info()).toMatchObject({ memoryKiB: 131072, maxMemoryKiB: 131072, vcpus: 1 });

      d.create();
      expect(d.state().state).toBe('running');
      expect(d.id).toBeGreaterThan(0);
      d.suspend();
      expect(d.state().state).toBe('paused');
      d.resume();
      expect(d.state().state).toBe('running');
      d.shutdown();
      expect(d.state().state).toBe('shutoff');
      d.create();
      d.destroy();
      expect(d.state().state).toBe('shutoff');

      d.setAutostart(true);
      expect(d.autostart()).toBe(true);
      d.setAutostart(false);

      d.undefine();
      const err = libvirtError(() => conn.domainByName(name));
      expect(err.code).toBe(42);
    });

    it('returns bulk stats with the state group', () => {
      const recs = conn.allDomainStats(STATS.STATE);
      const test = recs.find((r) => r.name === DEFAULT_DOMAIN);
      expect(test).toBeDefined();
      expect(test!.uuid).toBe(DEFAULT_DOMAIN_UUID);
      expect(test!.params['state.state']).toBe(1); // VIR_DOMAIN_RUNNING
      expect(typeof test!.params['state.reason']).toBe('number');
    });
  });

  describe('storage', () => {
    it('lists the default pool, creates, reads and deletes a volume', () => {
      const pools = conn.pools();
      try {
        expect(pools.map((p) => p.name)).toContain(DEFAULT_POOL);
      } finally {
        closeAll(pools);
      }
      using pool = conn.poolByName(DEFAULT_POOL);
      expect(pool.info().state).toBe(2); // VIR_STORAGE_POOL_RUNNING
      expect(pool.isPersistent()).toBe(true);

      const name = `${uniqueName('vd-vol')}.img`;
      using vol = pool.createVolume(testVolumeXml(name, 10));
      expect(vol.name).toBe(name);
      expect(vol.info()).toMatchObject({ capacity: 10 * 1024 * 1024 });
      expect(vol.path).toContain(name);
      const listed = pool.volumes();
      try {
        expect(listed.map((v) => v.name)).toContain(name);
      } finally {
        closeAll(listed);
      }
      using again = conn.volumeByPath(vol.path);
      expect(again.key).toBe(vol.key);
      vol.delete();
      const after = pool.volumes();
      try {
        expect(after.map((v) => v.name)).not.toContain(name);
      } finally {
        closeAll(after);
      }
    });
  });

  describe('networks', () => {
    it('lists, defines, starts, sets autostart, stops and undefines a network', () => {
      const nets = conn.networks();
      try {
        expect(nets.map((n) => n.name)).toContain(DEFAULT_NETWORK);
      } finally {
        closeAll(nets);
      }
      const name = uniqueName('vd-net');
      using net = conn.defineNetwork(testNetworkXml(name));
      expect(net.name).toBe(name);
      expect(net.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(net.isActive()).toBe(false);
      expect(net.isPersistent()).toBe(true);
      net.start();
      expect(net.isActive()).toBe(true);
      net.setAutostart(true);
      expect(net.autostart()).toBe(true);
      expect(net.xml()).toContain(`<name>${name}</name>`);
      net.destroy();
      expect(net.isActive()).toBe(false);
      net.undefine();
      expect(libvirtError(() => conn.networkByName(name)).code).toBe(43); // NO_NETWORK
    });
  });

  describe('errors', () => {
    it('maps a missing domain to NO_DOMAIN naming it', () => {
      const err = libvirtError(() => conn.domainByName('vd-no-such-domain'));
      expect(err.code).toBe(42);
      expect(err.codeName).toBe('NO_DOMAIN');
      expect(err.message).toContain("'vd-no-such-domain'");
      expect(err.libvirtMessage).toMatch(/domain not found/i);
    });

    it('maps a missing UUID to NO_DOMAIN naming it', () => {
      const uuid = '00000000-0000-0000-0000-000000000042';
      const err = libvirtError(() => conn.domainByUuid(uuid));
      expect(err.codeName).toBe('NO_DOMAIN');
      expect(err.message).toContain(uuid);
    });

    it('passes the XML parser message through for invalid XML', () => {
      const err = libvirtError(() => conn.defineDomain('<domain type="test"><name>broken'));
      expect(err.operation).toBe('define domain');
      expect(err.libvirtMessage).toMatch(/Premature end of data|Couldn't find end of Start Tag/);
      expect(err.code).toBeGreaterThan(0);
    });

    // The test driver reports "already running" as INTERNAL_ERROR (qemu says OPERATION_INVALID);
    // what matters here is that libvirt's own error survives into the LibvirtError.
    it('keeps libvirt\'s error when starting a running domain', () => {
      using d = conn.domainByName(DEFAULT_DOMAIN);
      const err = libvirtError(() => d.create());
      expect(err.operation).toBe(`start domain '${DEFAULT_DOMAIN}'`);
      expect(err.libvirtMessage).toContain('already running');
      expect(err.code).toBe(1); // VIR_ERR_INTERNAL_ERROR on the test driver
    });

    it('maps force-off of a shut-off domain to OPERATION_INVALID', () => {
      using d = conn.defineDomain(testDomainXml(uniqueName('vd-off')));
      try {
        const err = libvirtError(() => d.destroy());
        expect(err.code).toBe(55);
        expect(err.codeName).toBe('OPERATION_INVALID');
        expect(err.libvirtMessage).toContain('not running');
      } finally {
        d.undefine();
      }
    });

    it('keeps libvirt\'s error for failing pool and network operations', () => {
      using pool = conn.poolByName(DEFAULT_POOL);
      const perr = libvirtError(() => pool.start()); // already active
      expect(perr.code).toBeGreaterThan(0);
      expect(perr.libvirtMessage).not.toBe('unknown libvirt error');
      using net = conn.networkByName(DEFAULT_NETWORK);
      const nerr = libvirtError(() => net.start()); // already active
      expect(nerr.code).toBeGreaterThan(0);
      expect(nerr.libvirtMessage).not.toBe('unknown libvirt error');
    });

    it('maps a missing volume to NO_STORAGE_VOL naming it', () => {
      using pool = conn.poolByName(DEFAULT_POOL);
      const err = libvirtError(() => pool.volume('vd-no-such.img'));
      expect(err.message).toContain("'vd-no-such.img'");
      expect(err.code).toBe(50);
      expect(err.codeName).toBe('NO_STORAGE_VOL');
    });

    it('maps a missing pool and network to their NO_* codes', () => {
      expect(libvirtError(() => conn.poolByName('vd-no-pool')).codeName).toBe('NO_STORAGE_POOL');
      expect(libvirtError(() => conn.networkByName('vd-no-net')).codeName).toBe('NO_NETWORK');
    });

    it('names the URI that cannot be opened', () => {
      const uri = 'test:///nonexistent/file.xml';
      const err = libvirtError(() => Connection.open(uri));
      expect(err.message).toContain(`connect to ${uri}`);
      expect(err.message).toContain('/nonexistent/file.xml');
    });

    it('serializes and revives a LibvirtError unchanged', () => {
      const err = libvirtError(() => conn.domainByName('vd-gone'));
      const back = LibvirtError.fromJSON(structuredClone(err.toJSON()));
      expect(back).toBeInstanceOf(LibvirtError);
      expect(back.message).toBe(err.message);
      expect(back.code).toBe(42);
      expect(back.codeName).toBe('NO_DOMAIN');
    });
  });

  describe('handle safety', () => {
    it('close() twice is harmless', () => {
      const d = conn.domainByName(DEFAULT_DOMAIN);
      expect(d.closed).toBe(false);
      d.close();
      d.close();
      expect(d.closed).toBe(true);
      const c = Connection.open(TEST_URI);
      c.close();
      c.close();
      expect(c.closed).toBe(true);
    });

    it('using a closed handle throws a JS error instead of crashing', () => {
      const d = conn.domainByName(DEFAULT_DOMAIN);
      d.close();
      for (const use of [() => d.name, () => d.uuid, () => d.state(), () => d.info(), () => d.create(), () => d.xml()]) {
        const e = thrownBy(use);
        expect(e).not.toBeInstanceOf(LibvirtError);
        expect(e.message).toMatch(/after close/);
      }
      const c = Connection.open(TEST_URI);
      c.close();
      expect(thrownBy(() => c.domains()).message).toBe('connection handle used after close');
      using pool = conn.poolByName(DEFAULT_POOL);
      pool.close();
      expect(thrownBy(() => pool.volumes()).message).toMatch(/storage pool handle used after close/);
    });

    it('`using` and Symbol.dispose close the handle', () => {
      let leaked!: Domain;
      {
        using d = conn.domainByName(DEFAULT_DOMAIN);
        leaked = d;
        expect(d.closed).toBe(false);
      }
      expect(leaked.closed).toBe(true);

      const c = Connection.open(TEST_URI);
      c[Symbol.dispose]();
      expect(c.closed).toBe(true);
    });

    it('a handle lives on after the connection object is closed elsewhere (libvirt refcount)', () => {
      const c = Connection.open(TEST_URI);
      const d = c.domainByName(DEFAULT_DOMAIN);
      c.close();
      expect(d.state().state).toBe('running');
      d.close();
    });
  });
});
