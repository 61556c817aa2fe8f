// LibvirtHostClient + nodeHostSpawner: the real forked host process (host-process.ts under tsx)
// on libvirt's test driver. Each host process opens its own test:///default, whose state is
// per connection, so a respawned host starts from the default state again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';
import { HostProcessError, LibvirtError } from '../../../src-main/libvirt/errors';
import type { HostClientEvent } from '../../../src-main/libvirt/host-client';
import {
  DEFAULT_DOMAIN, DEFAULT_DOMAIN_UUID, DEFAULT_NETWORK, DEFAULT_POOL, TEST_URI,
  lifecycleRecorder, rejectionOf, testDomainXml, testNetworkXml, testVolumeXml, uniqueName, waitFor,
} from './helpers';

async function libvirtRejection(p: Promise<unknown>): Promise<LibvirtError> {
  const e = await rejectionOf(p);
  expect(e).toBeInstanceOf(LibvirtError);
  return e as LibvirtError;
}

describe('LibvirtHostClient on test:///default', () => {
  const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner);

  beforeAll(async () => {
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
  });

  describe('connection and host', () => {
    it('reports the connection from the ready message and from connectionInfo()', async () => {
      const ready = await client.connect();
      expect(ready).toMatchObject({ uri: TEST_URI, hypervisorType: 'TEST' });
      expect(ready.libVersion).toBeGreaterThanOrEqual(9_000_000);
      expect(await client.api.connectionInfo()).toEqual(ready);
      expect(client.isRunning).toBe(true);
      expect(client.hostPid).toBeGreaterThan(0);
      expect(client.hostPid).not.toBe(process.pid);
    });

    it('returns node info', async () => {
      expect(await client.api.nodeInfo()).toEqual({ model: 'i686', memoryKiB: 3145728, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2 });
    });

    it('returns capabilities XML', async () => {
      expect(await client.api.capabilities()).toMatch(/<capabilities>[\s\S]*<host>/);
    });
  });

  describe('domains', () => {
    it('lists the default running domain with a full summary', async () => {
      const list = await client.api.listDomains();
      const test = list.find((d) => d.name === DEFAULT_DOMAIN);
      expect(test).toMatchObject({
        name: DEFAULT_DOMAIN, uuid: DEFAULT_DOMAIN_UUID, id: 1, state: 'running', persistent: true,
        autostart: false, hasManagedSave: false, vcpus: 2, memoryKiB: 2097152, maxMemoryKiB: 8388608,
      });
    });

    it('looks a domain up by name and by UUID', async () => {
      const byName = await client.api.lookupDomain({ name: DEFAULT_DOMAIN });
      const byUuid = await client.api.lookupDomain({ uuid: byName.uuid });
      expect(byUuid).toEqual({ ...byName, cpuTimeNs: byUuid.cpuTimeNs }); // the test driver's cpu time is the clock
      expect(byUuid.uuid).toBe(DEFAULT_DOMAIN_UUID);
    });

    it('reads info and state', async () => {
      const info = await client.api.domainInfo({ name: DEFAULT_DOMAIN });
      expect(info).toMatchObject({ state: 'running', vcpus: 2, memoryKiB: 2097152, maxMemoryKiB: 8388608 });
      expect(await client.api.domainState({ uuid: DEFAULT_DOMAIN_UUID })).toEqual({ state: 'running', reason: 0 });
    });

    it('returns live and inactive XML', async () => {
      const live = await client.api.domainXml({ name: DEFAULT_DOMAIN });
      const inactive = await client.api.domainXml({ name: DEFAULT_DOMAIN }, { inactive: true });
      expect(live).toMatch(/^<domain type='test' id='1'>/);
      expect(inactive).toMatch(/^<domain type='test'>/);
      expect(inactive).toContain(`<name>${DEFAULT_DOMAIN}</name>`);
    });

    it('returns bulk stats with state.state', async () => {
      const stats = await client.api.domainStats();
      expect(stats.length).toBeGreaterThanOrEqual(1);
      for (const s of stats) expect(typeof s.params['state.state']).toBe('number');
      expect(stats.find((s) => s.name === DEFAULT_DOMAIN)?.params['state.state']).toBe(1);
    });

    it('answers many calls in flight, each to its own caller', async () => {
      const calls = Array.from({ length: 64 }, (_, i) =>
        i % 2 ? client.api.lookupDomain({ uuid: DEFAULT_DOMAIN_UUID }).then((d) => d.name) : client.api.nodeInfo().then((n) => n.model));
      const answers = await Promise.all(calls);
      answers.forEach((a, i) => expect(a).toBe(i % 2 ? DEFAULT_DOMAIN : 'i686'));
    });

    it('defines, starts, pauses, resumes, shuts down and forces off a domain, with events in order', async () => {
      const name = uniqueName('vd-host');
      const ref = { name };
      const events = lifecycleRecorder(client, name);
      try {
        const summary = await client.api.defineDomain(testDomainXml(name, 131072));
        expect(summary).toMatchObject({ name, id: -1, state: 'shutoff', persistent: true, memoryKiB: 131072, vcpus: 1 });

        await client.api.startDomain(ref);
        expect((await client.api.domainState(ref)).state).toBe('running');
        await client.api.suspendDomain(ref);
        expect((await client.api.domainState(ref)).state).toBe('paused');
        await client.api.resumeDomain(ref);
        expect((await client.api.domainState(ref)).state).toBe('running');
        await client.api.shutdownDomain(ref);
        expect((await client.api.domainState(ref)).state).toBe('shutoff');
        await client.api.startDomain({ uuid: summary.uuid });
        await client.api.destroyDomain(ref);
        expect((await client.api.domainState(ref)).state).toBe('shutoff');
        await client.api.setDomainAutostart(ref, true);
        expect((await client.api.lookupDomain(ref)).autostart).toBe(true);
        await client.api.setDomainAutostart(ref, false);

        const expected = ['defined', 'started', 'suspended', 'resumed', 'stopped', 'started', 'stopped'];
        await waitFor('the last stopped event', () => events.names().length >= expected.length);
        await new Promise((r) => setTimeout(r, 20)); // nothing extra arrives
        expect(events.names()).toEqual(expected);
      } finally {
        events.stop();
      }
    });

    it('undefines a domain (default options) and reports the undefined event', async () => {
      const name = uniqueName('vd-undef');
      const events = lifecycleRecorder(client, name);
      try {
        await client.api.defineDomain(testDomainXml(name));
        await client.api.undefineDomain({ name });
        expect((await libvirtRejection(client.api.lookupDomain({ name }))).code).toBe(42);
        await waitFor('the undefined event', () => events.names().includes('undefined'));
        expect(events.names()).toEqual(['defined', 'undefined']);
      } finally {
        events.stop();
      }
    });

    it('delivers lifecycle events with name, uuid and detail', async () => {
      const name = uniqueName('vd-ev');
      const got: HostClientEvent[] = [];
      const stop = client.onEvent((e) => got.push(e));
      try {
        const { uuid } = await client.api.defineDomain(testDomainXml(name));
        await client.api.startDomain({ name });
        await client.api.destroyDomain({ name });
        await waitFor('the stopped event', () => got.some((e) => e.type === 'domain-lifecycle' && e.name === name && e.event === 'stopped'));
        const mine = got.filter((e) => e.type === 'domain-lifecycle' && e.name === name);
        expect(mine[0]).toMatchObject({ type: 'domain-lifecycle', name, uuid, event: 'defined', detail: 0 });
        expect(mine.at(-1)).toMatchObject({ type: 'domain-lifecycle', name, uuid, event: 'stopped', detail: 1 }); // VIR_DOMAIN_EVENT_STOPPED_DESTROYED
        // Each event carries the domain as it is when the event is delivered (no second call from the main side).
        expect(mine[0]).toMatchObject({ summary: { uuid, name } });
        expect(mine.at(-1)).toMatchObject({ summary: { uuid, state: 'shutoff' } });
        expect(mine.find((e) => e.type === 'domain-lifecycle' && e.event === 'started')).toMatchObject({ summary: { uuid } });
      } finally {
        stop();
      }
    });
  });

  describe('storage', () => {
    it('lists pools and volumes, creates a volume, reads it and deletes it', async () => {
      const pools = await client.api.listPools();
      expect(pools.find((p) => p.name === DEFAULT_POOL)).toMatchObject({ active: true, persistent: true });

      const name = `${uniqueName('vd-vol')}.img`;
      const created = await client.api.createVolume(DEFAULT_POOL, testVolumeXml(name, 10));
      expect(created).toMatchObject({ name, capacity: 10 * 1024 * 1024 });
      expect(created.path).toContain(name);
      expect(await client.api.volumeInfo(DEFAULT_POOL, name)).toEqual(created);
      expect((await client.api.listVolumes(DEFAULT_POOL)).map((v) => v.name)).toContain(name);

      await client.api.deleteVolume(DEFAULT_POOL, name);
      expect((await client.api.listVolumes(DEFAULT_POOL)).map((v) => v.name)).not.toContain(name);
    });

    it('names the missing volume', async () => {
      const err = await libvirtRejection(client.api.volumeInfo(DEFAULT_POOL, 'vd-missing.img'));
      expect(err.message).toContain("'vd-missing.img'");
      expect(err.codeName).toBe('NO_STORAGE_VOL');
    });
  });

  describe('networks', () => {
    it('lists, defines, starts, sets autostart, stops and undefines a network', async () => {
      const before = await client.api.listNetworks();
      expect(before.find((n) => n.name === DEFAULT_NETWORK)).toMatchObject({ active: true, persistent: true });

      const name = uniqueName('vd-net');
      const defined = await client.api.defineNetwork(testNetworkXml(name));
      expect(defined).toMatchObject({ name, active: false, persistent: true, autostart: false });
      await client.api.startNetwork(name);
      await client.api.setNetworkAutostart(name, true);
      expect((await client.api.listNetworks()).find((n) => n.name === name)).toMatchObject({ active: true, autostart: true });
      expect(await client.api.networkXml(name)).toContain(`<name>${name}</name>`);
      await client.api.stopNetwork(name);
      expect((await client.api.listNetworks()).find((n) => n.name === name)?.active).toBe(false);
      await client.api.undefineNetwork(name);
      expect((await client.api.listNetworks()).map((n) => n.name)).not.toContain(name);
    });
  });

  describe('errors', () => {
    it('maps a missing domain to NO_DOMAIN naming it', async () => {
      const err = await libvirtRejection(client.api.lookupDomain({ name: 'vd-no-such-domain' }));
      expect(err.code).toBe(42);
      expect(err.codeName).toBe('NO_DOMAIN');
      expect(err.message).toContain("'vd-no-such-domain'");
      const byUuid = await libvirtRejection(client.api.domainState({ uuid: '00000000-0000-0000-0000-000000000042' }));
      expect(byUuid.codeName).toBe('NO_DOMAIN');
    });

    it('passes libvirt\'s message through for invalid XML', async () => {
      const err = await libvirtRejection(client.api.defineDomain('<domain type="test"><name>broken'));
      expect(err.operation).toBe('define domain');
      expect(err.libvirtMessage).toMatch(/Premature end of data|Couldn't find end of Start Tag/);
      const missingName = await libvirtRejection(client.api.defineDomain("<domain type='test'><memory>1024</memory></domain>"));
      expect(missingName.libvirtMessage.length).toBeGreaterThan(0);
      expect(missingName.libvirtMessage).not.toBe('unknown libvirt error');
    });

    // qemu reports OPERATION_INVALID here; the test driver says INTERNAL_ERROR. Either way the
    // caller must get libvirt's own code and message, not a placeholder.
    it('keeps libvirt\'s error when starting a running domain', async () => {
      const err = await libvirtRejection(client.api.startDomain({ name: DEFAULT_DOMAIN }));
      expect(err.operation).toBe(`start domain '${DEFAULT_DOMAIN}'`);
      expect(err.libvirtMessage).toContain('already running');
      expect(err.code).toBe(1);
    });

    it('maps force-off of a shut-off domain to OPERATION_INVALID', async () => {
      const name = uniqueName('vd-off');
      await client.api.defineDomain(testDomainXml(name));
      const err = await libvirtRejection(client.api.destroyDomain({ name }));
      expect(err.code).toBe(55);
      expect(err.codeName).toBe('OPERATION_INVALID');
      expect(err.message).toContain(`'${name}'`);
    });

    it('refuses an unknown host method with a clear error, and keeps working', async () => {
      // What `client.call('nope' as never)` sends; typed loosely so any string gets through.
      const untyped = client as unknown as { call(method: string, ...args: unknown[]): Promise<unknown> };
      for (const method of ['nope', 'shutdown', 'constructor', '__proto__', 'onLifecycle', 'toString']) {
        const err = await rejectionOf(untyped.call(method));
        expect(err).not.toBeInstanceOf(LibvirtError);
        expect(err.message).toBe(`unknown host method '${method}'`);
      }
      expect((await client.api.domainState({ name: DEFAULT_DOMAIN })).state).toBe('running');
    });

    it('fails connect to a wrong URI with a message naming the URI', async () => {
      const uri = 'test:///nonexistent/file.xml';
      const bad = new LibvirtHostClient(uri, nodeHostSpawner);
      try {
        const err = await libvirtRejection(bad.connect());
        expect(err.message).toContain(`connect to ${uri}`);
        const callErr = await rejectionOf(bad.api.listDomains());
        expect(callErr.message).toContain(uri);
      } finally {
        await bad.close();
      }
    });
  });
});

