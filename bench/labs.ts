// Benchmark group for testing labs on the REAL qemu:///system daemon: lab up / lab reset of a
// 3-machine lab (tiny guest, direct kernel boot; until the API call returns with the domains
// started — guest boot excluded), and full vs linked clones of a VM with a 2 GiB disk full of
// non-zero data (qemu-io writes 0xab over all of it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { methods, type MethodInput, type MethodResult } from '../src-main/contract';
import { handlerContext, libvirtHandlers, type LibvirtMethodName } from '../src-main/api/handlers';
import type { TypedApiEvent } from '../src-main/contract';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { buildDirPoolXml } from '../src-main/xml/build-storage';
import { readVirtdeskMeta } from '../src-main/xml/virtdesk-meta';
import { tinyGuestFiles, tinyGuestXml } from '../test/support/tiny-guest';
import { type GroupResult, type Row, fmtMs, median, now, round } from './lib';

const URI = 'qemu:///system';
const GiB = 2 ** 30;

async function removeDomain(client: LibvirtHostClient, uuid: string): Promise<void> {
  await client.api.destroyDomain({ uuid }).catch(() => undefined);
  await client.api.undefineDomain({ uuid }, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() =>
    client.api.undefineDomain({ uuid }, { managedSave: true, snapshotsMetadata: true }).catch(() => undefined),
  );
}

