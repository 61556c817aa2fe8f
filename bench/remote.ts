// Benchmark group for a remote host over SSH: the second host (test/support/second-host.ts)
// reached as qemu+ssh with the test key, through the core's API as the app uses it.
// - remoteList100ColdMs: a fresh connection (ssh handshake, libvirt open) plus vm.list of 100 VMs.
// - remoteList100Ms: vm.list of the same 100 VMs on the open connection (median; the refresh).
// - sshConnectionsFor5Consoles: SSH connections (TCP to host 2's sshd) held by this process's
//   ssh clients with 5 graphical consoles of one VM open through the proxy. Target 1: consoles
//   share the libvirt connection's SSH master.
// VMs are named vdt-h2-bench-* and removed afterwards.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../src-main/api/core';
import { browserConsoleUpgrades } from '../src-main/consoles/server-upgrades';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { generateToken, startServer, type RunningServer } from '../src-main/server/server';
import { removeDomainsWithPrefix } from '../test/support/cleanup';
import { sshConnectionsFrom, startSecondHost, type SecondHost } from '../test/support/second-host';
import { tinyGuestXml, uniqueName } from '../test/support/tiny-guest';
import { RfbClient, wsTransport, type ByteTransport } from '../test/unit/consoles/rfb-client';
import { type GroupResult, fmtMs, median, now, round } from './lib';

const VMS = 100;

/** A fresh core with host 2's SSH connection added and its host key accepted; returns the time to connected + first list. */
async function connectedCore(host2: SecondHost, dir: string): Promise<{ core: Core; coldMs: number }> {
  const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
  const fingerprint = /(SHA256:\S{43})/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', host2.hostKeyFile], { encoding: 'utf8' }))![1];
  const first = await core.call('connections.add', { uri: host2.sshUri, keyFile: host2.keyFile });
  if (!(first as { hostKey?: unknown }).hostKey) throw new Error('expected the unknown host key first');
  // Accepting connects once; the cold figure is measured on a second, fresh connection below.
  await core.call('connections.acceptHostKey', { uri: host2.sshUri, fingerprint });
  await core.call('connections.remove', { uri: host2.sshUri });
  const t0 = now();
  await core.call('connections.add', { uri: host2.sshUri, keyFile: host2.keyFile });
  const list = (await core.call('vm.list', { connection: host2.sshUri })) as unknown[];
  const coldMs = now() - t0;
  if (list.length < VMS) throw new Error(`host 2 lists ${list.length} VMs, expected at least ${VMS}`);
  return { core, coldMs };
}

async function fiveConsoles(core: Core, host2: SecondHost, vm: string): Promise<number> {
  const token = generateToken();
  let server: RunningServer | null = null;
  server = await startServer({ dispatcher: core, staticDir: os.tmpdir(), port: 0, token, onOtherUpgrade: browserConsoleUpgrades(core.vncProxy, () => server) });
  const open: ByteTransport[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const { path: p } = (await core.call('console.vncTicket', { connection: host2.sshUri, vm: { name: vm } })) as { path: string };
      const t = await wsTransport(`ws://127.0.0.1:${server.port}${p}`);
      open.push(t);
      await RfbClient.handshake(t);
    }
    return sshConnectionsFrom(host2);
  } finally {
    for (const t of open) t.close();
    await server.close();
  }
}

export async function remoteGroup(): Promise<GroupResult> {
  const host2 = await startSecondHost();
  const prefix = uniqueName('vdt-h2-bench');
  const tcp = new LibvirtHostClient(host2.tcpUri, nodeHostSpawner);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-h2-bench-'));
  let core: Core | null = null;
  try {
    for (let i = 0; i < VMS; i++) await tcp.api.defineDomain(tinyGuestXml(`${prefix}-${String(i).padStart(3, '0')}`));
    const shown = `${prefix}-000`;
    await tcp.api.startDomain({ name: shown });
    const c = await connectedCore(host2, dir);
    core = c.core;
    const refresh: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = now();
      await core.call('vm.list', { connection: host2.sshUri });
      refresh.push(now() - t0);
    }
    const connections = await fiveConsoles(core, host2, shown);
    const metrics = { remoteList100ColdMs: round(c.coldMs, 1), remoteList100Ms: round(median(refresh), 2), sshConnectionsFor5Consoles: connections };
    return {
      metrics,
      rows: [
        { what: 'connect + vm.list, 100 VMs over SSH (cold)', value: fmtMs(c.coldMs), note: 'remoteList100ColdMs' },
        { what: 'vm.list, 100 VMs over SSH (refresh, median of 20)', value: fmtMs(median(refresh)), note: 'remoteList100Ms' },
        { what: 'SSH connections with 5 graphical consoles open', value: String(connections), note: 'sshConnectionsFor5Consoles (target 1)' },
      ],
    };
  } finally {
    await core?.close();
    await removeDomainsWithPrefix(tcp, prefix);
    await tcp.close();
    await host2.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
