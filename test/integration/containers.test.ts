// OS containers through libvirt LXC against a REAL daemon (the system one where it can start
// containers, else the private daemon of scripts/start-lxc-daemon.sh): an application container
// running busybox sh answers through the app's serial console path and sees its memory limit; a
// system container boots its init from a root filesystem the test builds and sees a read-only
// host folder it cannot write; bad input is a clear error and defines nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { ContainerSpecInput, MethodInput, MethodName, MethodResult, TypedApiEvent } from '../../src-main/contract';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { runCli } from '../support/cli';
import { lxcConnection, type LxcTarget } from '../support/lxc-daemon';
import { GuestShell } from '../support/guest-shell';
import { uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdt-ct');
const WORK = path.join('/var/lib/libvirt/images', ID);
const BUSYBOX = '/bin/busybox';
let lxc: LxcTarget;
let core: Core;
let settingsDir: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const virsh = (...args: string[]) => execFileSync('virsh', ['-c', lxc.uri, ...args], { encoding: 'utf8' });
const definedNames = () => virsh('list', '--all', '--name').split('\n').map((s) => s.trim()).filter(Boolean);

/** A serial console session opened through the API (console.open / console.data / console.write). */
const openShell = (vm: string) => GuestShell.overCore(core, lxc.uri, vm);

/**
 * A root filesystem with busybox and an init script that prints a marker and runs a shell on the
 * console. The marker repeats until a line arrives: LXC drops console output while nobody has the
 * console open, so a marker printed once before the test attaches could be lost.
 */
function buildRootfs(dir: string, marker: string): void {
  for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'mnt/host']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  fs.symlinkSync('busybox', path.join(dir, 'bin/sh'));
  fs.writeFileSync(path.join(dir, 'sbin/init'), `#!/bin/sh\n/bin/busybox --install -s /bin\nwhile ! read -t 0.5 line; do echo ${marker}-$((40+2)); done\nexec /bin/sh\n`, { mode: 0o755 });
}

beforeAll(() => {
  if (!fs.existsSync(BUSYBOX)) throw new Error('busybox is missing: apt install busybox-static (npm run setup does)');
  lxc = lxcConnection();
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-ct-settings-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir, namedConnection: lxc.uri });
  fs.mkdirSync(WORK, { recursive: true });
}, 90_000);

afterAll(async () => {
  for (const name of definedNames().filter((n) => n.startsWith(ID))) {
    try { virsh('destroy', name); } catch { /* not running */ }
    try { virsh('undefine', name); } catch { /* transient */ }
  }
  await core?.close();
  fs.rmSync(WORK, { recursive: true, force: true });
  if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
  lxc?.release();
}, 60_000);

