// Benchmark group: how long a container takes to start compared with the tiny VM, each from
// "start" to its first console marker, on this machine.
// - containerStartMs: a system container (busybox root filesystem whose init prints a marker) on
//   the LXC connection of test/support/lxc-daemon.ts (the system daemon, or the private one where
//   the system daemon cannot start containers): virDomainCreate → marker on its console.
// - tinyVmStartMs: the tiny TCG guest on qemu:///system: virDomainCreate → its marker on the
//   serial console.
// - vmVsContainerStartRatio: tinyVmStartMs ÷ containerStartMs.
// Medians of a few runs each; everything defined here is removed.
import fs from 'node:fs';
import path from 'node:path';
import { buildContainerXml } from '../src-main/containers/build-container';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { consoleText } from '../test/support/host-events';
import { lxcConnection } from '../test/support/lxc-daemon';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../test/support/tiny-guest';
import { type GroupResult, fmtMs, median, now, round } from './lib';

const CONTAINER_MARKER = 'VIRTDESK-CONTAINER-READY';

/** Its init repeats the marker (every 20 ms) until a line arrives: LXC drops console output nobody reads yet. */
function busyboxRoot(dir: string): void {
  for (const d of ['bin', 'sbin', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  fs.symlinkSync('busybox', path.join(dir, 'bin/sh'));
  fs.writeFileSync(path.join(dir, 'sbin/init'), `#!/bin/sh\nwhile ! read -t 0.02 line; do echo ${CONTAINER_MARKER}; done\nexec /bin/sh\n`, { mode: 0o755 });
}

/** virDomainCreate → `marker` on the console, `runs` times (the domain is forced off between runs). */
async function startToMarker(client: LibvirtHostClient, name: string, marker: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await client.api.startDomain({ name });
    const { streamId } = await client.api.openConsole({ name }, { force: true });
    const con = consoleText(client, streamId);
    const until = Date.now() + 120_000;
    while (!con.text().includes(marker)) {
      if (Date.now() > until) throw new Error(`${name}: no ${marker} on its console within 120 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(now() - t0);
    con.stop();
    await client.api.streamClose(streamId).catch(() => undefined);
    await client.api.destroyDomain({ name });
  }
  return times;
}

export async function containersGroup(o: { runs?: number } = {}): Promise<GroupResult> {
  const runs = o.runs ?? 3;
  const lxc = lxcConnection();
  const ct = new LibvirtHostClient(lxc.uri, nodeHostSpawner);
  const vm = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const ctName = uniqueName('vdt-ct-bench');
  const vmName = uniqueName('vdt-ct-bench-vm');
  const root = path.join('/var/lib/libvirt/images', ctName);
  try {
    busyboxRoot(root);
    await ct.connect();
    await vm.connect();
    await ct.api.defineDomain(buildContainerXml({ kind: 'system', name: ctName, rootfs: { kind: 'folder', folder: root }, init: '/sbin/init', initArgs: [], memoryMiB: 64, vcpus: 1, mounts: [], network: { kind: 'none' } }));
    await vm.api.defineDomain(tinyGuestXml(vmName));
    const container = await startToMarker(ct, ctName, CONTAINER_MARKER, runs);
    const machine = await startToMarker(vm, vmName, TINY_GUEST_MARKER, runs);
    const containerStartMs = median(container);
    const tinyVmStartMs = median(machine);
    return {
      metrics: { containerStartMs: round(containerStartMs), tinyVmStartMs: round(tinyVmStartMs), vmVsContainerStartRatio: round(tinyVmStartMs / containerStartMs, 1) },
      rows: [
        { what: 'container: start → console marker', value: fmtMs(containerStartMs), note: `median of ${runs}, ${lxc.uri}` },
        { what: 'tiny VM (TCG): start → console marker', value: fmtMs(tinyVmStartMs), note: `median of ${runs}, ${SYSTEM_URI}` },
        { what: 'VM ÷ container', value: `${round(tinyVmStartMs / containerStartMs, 1)}×` },
      ],
    };
  } finally {
    for (const [client, name] of [[ct, ctName], [vm, vmName]] as const) {
      await client.api.destroyDomain({ name }).catch(() => undefined);
      await client.api.undefineDomain({ name }).catch(() => undefined);
      await client.close();
    }
    fs.rmSync(root, { recursive: true, force: true });
    lxc.release();
  }
}