export async function labsGroup(o: { labRuns?: number; fullRuns?: number; linkedRuns?: number } = {}): Promise<GroupResult> {
  const labRuns = o.labRuns ?? 3;
  const fullRuns = o.fullRuns ?? 2;
  const linkedRuns = o.linkedRuns ?? 5;
  const client = new LibvirtHostClient(URI, nodeHostSpawner);
  const tag = `vdbl-${process.pid}`;
  const pool = `${tag}-pool`;
  const dir = path.join('/var/lib/libvirt/images', pool);
  const events: TypedApiEvent[] = [];
  const handlers = libvirtHandlers(handlerContext({ client: async () => ({ uri: URI, client }), emit: (e) => events.push(e) }));
  const call = async <M extends LibvirtMethodName>(name: M, input: MethodInput<M>): Promise<MethodResult<M>> =>
    (handlers[name] as (i: unknown) => Promise<MethodResult<M>>)(methods[name].input.parse(input));
  const rows: Row[] = [];
  try {
    try {
      await client.connect();
    } catch (e) {
      throw new Error(`the labs benchmark needs libvirtd with ${URI} (start virtlogd and libvirtd; see scripts/start-daemons.sh): ${(e as Error).message}`);
    }
    const { kernel, initrd } = tinyGuestFiles();
    await client.api.definePool(buildDirPoolXml({ name: pool, path: dir }), { build: true, start: true });

    // ---- lab up / reset, 3 machines ----
    const base = path.join(dir, 'lab-base.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
    await client.api.refreshPool(pool);
    const labText = (name: string) =>
      [`name: ${name}`, `base: { image: ${base} }`, 'machines:', `  - { name: node, memoryMiB: 192, vcpus: 1, count: 3, boot: { kernel: ${kernel}, initrd: ${initrd}, cmdline: console=ttyS0 } }`, 'tags: [bench]', ''].join('\n');
    const ups: number[] = [];
    const resets: number[] = [];
    for (let i = 0; i < labRuns; i++) {
      const name = `${tag}-${i}`;
      const text = labText(name);
      const t0 = now();
      const up = await call('lab.up', { text });
      ups.push(now() - t0);
      if (up.machines.length !== 3 || up.machines.some((m) => m.state !== 'running')) throw new Error(`lab up returned ${JSON.stringify(up.machines.map((m) => m.state))}`);
      await new Promise((r) => setTimeout(r, 2000)); // let the guests get past their first second of boot
      const t1 = now();
      const reset = await call('lab.reset', { name });
      resets.push(now() - t1);
      if (reset.machines.some((m) => m.state !== 'running')) throw new Error('lab reset left a machine not running');
      const down = await call('lab.down', { name });
      if (down.problems.length) throw new Error(`lab down: ${down.problems.join('; ')}`);
    }
    const labUp3Ms = median(ups);
    const labReset3Ms = median(resets);
    rows.push(
      { what: 'lab up, 3 machines (network + overlays + define + start)', value: fmtMs(labUp3Ms), note: `median of ${labRuns}; min ${fmtMs(Math.min(...ups))}, max ${fmtMs(Math.max(...ups))}; guest boot excluded` },
      { what: 'lab reset, 3 machines (off + new overlays + start)', value: fmtMs(labReset3Ms), note: `median of ${labRuns}; min ${fmtMs(Math.min(...resets))}, max ${fmtMs(Math.max(...resets))}` },
    );

    // ---- full vs linked clone of a 2 GiB disk ----
    const disk = path.join(dir, 'clone-src.qcow2');
    const tFill = now();
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '2G']);
    // One request may not exceed 2 GiB - 512 bytes: two halves.
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xab 0 1G', '-c', 'write -P 0xab 1G 1G', disk], { stdio: 'ignore' });
    const fillMs = now() - tFill;
    await client.api.refreshPool(pool);
    const src = await client.api.defineDomain(tinyGuestXml(`${tag}-src`, { disk }));
    const allocation = (await client.api.listVolumes(pool)).find((v) => v.path === disk)?.allocation ?? 0;
    const clone = async (mode: 'full' | 'linked', name: string): Promise<number> => {
      const t0 = now();
      const r = await call('vm.clone', { vm: { uuid: src.uuid }, name, mode });
      const ms = now() - t0;
      await removeDomain(client, r.vm.uuid);
      for (const d of r.disks) await client.api.deleteVolume(d.pool, d.volume);
      return ms;
    };
    const full: number[] = [];
    events.length = 0;
    for (let i = 0; i < fullRuns; i++) full.push(await clone('full', `${tag}-full-${i}`));
    const progressEvents = events.filter((e) => e.type === 'vm.cloneProgress').length;
    const linked: number[] = [];
    for (let i = 0; i < linkedRuns; i++) linked.push(await clone('linked', `${tag}-linked-${i}`));
    const fullCloneMs = median(full);
    const linkedCloneMs = median(linked);
    rows.push(
      { what: `base disk: 2 GiB qcow2 filled with 0xab (qemu-io)`, value: fmtMs(fillMs), note: `${round(allocation / GiB, 2)} GiB allocated; setup, not a metric` },
      { what: 'vm.clone full (copy through virStorageVolCreateXMLFrom)', value: fmtMs(fullCloneMs), note: `median of ${fullRuns}; ${progressEvents} vm.cloneProgress events` },
      { what: 'vm.clone linked (qcow2 overlay + template mark)', value: fmtMs(linkedCloneMs), note: `median of ${linkedRuns}` },
      { what: 'full / linked', value: `${round(fullCloneMs / linkedCloneMs, 1)}×`, note: 'target ≥ 20' },
    );
    return {
      metrics: {
        labUp3Ms: round(labUp3Ms, 1),
        labReset3Ms: round(labReset3Ms, 1),
        fullCloneMs: round(fullCloneMs, 1),
        linkedCloneMs: round(linkedCloneMs, 1),
        linkedVsFullRatio: round(fullCloneMs / linkedCloneMs, 1),
      },
      rows,
    };
  } finally {
    // Nothing of ours may survive a failed run: lab VMs (by metadata) and our VMs, lab networks, the pool.
    for (const r of await client.api.allDomainXml().catch(() => [])) {
      if (r.name.startsWith(tag) || readVirtdeskMeta(r.inactiveXml ?? r.xml)?.lab?.name.startsWith(tag)) await removeDomain(client, r.uuid);
    }
    for (const n of await client.api.listNetworks().catch(() => [])) {
      if (!n.name.startsWith(`vdlab-${tag}`)) continue;
      await client.api.stopNetwork(n.name).catch(() => undefined);
      await client.api.undefineNetwork(n.name).catch(() => undefined);
    }
    for (const v of await client.api.listVolumes(pool).catch(() => [])) await client.api.deleteVolume(pool, v.name).catch(() => undefined);
    await client.api.stopPool(pool).catch(() => undefined);
    await client.api.undefinePool(pool).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await client.close();
  }
}

// `npx tsx bench/labs.ts`: this group alone.
if (require.main === module) {
  labsGroup().then(
    (r) => {
      for (const row of r.rows) console.log(`${row.what.padEnd(58)} ${row.value.padStart(12)}  ${row.note ?? ''}`);
      console.log(JSON.stringify(r.metrics));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