describe('containers on libvirt LXC', () => {
  it('says the LXC connection runs containers and qemu:///system runs machines', async () => {
    expect(await call('container.guestKinds', { connection: lxc.uri })).toEqual({ containers: true, machines: false });
    expect(await call('container.guestKinds', { connection: 'qemu:///system' })).toEqual({ containers: false, machines: true });
  });

  it('the host check says containers are available now (through the private daemon where the system one cannot)', { timeout: 60_000 }, async () => {
    const report = await call('host.check', {});
    expect(report.containers.available).toBe(true);
    expect(report.containers.text?.key).toBe(lxc.uri === 'lxc:///system' ? 'host.check.lxc.ok' : 'host.check.lxc.okPrivate');
  });

  it('runs busybox sh as an application container: 42 through the serial console, the memory limit inside, stop, delete', { timeout: 240_000 }, async () => {
    const name = `${ID}-app`;
    const created = await call('container.create', {
      connection: lxc.uri,
      spec: { kind: 'application', name, command: BUSYBOX, args: ['sh'], memoryMiB: 96 },
    });
    expect(created.vm.name).toBe(name);
    const listed = (await call('vm.list', { connection: lxc.uri })).find((v) => v.name === name);
    expect(listed?.state).toBe('running');
    expect(listed?.maxMemoryKiB).toBe(96 * 1024);

    const sh = await openShell(name);
    try {
      expect((await sh.run('echo R$((6*7))Z', /R(\d+)Z/))[1]).toBe('42');
      const limit = await sh.run(
        // Its own cgroup as /proc/self/cgroup names it (v1 memory controller, else the v2 unified one).
        'v1=$(grep :memory: /proc/self/cgroup | cut -d: -f3); v2=$(grep ^0:: /proc/self/cgroup | cut -d: -f3); ' +
          'echo L$(cat /sys/fs/cgroup/memory$v1/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup$v2/memory.max)E',
        /L(\d+)E/,
      );
      expect(Number(limit[1])).toBe(96 * 1024 * 1024);
      // LXC has no force flag: a second session takes the console over, the first one is told so.
      const second = await openShell(name);
      try {
        expect(sh.ended).toBe('another session took over the console');
        expect((await second.run('echo S$((6*7))Z', /S(\d+)Z/))[1]).toBe('42');
      } finally {
        await second.close();
      }
    } finally {
      await sh.close().catch(() => undefined);
    }

    // Resource graphs: LXC has no bulk domain stats; vm.stats still gives its CPU time and memory.
    const stats = (await call('vm.stats', { connection: lxc.uri })).find((x) => x.uuid === created.vm.uuid);
    expect(stats).toMatchObject({ state: 'running', memoryMaxKiB: 96 * 1024 });

    // Freeze / thaw and stop through the VM lifecycle methods.
    await call('vm.pause', { connection: lxc.uri, vm: { name } });
    expect(virsh('domstate', name).trim()).toBe('paused');
    await call('vm.resume', { connection: lxc.uri, vm: { name } });
    expect(virsh('domstate', name).trim()).toBe('running');
    await call('vm.forceOff', { connection: lxc.uri, vm: { name } });
    expect(virsh('domstate', name).trim()).toBe('shut off');
    await call('vm.start', { connection: lxc.uri, vm: { name } });
    expect(virsh('domstate', name).trim()).toBe('running');

    const deleted = await call('vm.delete', { connection: lxc.uri, vm: { name }, deleteDisks: [] });
    expect(deleted).toEqual({ deletedDisks: [], failedDisks: [] });
    expect(definedNames()).not.toContain(name);
  });

  it('boots a system container from a root filesystem folder; a read-only host folder is readable, not writable', { timeout: 240_000 }, async () => {
    const name = `${ID}-sys`;
    const root = path.join(WORK, 'sys-root');
    const shared = path.join(WORK, 'shared');
    buildRootfs(root, 'VDT-CT-BOOTED');
    fs.mkdirSync(shared);
    fs.writeFileSync(path.join(shared, 'hello.txt'), 'from-the-host\n');
    await call('container.create', {
      connection: lxc.uri,
      spec: { kind: 'system', name, rootfs: { kind: 'folder', folder: root }, memoryMiB: 64, mounts: [{ host: shared, guest: '/mnt/host', readonly: true }] },
      start: false,
    });
    const sh = await openShell(name).catch(async () => {
      // LXC opens a console only while the container runs: start first, then attach.
      return null;
    });
    expect(sh).toBeNull();
    await call('vm.start', { connection: lxc.uri, vm: { name } });
    const con = await openShell(name);
    try {
      await con.waitFor(/VDT-CT-BOOTED-42/);
      expect((await con.run('echo B:$(cat /mnt/host/hello.txt):E', /B:([^\s:]+):E/))[1]).toBe('from-the-host');
      const write = await con.run('touch /mnt/host/new 2>&1; echo W$?E', /W(\d+)E/);
      expect(write[1]).not.toBe('0');
      expect(fs.existsSync(path.join(shared, 'new'))).toBe(false);
      expect((await con.run('echo P$$E', /P(\d+)E/))[1]).toBe('1');
    } finally {
      await con.close();
    }
    const deleted = await call('container.delete', { connection: lxc.uri, vm: { name } });
    expect(deleted).toEqual({ deletedRoot: null, keptRoot: root });
    expect(definedNames()).not.toContain(name);
    expect(fs.existsSync(path.join(root, 'sbin/init'))).toBe(true);
  });

  it('unpacks a root filesystem tarball with progress, boots it, and deletes the folder it unpacked when asked', { timeout: 240_000 }, async () => {
    const name = `${ID}-tar`;
    const src = path.join(WORK, 'tar-src');
    buildRootfs(src, 'VDT-CT-TAR');
    const tarball = path.join(WORK, 'root.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', src, '.']);
    const into = path.join(WORK, 'tar-root');
    const steps: string[] = [];
    const stop = core.onEvent((raw) => {
      const e = raw as TypedApiEvent;
      if (e.type === 'container.createProgress' && e.progressId === 'ct1') steps.push(e.step === 'unpack' && e.total ? `unpack ${e.done}/${e.total}` : e.step);
    });
    const created = await call('container.create', {
      connection: lxc.uri,
      spec: { kind: 'system', name, rootfs: { kind: 'tarball', tarball, folder: into }, memoryMiB: 64 },
      progressId: 'ct1',
    });
    stop();
    expect(created.unpackedInto).toBe(into);
    const size = fs.statSync(tarball).size;
    expect(steps).toContain(`unpack ${size}/${size}`);
    expect(steps.at(-1)).toBe('start');
    const con = await openShell(name);
    try {
      expect((await con.run('echo T$((6*7))Z', /T(\d+)Z/))[1]).toBe('42');
    } finally {
      await con.close();
    }
    const deleted = await call('container.delete', { connection: lxc.uri, vm: { name }, deleteRoot: true });
    expect(deleted).toEqual({ deletedRoot: into, keptRoot: null });
    expect(fs.existsSync(into)).toBe(false);
    expect(definedNames()).not.toContain(name);
  });

  it('refuses bad input with a clear error and defines nothing', async () => {
    const before = definedNames();
    const attempt = (spec: ContainerSpecInput) => failure(call('container.create', { connection: lxc.uri, spec }));
    const noRoot = await attempt({ kind: 'system', name: `${ID}-bad1`, rootfs: { kind: 'folder', folder: path.join(WORK, 'missing-root') }, memoryMiB: 64 });
    expect(noRoot).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.rootfs.folder' });
    expect(noRoot.message).toContain(`root folder '${path.join(WORK, 'missing-root')}' does not exist`);

    const noCommand = await attempt({ kind: 'application', name: `${ID}-bad2`, command: '/usr/bin/vdt-no-such-command', memoryMiB: 64 });
    expect(noCommand).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.command' });
    expect(noCommand.message).toContain("'/usr/bin/vdt-no-such-command' does not exist on this computer");

    const root = path.join(WORK, 'bad-root');
    buildRootfs(root, 'X');
    const noInit = await attempt({ kind: 'system', name: `${ID}-bad3`, rootfs: { kind: 'folder', folder: root }, init: '/sbin/no-init', memoryMiB: 64 });
    expect(noInit).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.init' });
    expect(noInit.message).toContain(`'/sbin/no-init' does not exist inside the root folder ${root}`);

    const noMemory = await attempt({ kind: 'application', name: `${ID}-bad4`, command: BUSYBOX, memoryMiB: 0 });
    expect(noMemory).toMatchObject({ code: 'INVALID_INPUT', field: 'spec.memoryMiB' });
    expect(noMemory.message).toContain('memory limit must be more than 0 MiB');

    const onQemu = await failure(call('container.create', { connection: 'qemu:///system', spec: { kind: 'application', name: `${ID}-bad5`, command: BUSYBOX, memoryMiB: 64 } }));
    expect(onQemu).toMatchObject({ code: 'INVALID_INPUT', field: 'connection' });

    expect(definedNames()).toEqual(before);
  });

  it('the CLI creates a container (create-container), lists, stops and deletes it over the LXC connection', { timeout: 120_000 }, async () => {
    const name = `${ID}-cli`;
    const made = await runCli(['create-container', name, '--connect', lxc.uri, '--command', BUSYBOX, '--arg', 'sh', '--memory', '48M', '--json']);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout).vm.name).toBe(name);
    const list = await runCli(['list', '--connect', lxc.uri, '--json']);
    const row = (JSON.parse(list.stdout) as { name: string; state: string; maxMemoryKiB: number }[]).find((v) => v.name === name);
    expect(row).toMatchObject({ state: 'running', maxMemoryKiB: 48 * 1024 });
    // The interactive console works on LXC (whose console takes no force flag), with --force too.
    const con = await runCli(['console', name, '--connect', lxc.uri, '--force'], {
      timeoutMs: 60_000,
      stdin: (write, output, end) => {
        void (async () => {
          const until = Date.now() + 40_000;
          while (!/\r?\n42\r?\n/.test(output()) && Date.now() < until) {
            write('echo $((6*7))\n');
            await new Promise((r) => setTimeout(r, 1000));
          }
          write('\x1d');
          end();
        })();
      },
    });
    expect(con.stdout).toMatch(/\r?\n42\r?\n/);
    expect(con.code).toBe(0);
    expect((await runCli(['destroy', name, '--connect', lxc.uri])).code).toBe(0);
    expect(virsh('domstate', name).trim()).toBe('shut off');
    expect((await runCli(['delete', name, '--connect', lxc.uri])).code).toBe(0);
    expect(definedNames()).not.toContain(name);

    const bad = await runCli(['create-container', `${ID}-cli2`, '--connect', lxc.uri, '--command', BUSYBOX, '--memory', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('memory limit must be more than 0 MiB');
    const usage = await runCli(['create-container', `${ID}-cli3`, '--connect', lxc.uri]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give --command PATH');
    expect(definedNames().filter((n) => n.startsWith(`${ID}-cli`))).toEqual([]);
  });
});
