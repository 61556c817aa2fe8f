// Benchmark group for the New-VM flow on the REAL qemu:///system daemon: vm.create (validate,
// check, build XML, define, start) until the domain runs — guest boot excluded — against its
// floor, the same XML defined and started with direct libvirt calls and no validation
// (createOverheadRatio: what Virtdesk adds), measured alternately so both see the same load.
// virt-install making the same VM is reported too. Tiny guest (direct kernel boot), no disk, no network.
import { spawnSync } from 'node:child_process';
import { handlerContext, libvirtHandlers } from '../src-main/api/handlers';
import { validateInput } from '../src-main/contract';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { tinyGuestFiles } from '../test/support/tiny-guest';
import { type GroupResult, type Row, fmtMs, median, now, round } from './lib';

const URI = 'qemu:///system';

async function removeDomain(client: LibvirtHostClient, name: string): Promise<void> {
  await client.api.destroyDomain({ name }).catch(() => undefined);
  await client.api.undefineDomain({ name }, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
}

function virtInstallVersion(): string | null {
  const r = spawnSync('virt-install', ['--version'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? null : r.stdout.trim();
}

export async function createGroup(o: { runs?: number; virtInstallRuns?: number } = {}): Promise<GroupResult> {
  const runs = o.runs ?? 10;
  const viRuns = o.virtInstallRuns ?? 3;
  const { kernel, initrd } = tinyGuestFiles();
  const client = new LibvirtHostClient(URI, nodeHostSpawner);
  const tag = `vdbench-${process.pid}`;
  const rows: Row[] = [];
  try {
    try {
      await client.connect();
    } catch (e) {
      throw new Error(`the create benchmark needs libvirtd with ${URI} (start virtlogd and libvirtd; see scripts/start-daemons.sh): ${(e as Error).message}`);
    }
    const handlers = libvirtHandlers(handlerContext({ client: async () => ({ uri: URI, client }) }));
    const create = async (name: string): Promise<number> => {
      const t0 = now();
      const input = validateInput('vm.create', {
        spec: { name, memoryMiB: 256, vcpus: 1, source: { kind: 'kernel', kernel, initrd, cmdline: 'console=ttyS0' }, storage: { kind: 'none' }, network: { kind: 'none' }, domainType: 'qemu' },
        start: true,
      });
      if (!input.ok) throw new Error(input.message);
      const r = await handlers['vm.create'](input.value);
      const ms = now() - t0;
      const st = await client.api.domainState({ uuid: r.vm.uuid });
      if (st.state !== 'running') throw new Error(`vm.create returned but '${name}' is ${st.state}`);
      return ms;
    };

    // Warm-up: the first call reads the host's capabilities (cached for a minute, as in the app).
    const coldName = `${tag}-cold`;
    const coldMs = await create(coldName);
    await removeDomain(client, coldName);
    // The floor's XML: what vm.create defines (its preview), made once outside the timing.
    const floorName = `${tag}-floor`;
    const preview = validateInput('vm.createPreview', { spec: { name: floorName, memoryMiB: 256, vcpus: 1, source: { kind: 'kernel', kernel, initrd, cmdline: 'console=ttyS0' }, storage: { kind: 'none' }, network: { kind: 'none' }, domainType: 'qemu' } });
    if (!preview.ok) throw new Error(preview.message);
    const prepMs: number[] = [];
    let t0 = now();
    const { xml } = await handlers['vm.createPreview'](preview.value);
    prepMs.push(now() - t0);
    const floorOnce = async (): Promise<number> => {
      try {
        const t1 = now();
        const d = await client.api.defineDomain(xml);
        await client.api.startDomain({ uuid: d.uuid });
        return now() - t1;
      } finally {
        await removeDomain(client, floorName);
      }
    };
    const samples: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      const name = `${tag}-${i}`;
      try {
        samples.push(await create(name));
      } finally {
        await removeDomain(client, name);
      }
      floor.push(await floorOnce());
      if (i < 4) {
        t0 = now();
        await handlers['vm.createPreview'](preview.value);
        prepMs.push(now() - t0);
      }
    }
    const createVmMs = median(samples);
    const floorMs = median(floor);
    rows.push(
      { what: 'vm.create → running (tiny guest, no disk)', value: fmtMs(createVmMs), note: `median of ${runs}; min ${fmtMs(Math.min(...samples))}, max ${fmtMs(Math.max(...samples))}` },
      { what: '  first call (reads host capabilities)', value: fmtMs(coldMs), note: 'not in the median' },
      { what: '  of which: checks + XML (vm.createPreview)', value: fmtMs(median(prepMs)), note: `median of ${prepMs.length}` },
      { what: 'floor: defineDomain + startDomain, same XML', value: fmtMs(floorMs), note: `median of ${runs}, alternating with vm.create; QEMU start dominates` },
      { what: 'vm.create / floor', value: `${round(createVmMs / floorMs, 2)}×`, note: 'createOverheadRatio' },
    );
    const metrics: Record<string, number> = { createVmMs: round(createVmMs, 1), createFloorMs: round(floorMs, 1), createOverheadRatio: round(createVmMs / floorMs, 3) };

    const version = virtInstallVersion();
    if (!version) {
      rows.push({ what: 'virt-install', value: 'skipped', note: 'virt-install is not installed (apt install virtinst)' });
    } else {
      const vi: number[] = [];
      for (let i = 0; i < viRuns; i++) {
        const name = `${tag}-vi-${i}`;
        const args = [
          '--connect', URI, '--name', name, '--memory', '256', '--vcpus', '1',
          '--boot', `kernel=${kernel},initrd=${initrd},kernel_args=console=ttyS0`,
          '--disk', 'none', '--network', 'none', '--graphics', 'vnc,listen=127.0.0.1', '--serial', 'pty',
          '--noautoconsole', '--import', '--virt-type', 'qemu',
        ];
        try {
          const t0 = now();
          // virt-install 4.x refuses to guess the OS unless told not to insist (same command otherwise).
          const r = spawnSync('virt-install', args, { encoding: 'utf8', env: { ...process.env, VIRTINSTALL_OSINFO_DISABLE_REQUIRE: '1' } });
          const ms = now() - t0;
          if (r.status !== 0) throw new Error(`virt-install failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
          const st = await client.api.domainState({ name });
          if (st.state !== 'running') throw new Error(`virt-install returned but '${name}' is ${st.state}`);
          vi.push(ms);
        } finally {
          await removeDomain(client, name);
        }
      }
      const virtInstallMs = median(vi);
      metrics.virtInstallMs = round(virtInstallMs, 1);
      metrics.createVsVirtInstall = round(virtInstallMs / createVmMs, 2);
      rows.push(
        { what: `virt-install → running (${version})`, value: fmtMs(virtInstallMs), note: `median of ${viRuns}, same VM` },
        { what: 'virt-install / vm.create', value: `${metrics.createVsVirtInstall}×` },
      );
    }
    return { metrics, rows };
  } finally {
    // Nothing of ours may survive a failed run.
    for (const d of await client.api.listDomains().catch(() => [])) if (d.name.startsWith(tag)) await removeDomain(client, d.name);
    await client.close();
  }
}

// `npx tsx bench/create.ts`: this group alone.
if (require.main === module) {
  createGroup().then(
    (r) => {
      for (const row of r.rows) console.log(`${row.what.padEnd(48)} ${row.value.padStart(12)}  ${row.note ?? ''}`);
      console.log(JSON.stringify(r.metrics));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