describe('LibvirtHostClient when the host process dies or hangs', () => {
  it('rejects a pending call with HostProcessError naming the URI, then respawns', async () => {
    const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner);
    const exits: HostClientEvent[] = [];
    client.onEvent((e) => e.type === 'host-exit' && exits.push(e));
    try {
      await client.connect();
      const firstPid = client.hostPid;
      const pending = client.api.listDomains();
      client.killHost();
      const err = await rejectionOf(pending);
      expect(err).toBeInstanceOf(HostProcessError);
      expect((err as HostProcessError).uri).toBe(TEST_URI);
      expect((err as HostProcessError).kind).toBe('crashed');
      expect(err.message).toContain(TEST_URI);
      await waitFor('the host-exit event', () => exits.length > 0);
      expect(exits[0]).toMatchObject({ type: 'host-exit', uri: TEST_URI });

      const list = await client.api.listDomains();
      expect(list.map((d) => d.name)).toContain(DEFAULT_DOMAIN);
      expect(client.hostPid).not.toBe(firstPid);
    } finally {
      await client.close();
    }
  });

  it('rejects every call in flight when the host dies', async () => {
    const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner);
    try {
      await client.connect();
      process.kill(client.hostPid!, 'SIGSTOP'); // nothing will be answered any more
      const calls = Array.from({ length: 20 }, () => rejectionOf(client.api.domainState({ name: DEFAULT_DOMAIN })).catch((e: Error) => e));
      await new Promise((r) => setImmediate(r)); // all 20 are sent and pending
      client.killHost();
      const errs = await Promise.all(calls);
      for (const e of errs) {
        expect(e).toBeInstanceOf(HostProcessError);
        expect(e.message).toContain(TEST_URI);
      }
    } finally {
      await client.close();
    }
  });

  it('times a hung host out, kills it, and the next connect starts a fresh one', async () => {
    // A stopped process never answers: the timeout is certain whatever its length.
    const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner, { callTimeoutMs: 1 });
    try {
      await client.connect(); // the start uses startTimeoutMs, not callTimeoutMs
      const hungPid = client.hostPid!;
      process.kill(hungPid, 'SIGSTOP');
      const err = await rejectionOf(client.api.domainState({ name: DEFAULT_DOMAIN }));
      expect(err).toBeInstanceOf(HostProcessError);
      expect((err as HostProcessError).kind).toBe('timeout');
      expect(err.message).toContain('domainState');
      expect(err.message).toContain(TEST_URI);
      await waitFor('the hung host to be killed', () => !client.isRunning);
      const info = await client.connect();
      expect(info.uri).toBe(TEST_URI);
      expect(client.hostPid).not.toBe(hungPid);
    } finally {
      await client.close();
    }
  });

  it('refuses calls after close() with a HostProcessError of kind closed', async () => {
    const client = new LibvirtHostClient(TEST_URI, nodeHostSpawner);
    await client.connect();
    await client.close();
    expect(client.isRunning).toBe(false);
    const err = await rejectionOf(client.api.nodeInfo());
    expect(err).toBeInstanceOf(HostProcessError);
    expect((err as HostProcessError).kind).toBe('closed');
    expect(err.message).toContain(TEST_URI);
  });
});
