// The CLI against the real qemu:///system daemon and the tiny TCG guest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { runCli } from '../support/cli';
import { waitFor } from '../support/host-events';

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
    expect(r.code).toBe(1);
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
