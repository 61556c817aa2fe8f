// Migration between two REAL libvirt hosts on this machine: qemu:///system and the second host
// (test/support/second-host.ts, reached over qemu+tcp on 127.0.0.2), through the core's API.
// The running tiny guest moves live and keeps running (its uptime goes on, read on host 2's serial
// console); a direct (not tunnelled) one and one that copies a disk to the destination's own
// folder work too; a throttled migration cancelled halfway leaves it running on host 1; refused
// migrations (same host, network missing on the destination, wrong mode) change nothing; a
// shut-off VM moves its definition.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult, MigrationProgress } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { runCli } from '../support/cli';
import { consoleText } from '../support/host-events';
import { startSecondHost, type SecondHost } from '../support/second-host';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdt-mig');
const NET = `${ID}-net`;
const BRIDGE = `vdtmig${process.pid % 100000}`;
const host1 = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let host2: LibvirtHostClient;
let second: SecondHost | null = null;
let H2: string;
let core: Core;
let settingsDir: string;
const progress: MigrationProgress[] = [];

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
/**
 * The tiny guest without its VNC display: both daemons share this machine's network and each picks
 * display ports on its own, so host 2's QEMU could pick a port host 1's QEMU holds.
 */
const guestXml = (name: string): string => tinyGuestXml(name).replace(/<graphics[^>]*\/>/, '');
const names = async (c: LibvirtHostClient) => (await c.api.listDomains()).map((d) => d.name);

