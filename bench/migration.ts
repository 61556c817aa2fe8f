// Benchmark group for live migration between two REAL libvirt hosts on this machine:
// qemu:///system and the second host (test/support/second-host.ts, qemu+tcp on 127.0.0.2).
// - migrateTinyGuestMs: median wall time of vm.migrate (live, peer-to-peer, tunnelled) of the
//   booted tiny TCG guest (256 MiB), call to answer: checks on both hosts, the migration's own host
//   process, the migration itself.
// - virshMigrateTinyGuestMs: the same guest moved by `virsh migrate --live --p2p --tunnelled
//   --persistent --undefinesource` (the same flags vm.migrate uses for a persistent VM).
// The first vm.migrate from a host starts the host process that makes the blocking call (~0.5–1 s
// here); later ones within a minute reuse it (src-main/migration/migrate.ts), so the median is the
// figure of a host being evacuated VM after VM, and the first sample is listed in the note.
// - migrateVsVirsh: the first ÷ the second (1 = as fast as virsh).
// Each sample boots a fresh guest on host 1 (a migrated guest cannot come back: host 1 takes no
// TCP connections) and waits for its serial marker, so both paths move a guest in the same state;
// the two paths alternate. Guests are named vdt-mig-bench-* and removed from both hosts.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCore, type Core } from '../src-main/api/core';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix } from '../test/support/cleanup';
import { consoleText, waitFor } from '../test/support/host-events';
import { startSecondHost } from '../test/support/second-host';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../test/support/tiny-guest';
import { type GroupResult, fmtMs, median, now, round } from './lib';

const run = promisify(execFile);
const SAMPLES = Number(process.env.VIRTDESK_BENCH_MIGRATE_SAMPLES ?? 3);

/**
 * The tiny guest without its VNC display: both daemons share this machine's network, and each
 * picks display ports on its own, so host 2's QEMU can pick a port host 1's QEMU holds.
 */
export const headlessTinyGuestXml = (name: string): string => tinyGuestXml(name).replace(/<graphics[^>]*\/>/, '');

async function bootedGuest(host1: LibvirtHostClient, name: string): Promise<void> {
  await host1.api.defineDomain(headlessTinyGuestXml(name));
  await host1.api.startDomain({ name });
  const { streamId } = await host1.api.openConsole({ name }, { force: true });
  const con = consoleText(host1, streamId);
  try {
    await waitFor(`${name} to boot`, () => con.text().includes(TINY_GUEST_MARKER), 180_000, 100);
  } finally {
    con.stop();
    await host1.api.streamClose(streamId).catch(() => undefined);
  }
}

export async function migrationGroup(): Promise<GroupResult> {
  const manual = process.env.VDT_MIG_HOST2_URI;
  const second = manual ? null : await startSecondHost();
  const h2 = manual ?? second!.tcpUri;
  const prefix = uniqueName('vdt-mig-bench');
  const host1 = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const host2 = new LibvirtHostClient(h2, nodeHostSpawner);
  const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-mig-bench-'));
  let core: Core | null = null;
  const api: number[] = [];
  const virsh: number[] = [];
  try {
    await Promise.all([host1.connect(), host2.connect()]);
    core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
    await core.call('connections.add', { uri: h2 });
    // Both connections open, as in the app: the timing is the migration's, not the connecting.
    await Promise.all([core.call('vm.list', { connection: SYSTEM_URI }), core.call('vm.list', { connection: h2 })]);
    for (let i = 0; i < SAMPLES * 2; i++) {
      const name = `${prefix}-${i}`;
      await bootedGuest(host1, name);
      const t0 = now();
      if (i % 2 === 0) {
        await core.call('vm.migrate', { connection: SYSTEM_URI, vm: { name }, destination: h2, live: true });
        api.push(now() - t0);
      } else {
        await run('virsh', ['-c', SYSTEM_URI, 'migrate', '--live', '--p2p', '--tunnelled', '--persistent', '--undefinesource', name, h2]);
        virsh.push(now() - t0);
      }
      await host2.api.destroyDomain({ name }).catch(() => undefined);
      await host2.api.undefineDomain({ name }).catch(() => undefined);
    }
  } finally {
    await removeDomainsWithPrefix(host1, prefix);
    await removeDomainsWithPrefix(host2, prefix);
    await core?.close();
    await Promise.all([host1.close(), host2.close()]);
    await second?.stop();
    fs.rmSync(settingsDir, { recursive: true, force: true });
  }
  const ours = median(api);
  const theirs = median(virsh);
  return {
    metrics: { migrateTinyGuestMs: round(ours, 1), virshMigrateTinyGuestMs: round(theirs, 1), migrateVsVirsh: round(ours / theirs, 2) },
    rows: [
      { what: 'migrateTinyGuestMs', value: fmtMs(ours), note: `vm.migrate live, median of ${api.length} (${api.map((x) => Math.round(x)).join(', ')} ms; the first one starts the migration's host process)` },
      { what: 'virshMigrateTinyGuestMs', value: fmtMs(theirs), note: `virsh migrate --live --p2p --tunnelled, median of ${virsh.length}` },
      { what: 'migrateVsVirsh', value: String(round(ours / theirs, 2)), note: '1 = as fast as virsh' },
    ],
  };
}
