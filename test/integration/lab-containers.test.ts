// A lab that mixes a VM and a container on one isolated network, against REAL daemons: the tiny
// guest VM on qemu:///system, a busybox application container on the LXC connection (the system
// daemon where it can run containers, else the private daemon). The container joins the lab
// network's bridge and pings the VM; lab down leaves nothing behind on either daemon. Lab files
// with container mistakes (no command/root, a missing command, no LXC connection) are clear
// errors that create nothing. The Host page's startup measure (tiny VM vs container) leaves
// nothing behind either.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { containerConnectionUri } from '../../src-main/host/container-support';
import { labNetworkUuid } from '../../src-main/labs/lab-file';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { readNetworkXml } from '../../src-main/xml/read-domain';
import { failure } from '../support/api-failure';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { GuestShell } from '../support/guest-shell';
import { lxcConnection, type LxcTarget } from '../support/lxc-daemon';
import { SYSTEM_URI, tinyGuestFiles } from '../support/tiny-guest';
import { virtioGuestFiles } from '../support/virtio-guest';

const LAB = `vdt-labct-${Math.random().toString(36).slice(2, 8)}`;
const POOL = `${LAB}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const GUEST_DIR = path.join('/var/lib/libvirt/images', `${LAB}-guest`);
const BASE = path.join(POOL_DIR, 'base.qcow2');
const BUSYBOX = '/bin/busybox';

const qemu = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let lxc: LxcTarget;
let core: Core;
let settingsDir: string;
let fileDir: string;
let guest: { kernel: string; initrd: string };

async function call<M extends MethodName>(method: M, input: MethodInput<M>, on: Core = core): Promise<MethodResult<M>> {
  return (await on.call(method, input)) as MethodResult<M>;
}
const virshLxc = (...args: string[]) => execFileSync('virsh', ['-c', lxc.uri, ...args], { encoding: 'utf8' });
const lxcNames = () => virshLxc('list', '--all', '--name').split('\n').map((s) => s.trim()).filter(Boolean).sort();

/** Everything on both daemons this file could have made (other tests share the daemons): domains, the lab network, the pool's volumes. */
async function inventory() {
  const ours = (n: string) => n.startsWith(LAB) || n.startsWith('virtdesk-startup-');
  const [domains, nets, vols] = await Promise.all([qemu.api.listDomains(), qemu.api.listNetworks(), qemu.api.listVolumes(POOL)]);
  return {
    vms: domains.map((d) => d.name).filter(ours).sort(),
    networks: nets.filter((n) => n.uuid === labNetworkUuid(LAB) || n.name === `vdlab-${LAB}`).map((n) => n.name),
    volumes: vols.map((v) => v.name).sort(),
    containers: lxcNames().filter(ours),
  };
}

/** A serial console through the app's console sessions; commands are sent again every 3 s. */
const openShell = (connection: string, vm: string) => GuestShell.overCore(core, connection, vm, { resendMs: 3000 });

function labFile(name: string, body: string): string {
  const file = path.join(fileDir, `${name}.lab.yaml`);
  fs.writeFileSync(file, body);
  return file;
}

function mixedLab(container: string[]): string {
  return [
    `name: ${LAB}`,
    `base: { image: ${BASE} }`,
    'machines:',
    '  - name: vm',
    '    memoryMiB: 192',
    '    vcpus: 1',
    `    boot: { kernel: ${guest.kernel}, initrd: ${guest.initrd}, cmdline: console=ttyS0 quiet }`,
    ...container,
  ].join('\n');
}
const CONTAINER = ['  - kind: container', '    name: ct', '    memoryMiB: 64', `    command: ${BUSYBOX}`, '    args: [sh]'];

beforeAll(async () => {
  if (!fs.existsSync(BUSYBOX)) throw new Error('busybox is missing: apt install busybox-static (npm run setup does)');
  lxc = lxcConnection();
  await qemu.connect();
  tinyGuestFiles();
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-labct-settings-'));
  fileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-labct-files-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir, namedConnection: lxc.uri });
  await core.call('settings.update', { browseFolders: [fileDir] });
  fs.mkdirSync(GUEST_DIR, { recursive: true });
  guest = virtioGuestFiles(GUEST_DIR);
  fs.mkdirSync(POOL_DIR, { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', BASE, '16M']);
  fs.chmodSync(BASE, 0o644);
  await call('pool.define', { connection: SYSTEM_URI, name: POOL, path: POOL_DIR, start: true, autostart: false });
}, 300_000);

afterAll(async () => {
  for (const name of lxcNames().filter((n) => n.startsWith(LAB))) {
    try { virshLxc('destroy', name); } catch { /* not running */ }
    try { virshLxc('undefine', name); } catch { /* gone */ }
  }
  await removeDomainsWithPrefix(qemu, LAB);
  for (const n of await qemu.api.listNetworks().catch(() => [])) {
    if (n.uuid !== labNetworkUuid(LAB)) continue;
    await qemu.api.stopNetwork(n.name).catch(() => undefined);
    await qemu.api.undefineNetwork(n.name).catch(() => undefined);
  }
  await removeTestPool(qemu, POOL, POOL_DIR);
  for (const d of [GUEST_DIR, fileDir, settingsDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  await core?.close();
  await qemu.close();
  lxc?.release();
}, 180_000);

describe('labs with containers', () => {
  it('the lab containers go to the LXC connection the host check would use', () => {
    expect(containerConnectionUri()).toBe(lxc.uri);
  });

  it('refuses container mistakes with the line, and creates nothing on either daemon', { timeout: 120_000 }, async () => {
    const before = await inventory();
    const cases: [string, string, RegExp, Core?][] = [
      ['no-command', mixedLab(['  - kind: container', '    name: ct', '    memoryMiB: 64']), /^no-command\.lab\.yaml:8: machines\[1\]: a container needs command .* or root /],
      ['bad-kind', mixedLab(['  - kind: jail', '    name: ct', '    memoryMiB: 64']), /^bad-kind\.lab\.yaml:8: machines\[1\]\.kind: kind must be 'vm' \(the default\) or 'container'$/],
      ['unknown-key', mixedLab([...CONTAINER, '    cdrom: /x.iso']), /^unknown-key\.lab\.yaml:13: machines\[1\]\.cdrom: unknown field$/],
      ['missing-command', mixedLab([...CONTAINER.slice(0, 3), '    command: /no/such/program']), /^missing-command\.lab\.yaml:11: machines\[1\]\.command: '\/no\/such\/program' does not exist on this computer$/],
    ];
    for (const [name, body, message] of cases) {
      const e = await failure(call('lab.up', { connection: SYSTEM_URI, file: labFile(name, body) }));
      expect(e.message, name).toMatch(message);
      expect(e.code, name).toBe('INVALID_INPUT');
    }
    // A Virtdesk without the LXC connection added: the lab is refused, naming the connection.
    const bare = createCore({ spawnHost: nodeHostSpawner, settingsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-labct-bare-')) });
    try {
      await bare.call('settings.update', { browseFolders: [fileDir] });
      const e = await failure(call('lab.up', { connection: SYSTEM_URI, file: labFile('no-lxc', mixedLab(CONTAINER)) }, bare));
      expect(decodeURIComponent(e.message)).toContain(`no-lxc.lab.yaml:8: machines[1].kind: no LXC connection for the lab's containers: connection ${lxc.uri} is not added: add it first`);
    } finally {
      await bare.close();
    }
    expect(await inventory()).toEqual(before);
  });

  it('a VM and a container on one network: the container pings the VM; lab down leaves nothing on either daemon', { timeout: 420_000 }, async () => {
    const before = await inventory();
    const file = labFile('mixed', mixedLab(CONTAINER));
    const up = await call('lab.up', { connection: SYSTEM_URI, file });
    expect((await inventory()).containers).toEqual([`${LAB}-ct`]);
    expect(up.created.sort()).toEqual([`${LAB}-ct`, `${LAB}-vm`]);
    const ct = up.machines.find((m) => m.name === `${LAB}-ct`);
    expect(ct).toMatchObject({ kind: 'container', state: 'running', machine: 'ct' });
    expect(decodeURIComponent(ct!.connection!)).toBe(lxc.uri);
    expect(up.machines.find((m) => m.name === `${LAB}-vm`)?.state).toBe('running');
    expect(up.missing).toEqual([]);

    // One L2 segment: the container's interface is the lab network's bridge.
    const net = up.network!;
    const bridge = readNetworkXml(await qemu.api.networkXml(net.name)).bridge!;
    expect(virshLxc('domiflist', `${LAB}-ct`)).toMatch(new RegExp(`bridge\\s+${bridge}\\b`));
    const prefix = net.subnet!.split('/')[0].split('.').slice(0, 3).join('.');

    const vmSh = await openShell(SYSTEM_URI, `${LAB}-vm`);
    const ctSh = await openShell(lxc.uri, `${LAB}-ct`);
    try {
      await vmSh.run('echo R$((6*7))Z', /R42Z/, 180_000);
      await vmSh.run(`ip link set eth0 up && ip addr add ${prefix}.50/24 dev eth0; ip -4 addr show eth0 | grep -q ${prefix}.50 && echo V$((1+1))UP`, /V2UP/);
      await ctSh.run('echo C$((6*7))Z', /C42Z/);
      await ctSh.run(`${BUSYBOX} ip link set eth0 up; ${BUSYBOX} ip addr add ${prefix}.60/24 dev eth0; echo C$((1+1))UP`, /C2UP/);
      const ping = await ctSh.run(`${BUSYBOX} ping -c 2 -W 3 ${prefix}.50 >/dev/null && echo P$((1+1))OK || echo P$((0))NO`, /P(2OK|0NO)/, 120_000);
      if (ping[1] !== '2OK') {
        // ARP may need a moment after the VM's link came up: once more before judging.
        expect((await ctSh.run(`${BUSYBOX} ping -c 3 -W 3 ${prefix}.50 >/dev/null && echo Q$((1+1))OK || echo Q$((0))NO`, /Q(2OK|0NO)/))[1]).toBe('2OK');
      }
    } finally {
      await ctSh.close();
      await vmSh.close();
    }

    const status = await call('lab.status', { connection: SYSTEM_URI, name: LAB });
    expect(status.machines.map((m) => m.name).sort()).toEqual([`${LAB}-ct`, `${LAB}-vm`]);
    expect((await call('lab.list', { connection: SYSTEM_URI })).find((l) => l.name === LAB)).toMatchObject({ machines: 2, running: 2, network: net.name });

    const down = await call('lab.down', { connection: SYSTEM_URI, name: LAB });
    expect(down).toMatchObject({ removedVms: [`${LAB}-vm`], removedContainers: [`${LAB}-ct`], removedNetwork: net.name, problems: [] });
    expect(down.removedVolumes).toHaveLength(1);
    expect(await inventory()).toEqual(before);
    // The busybox binary the container ran is this computer's own: lab down never deletes a container's files.
    expect(fs.existsSync(BUSYBOX)).toBe(true);
  });
});

describe('the host page: kinds of virtualization and their startup', () => {
  it('host.check names the LXC connection that runs containers (the Host page offers it)', { timeout: 60_000 }, async () => {
    const report = await call('host.check', {});
    expect(report.containers.available).toBe(true);
    expect(report.containers.connection).toBe(lxc.uri);
  });

  it('measures the tiny VM and a container from start to their first console line, and removes both', { timeout: 300_000 }, async () => {
    const before = await inventory();
    const r = await call('container.measureStartup', { connection: SYSTEM_URI });
    expect(r.vm.error).toBeUndefined();
    expect(r.container.error).toBeUndefined();
    expect(r.vm.ms).toBeGreaterThan(0);
    expect(r.container.ms).toBeGreaterThan(0);
    expect(['kvm', 'qemu']).toContain(r.vm.kind);
    expect(decodeURIComponent(r.container.connection!)).toBe(lxc.uri);
    expect(await inventory()).toEqual(before);
  });
});
