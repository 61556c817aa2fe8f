// vm.stats and host.stats against the REAL qemu:///system: a running tiny guest with a disk and a
// tap NIC reports disk and network rates (numbers once there is a previous sample), and the host
// reports its CPU share and memory as libvirt sees it. (The tiny guest's user-mode NIC has no
// host-side device, so libvirt has no counters for it: the test gives it a tap of its own.)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult, VmStatsSample } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const NAME = uniqueName('vdt-perf');
const DISK = path.join('/var/lib/libvirt/images', `${NAME}.qcow2`);
// Interface names are at most 15 characters.
const TAP = `vdtperf${process.pid % 100_000}`;
const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let core: Core;
let settingsDir: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function ourSample(): Promise<VmStatsSample> {
  const samples = await call('vm.stats', { connection: SYSTEM_URI });
  const s = samples.find((x) => x.name === NAME);
  if (!s) throw new Error(`vm.stats has no sample for ${NAME}`);
  return s;
}

beforeAll(async () => {
  settingsDir = fs.mkdtempSync('/tmp/vdt-perf-settings-');
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await client.connect();
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', DISK, '64M']);
  const xml = tinyGuestXml(NAME, { disk: DISK, memoryMiB: 128 }).replace(/<interface type="user">/, `<interface type="ethernet"><target dev="${TAP}" managed="yes"/>`);
  expect(xml).toContain(TAP);
  await client.api.defineDomain(xml);
  await client.api.startDomain({ name: NAME });
}, 120_000);

afterAll(async () => {
  await removeDomainsWithPrefix(client, NAME);
  fs.rmSync(DISK, { force: true });
  await core?.close();
  await client.close();
  fs.rmSync(settingsDir, { recursive: true, force: true });
});

describe('performance statistics (real daemon)', () => {
  it('vm.stats reports disk and network rates of a running guest from the second sample on', async () => {
    expect((await client.api.domainState({ name: NAME })).state).toBe('running');
    const first = await ourSample();
    expect(first.state).toBe('running');
    await sleep(1500);
    const second = await ourSample();
    for (const field of ['cpuPercent', 'diskReadBps', 'diskWriteBps', 'netRxBps', 'netTxBps'] as const) {
      expect(typeof second[field], field).toBe('number');
      expect(second[field]!, field).toBeGreaterThanOrEqual(0);
    }
    // The counters behind the rates are libvirt's own: the guest's disk is in the block group.
    const record = (await client.api.domainStats(16 | 32)).find((r) => r.name === NAME);
    expect(record?.params['block.count']).toBe(1);
    expect(typeof record?.params['block.0.rd.bytes']).toBe('number');
    expect(record?.params['net.0.name']).toBe(TAP);
  });

  it('host.stats gives the host CPU share from the second call on, and memory as libvirt reports it', async () => {
    const node = await client.api.nodeInfo();
    const first = await call('host.stats', { connection: SYSTEM_URI });
    expect(first.connection).toBe(SYSTEM_URI);
    expect(first.cpus).toBe(node.cpus);
    expect(first.memoryTotalKiB).toBe(node.memoryKiB);
    expect(first.memoryUsedKiB).toBeGreaterThan(0);
    expect(first.memoryUsedKiB).toBeLessThanOrEqual(first.memoryTotalKiB);
    await sleep(1000);
    const second = await call('host.stats', { connection: SYSTEM_URI });
    expect(second.at).toBeGreaterThan(first.at);
    expect(typeof second.cpuPercent).toBe('number');
    expect(second.cpuPercent!).toBeGreaterThanOrEqual(0);
    expect(second.cpuPercent!).toBeLessThanOrEqual(100);
  });

  it('host.stats refuses a malformed connection with a message naming the field', async () => {
    await expect(core.call('host.stats', { connection: 'qemu:///system\nx' } as never)).rejects.toMatchObject({ field: 'connection' });
  });
});
