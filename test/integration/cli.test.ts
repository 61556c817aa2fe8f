// The CLI against the real qemu:///system daemon and the tiny TCG guest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI, tinyGuestFiles, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { runCli } from '../support/cli';
import { waitFor } from '../support/host-events';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';

describe('CLI on qemu:///system', () => {
  const name = uniqueName('vdtest-cli');
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-cli-'));
  const env = { XDG_CONFIG_HOME: tmp };

  beforeAll(async () => {
    await admin.api.defineDomain(tinyGuestXml(name));
  });
  afterAll(async () => {
    await admin.api.destroyDomain({ name }).catch(() => undefined);
    await admin.api.undefineDomain({ name }).catch(() => undefined);
    await admin.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('host-check --json says this host uses software emulation and why', async () => {
    const r = await runCli(['host-check', '--json'], { env });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('emulation');
    expect(report.checks.find((c: { id: string }) => c.id === 'libvirt').status).toBe('ok');
    expect(report.explanation).toMatch(/emulation/i);
  });

  it('lists, starts, pauses, resumes and forces off a VM; dumpxml and screenshot work', { timeout: 180_000 }, async () => {
    let r = await runCli(['list', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).find((v: { name: string }) => v.name === name)?.state).toBe('shutoff');

    r = await runCli(['start', name], { env });
    expect(r.stdout).toContain(`VM '${name}' started.`);
    expect(r.code).toBe(0);
    expect((await admin.api.domainState({ name })).state).toBe('running');

    r = await runCli(['suspend', name, '--json'], { env });
    expect(JSON.parse(r.stdout)).toEqual({ name, action: 'suspend', ok: true });
    expect((await admin.api.domainState({ name })).state).toBe('paused');
    await runCli(['resume', name], { env });
    expect((await admin.api.domainState({ name })).state).toBe('running');

    r = await runCli(['dumpxml', name], { env });
    expect(r.stdout).toContain(`<name>${name}</name>`);

    const png = path.join(tmp, 'screen.png');
    r = await runCli(['screenshot', name, png], { env });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(png).subarray(1, 4).toString('latin1')).toBe('PNG');

    // Interactive console: wait for the shell, run a command, leave with Ctrl+].
    r = await runCli(['console', name, '--force'], {
      env,
      timeoutMs: 90_000,
      stdin: (write, output, end) => {
        void (async () => {
          // The guest may have booted before we attached: ask for a fresh prompt.
          await new Promise((res) => setTimeout(res, 1000));
          write('\n');
          await waitFor('the guest shell', () => output().includes('/ #'), 60_000).catch(() => undefined);
          write('echo $((6*7))\n');
          await waitFor('42', () => /\r?\n42\r?\n/.test(output()), 20_000).catch(() => undefined);
          write('\x1d');
          end();
        })();
      },
    });
    expect(r.stderr).toContain('Press Ctrl+] to exit');
    expect(r.stdout).toMatch(/\r?\n42\r?\n/);
    expect(r.code).toBe(0);

    r = await runCli(['destroy', name], { env });
    expect(r.code).toBe(0);
    expect((await admin.api.domainState({ name })).state).toBe('shutoff');
  });

  it('gives one clear line and a non-zero exit for errors', async () => {
    let r = await runCli(['start', 'vdtest-no-such-vm'], { env });
    expect(r.code).toBe(3); // not found
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("find domain 'vdtest-no-such-vm'");

    r = await runCli(['frobnicate'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");

    r = await runCli(['list', '--connect', 'qemu+unix:///system?socket=/nonexistent/sock'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('qemu+unix:///system?socket=/nonexistent/sock');

    r = await runCli(['start'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'start' needs a VM name");
  });
});

describe('CLI create and delete on qemu:///system', () => {
  const prefix = uniqueName('vdtest-clicreate');
  const POOL = prefix;
  const POOL_DIR = path.join('/var/lib/libvirt/images', prefix);
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-clicreate-'));
  const env = { XDG_CONFIG_HOME: tmp };
  const kernelArgs = (): string[] => {
    const f = tinyGuestFiles();
    return ['--memory', '256', '--vcpus', '1', '--kernel', f.kernel, '--initrd', f.initrd, '--cmdline', 'console=ttyS0'];
  };
  const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';
  const state = async () => ({
    domains: (await admin.api.listDomains()).map((d) => d.name).filter((n) => n.startsWith(prefix)).sort(),
    volumes: (await admin.api.listVolumes(POOL)).map((v) => v.name).sort(),
  });

  beforeAll(async () => {
    tinyGuestFiles();
    await admin.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
  }, 180_000);
  afterAll(async () => {
    await removeDomainsWithPrefix(admin, prefix);
    await removeTestPool(admin, POOL, POOL_DIR);
    await admin.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it('creates a VM by direct kernel boot with a new 1 GiB disk and starts it; delete keeps the disk', { timeout: 180_000 }, async () => {
    const name = `${prefix}-k1`;
    let r = await runCli(['create', name, ...kernelArgs(), '--disk', `${POOL}:1`, '--start'], { env, timeoutMs: 120_000 });
    expect(r.stderr).toContain('creating the disk volume');
    expect(r.stderr).toContain('starting the VM');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Created VM '${name}' \\([0-9a-f-]{36}\\) with a new disk ${POOL}/${name}\\.qcow2; started\\.`));

    r = await runCli(['list', '--json'], { env });
    expect(JSON.parse(r.stdout).find((v: { name: string }) => v.name === name)?.state).toBe('running');
    const vol = await admin.api.volumeInfo(POOL, `${name}.qcow2`);
    expect(vol.capacity).toBe(2 ** 30);

    // By default delete keeps every disk, and says so.
    r = await runCli(['delete', name], { env, timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`VM '${name}'`);
    expect(r.stdout).toContain('it is forced off first');
    expect(r.stdout).toMatch(new RegExp(`keep +vda +${vol.path.replace(/[.]/g, '\\.')} .*deletable with --disk PATH or --all-disks`));
    expect(r.stdout).toContain('0 disks deleted, 1 kept');
    expect((await state()).domains).not.toContain(name);
    expect((await admin.api.volumeInfo(POOL, `${name}.qcow2`)).path).toBe(vol.path);
  });

  it('refuses bad input with one line, creating nothing', { timeout: 120_000 }, async () => {
    const before = await state();
    let r = await runCli(['create', `${prefix}-a<b`, ...kernelArgs(), '--disk', `${POOL}:1`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/name.*must not contain "<"/);

    r = await runCli(['create', `${prefix}-two`, '--memory', '256', '--iso', '/tmp/a.iso', '--kernel', tinyGuestFiles().kernel], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give one source, not --iso and --kernel');

    r = await runCli(['create', `${prefix}-mem`, '--memory', 'abc'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--memory must be a number');

    r = await runCli(['create', `${prefix}-iso`, '--memory', '256', '--iso', path.join(tmp, 'missing.iso'), '--disk', `${POOL}:1`], { env });
    expect(r.code).toBe(1);
    // Progress lines come first on stderr; the error is the one last line.
    expect(lastLine(r.stderr)).toMatch(/^virtdesk: spec\.source\.path: ISO image '.*missing\.iso' does not exist$/);

    r = await runCli(['create', `${prefix}-url`, '--memory', '256', '--location', 'http://127.0.0.1:9/debian/'], { env });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(/^virtdesk: start: a network install .*create it with start$/);

    expect(await state()).toEqual(before);
  });

  it('delete --all-disks deletes the VM and its new disk', { timeout: 120_000 }, async () => {
    const name = `${prefix}-k2`;
    let r = await runCli(['create', name, ...kernelArgs(), '--disk', `${POOL}:1:raw`, '--json'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const created = JSON.parse(r.stdout);
    expect(created).toMatchObject({ vm: { name }, started: false, createdVolume: { pool: POOL, name: `${name}.img` } });
    expect((await state()).volumes).toContain(`${name}.img`);

    r = await runCli(['delete', name, '--all-disks', '--json'], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ plan: { vm: { name } }, deletedDisks: [created.createdVolume.path], failedDisks: [] });
    const after = await state();
    expect(after.domains).not.toContain(name);
    expect(after.volumes).not.toContain(`${name}.img`);
  });
});