/** The guest's serial console as a shell on one host. */
async function shell(client: LibvirtHostClient, name: string) {
  const { streamId } = await client.api.openConsole({ name }, { force: true });
  const con = consoleText(client, streamId);
  const run = async (cmd: string, expect: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> => {
    const from = con.text().length;
    const until = Date.now() + timeoutMs;
    for (;;) {
      await client.api.streamWrite(streamId, new TextEncoder().encode(`${cmd}\n`));
      for (const due = Date.now() + 2000; Date.now() < due; ) {
        const m = expect.exec(con.text().slice(from));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (Date.now() > until) throw new Error(`no ${expect} after '${cmd}' on ${client.uri}; console ends with ${JSON.stringify(con.text().slice(-300))}`);
    }
  };
  return {
    /** Seconds since the guest booted (its /proc/uptime). */
    uptime: async () => Number((await run('echo U$((1))U; cat /proc/uptime; echo V$((2))V', /U1U\s+([\d.]+) [\d.]+\s+V2V/))[1]),
    close: async () => {
      con.stop();
      await client.api.streamClose(streamId).catch(() => undefined);
    },
  };
}

beforeAll(async () => {
  const manual = process.env.VDT_MIG_HOST2_URI;
  if (manual) H2 = manual;
  else {
    second = await startSecondHost();
    H2 = second.tcpUri;
  }
  host2 = new LibvirtHostClient(H2, nodeHostSpawner);
  await Promise.all([host1.connect(), host2.connect()]);
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-mig-settings-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  core.onEvent((e) => {
    if (e.type === 'vm.migrateProgress') progress.push(e as unknown as MigrationProgress);
  });
  await call('connections.add', { uri: H2 });
}, 180_000);

afterAll(async () => {
  for (const c of [host1, host2]) if (c) await removeDomainsWithPrefix(c, ID);
  await host1.api.stopNetwork(NET).catch(() => undefined);
  await host1.api.undefineNetwork(NET).catch(() => undefined);
  await core?.close();
  await Promise.all([host1.close(), host2?.close()]);
  await second?.stop();
  if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
}, 120_000);

describe('live migration to a second host', () => {
  it('moves the running tiny guest: it keeps running on host 2 (uptime goes on), is gone from host 1, and the list shows it on host 2', async () => {
    const name = `${ID}-live`;
    await host1.api.defineDomain(guestXml(name));
    await host1.api.startDomain({ name });
    const before = await shell(host1, name);
    const up1 = await before.uptime();
    await before.close();
    expect(up1).toBeGreaterThan(0);

    const r = await call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: H2, live: true, progressId: 'live1' });
    expect(r).toMatchObject({ vm: { name }, source: SYSTEM_URI, destination: H2, mode: 'live', peerToPeer: true, tunnelled: true });

    expect(await names(host1)).not.toContain(name);
    const there = await host2.api.lookupDomain({ name });
    expect(there).toMatchObject({ state: 'running', persistent: true });
    const listed = await call('vm.list', { connection: H2 });
    expect(listed.find((v) => v.name === name)).toMatchObject({ connection: H2, state: 'running' });
    expect((await call('vm.list', { connection: SYSTEM_URI })).map((v) => v.name)).not.toContain(name);

    const after = await shell(host2, name);
    const up2 = await after.uptime();
    await after.close();
    expect(up2).toBeGreaterThan(up1);

    const mine = progress.filter((p) => p.progressId === 'live1').map((p) => p.phase);
    expect(mine[0]).toBe('checking');
    expect(mine.at(-1)).toBe('completed');
  }, 300_000);

  it('moves a running VM directly (not peer-to-peer, not tunnelled): QEMU sends to the address of the destination URI', async () => {
    const name = `${ID}-direct`;
    await host1.api.defineDomain(guestXml(name));
    await host1.api.startDomain({ name });
    const r = await call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: H2, live: true, peerToPeer: false, tunnelled: false });
    expect(r).toMatchObject({ mode: 'live', peerToPeer: false, tunnelled: false });
    expect(await names(host1)).not.toContain(name);
    expect(await host2.api.domainState({ name })).toMatchObject({ state: 'running' });
    const refused = await failure(call('vm.migrate', { connection: H2, vm: { name }, destination: SYSTEM_URI, live: true, peerToPeer: false, tunnelled: true }));
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', field: 'tunnelled' });
    expect(refused.message).toBe('a tunnelled migration is always peer-to-peer: turn peer-to-peer on, or tunnelled off');
  }, 300_000);

  it('copies the disks to a host that does not share them (copyStorage): the destination\'s pool for that folder receives the disk', async () => {
    // /var/lib/libvirt/qemu is each host's own folder (not shared), so one path names two disks.
    const pool = `${ID}-pool`;
    const dir = `/var/lib/libvirt/qemu/${pool}`;
    const poolXml = `<pool type='dir'><name>${pool}</name><target><path>${dir}</path></target></pool>`;
    await host1.api.definePool(poolXml, { build: true, start: true });
    await host2.api.definePool(poolXml, { build: true, start: true });
    try {
      const vol = await host1.api.createVolume(pool, `<volume><name>data.qcow2</name><capacity unit='MiB'>16</capacity><target><format type='qcow2'/></target></volume>`);
      const name = `${ID}-copy`;
      const xml = guestXml(name).replace('<devices>', `<devices><disk type="file" device="disk"><driver name="qemu" type="qcow2"/><source file="${vol.path}"/><target dev="vdb" bus="virtio"/></disk>`);
      await host1.api.defineDomain(xml);
      await host1.api.startDomain({ name });
      // Without the pool there, it is refused with its reason first.
      await host2.api.stopPool(pool);
      await host2.api.undefinePool(pool);
      const refused = await failure(call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: H2, live: true, copyStorage: 'all' }));
      expect(refused.message).toContain(`disk vdb (${vol.path}) is in storage pool '${pool}', but ${H2} has no storage pool for ${dir}: define one there (into which its disk is copied)`);
      await host2.api.definePool(poolXml, { build: true, start: true });

      const r = await call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: H2, live: true, copyStorage: 'all' });
      expect(r).toMatchObject({ mode: 'live', copiedStorage: true, tunnelled: false });
      expect(await host2.api.domainState({ name })).toMatchObject({ state: 'running' });
      await host2.api.refreshPool(pool);
      expect((await host2.api.listVolumes(pool)).map((v) => v.name)).toContain('data.qcow2');
      expect((await host1.api.listVolumes(pool)).map((v) => v.name)).toContain('data.qcow2'); // the source's copy stays
      await host2.api.destroyDomain({ name });
    } finally {
      for (const c of [host1, host2]) {
        await removeDomainsWithPrefix(c, `${ID}-copy`);
        for (const v of await c.api.listVolumes(pool).catch(() => [])) await c.api.deleteVolume(pool, v.name).catch(() => undefined);
        await c.api.stopPool(pool).catch(() => undefined);
        await c.api.undefinePool(pool).catch(() => undefined);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      // Host 2's side of that folder, as this machine sees it (its /var/lib/libvirt/qemu lives in its state folder).
      if (second) fs.rmSync(path.join(second.stateDir, 'lib-qemu', pool), { recursive: true, force: true });
    }
  }, 300_000);

  it('cancelled halfway (bandwidth limited to 1 MiB/s), the VM still runs on host 1 and host 2 has nothing', async () => {
    const name = `${ID}-cancel`;
    await host1.api.defineDomain(guestXml(name));
    await host1.api.startDomain({ name });
    const sh = await shell(host1, name);
    const up1 = await sh.uptime(); // booted: its memory is in use
    const from = progress.length;
    const moving = call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: H2, live: true, bandwidthMiBps: 1, progressId: 'cancel1' });
    const outcome = failure(moving);
    const until = Date.now() + 120_000;
    let seen: MigrationProgress | undefined;
    // Halfway: data is moving (speed known) and some is left.
    while (!(seen = progress.slice(from).find((p) => p.progressId === 'cancel1' && p.phase === 'migrating' && (p.dataRemaining ?? 0) > 0 && (p.bytesPerSecond ?? 0) > 0))) {
      if (Date.now() > until) throw new Error(`no migrating progress; events: ${JSON.stringify(progress.slice(from))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen.dataTotal).toBeGreaterThan(seen.dataRemaining!);
    expect(seen.bytesPerSecond).toBeLessThan(4 * 2 ** 20); // the 1 MiB/s limit holds (with QEMU's bursts)
    await call('vm.migrateCancel', { connection: SYSTEM_URI, vm: { name } });
    const err = await outcome;
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(err.message).toMatch(/was cancelled: it stays on qemu:\/\/\/system/);

    expect(await host1.api.domainState({ name })).toMatchObject({ state: 'running' });
    expect(await names(host2)).not.toContain(name);
    expect(await sh.uptime()).toBeGreaterThan(up1);
    await sh.close();
    expect(progress.filter((p) => p.progressId === 'cancel1').at(-1)?.phase).toBe('cancelled');
    // Nothing is migrating any more: a second cancel says so.
    expect((await failure(call('vm.migrateCancel', { connection: SYSTEM_URI, vm: { name } }))).message).toMatch(/no migration of VM .* is running/);
  }, 300_000);
});

describe('refusals and offline migration', () => {
  it('refuses the same host, a network the destination lacks and the wrong mode, each with its reason; nothing changes', async () => {
    const running = `${ID}-same`;
    await host1.api.defineDomain(guestXml(running));
    await host1.api.startDomain({ name: running });
    const same = await failure(call('vm.migrate', { connection: SYSTEM_URI, vm: { name: running }, destination: SYSTEM_URI, live: true }));
    expect(same.message).toMatch(/are the same connection: choose a connection to another host/);
    const offlineRunning = await failure(call('vm.migrate', { connection: SYSTEM_URI, vm: { name: running }, destination: H2, offline: true }));
    expect(offlineRunning).toMatchObject({ code: 'INVALID_INPUT', field: 'offline' });
    expect(offlineRunning.message).toMatch(/is running: an offline migration moves only a shut-off VM's definition/);
    expect(await host1.api.domainState({ name: running })).toMatchObject({ state: 'running' });

    await host1.api.defineNetwork(`<network><name>${NET}</name><bridge name='${BRIDGE}'/></network>`);
    const netVm = `${ID}-net`;
    const xml = guestXml(netVm).replace(/<interface type="user">/, `<interface type="network"><source network="${NET}"/>`);
    await host1.api.defineDomain(xml);
    const lacks = await failure(call('vm.migrate', { connection: SYSTEM_URI, vm: { name: netVm }, destination: H2, offline: true }));
    expect(lacks).toMatchObject({ code: 'INVALID_INPUT', field: 'destination' });
    expect(lacks.message).toContain(`uses network '${NET}'`);
    expect(lacks.message).toMatch(/create a network named .* there, or connect the interface to another network\. Nothing was changed/);
    const notOffline = await failure(call('vm.migrate', { connection: SYSTEM_URI, vm: { name: netVm }, destination: H2 }));
    expect(notOffline.message).toMatch(/is shut off, so nothing runs to migrate: move its definition with an offline migration/);

    expect(await names(host1)).toEqual(expect.arrayContaining([running, netVm]));
    expect(await names(host2)).not.toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${ID}-(same|net)$`))]));
  }, 300_000);

  it('moves a shut-off VM\'s definition (offline): defined on host 2, gone from host 1, and it starts there', async () => {
    const name = `${ID}-off`;
    const defined = await host1.api.defineDomain(guestXml(name));
    const r = await call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: H2, offline: true });
    expect(r).toMatchObject({ mode: 'offline', vm: { uuid: defined.uuid, name } });
    expect(await names(host1)).not.toContain(name);
    expect(await host2.api.lookupDomain({ name })).toMatchObject({ uuid: defined.uuid, state: 'shutoff', persistent: true });
    await host2.api.startDomain({ name });
    const sh = await shell(host2, name);
    expect(await sh.uptime()).toBeGreaterThan(0);
    await sh.close();
  }, 300_000);
});

describe('CLI migrate', () => {
  it('moves a shut-off VM with --offline --json, and names what is missing on bad usage (exit 2)', async () => {
    const name = `${ID}-cli`;
    await host1.api.defineDomain(guestXml(name));
    const env = { XDG_CONFIG_HOME: settingsDir };
    const usage = await runCli(['migrate', name, '--connect', SYSTEM_URI], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/'migrate' needs the VM's name and the destination URI/);
    const refused = await runCli(['migrate', name, H2, '--connect', SYSTEM_URI], { env, timeoutMs: 120_000 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is shut off, so nothing runs to migrate/);
    expect(await names(host1)).toContain(name);

    const r = await runCli(['migrate', name, H2, '--offline', '--json', '--connect', SYSTEM_URI], { env, timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'offline', vm: { name }, source: SYSTEM_URI, destination: H2 });
    expect(await names(host1)).not.toContain(name);
    expect(await names(host2)).toContain(name);
  }, 300_000);
});
