// Long CLI work as a user sees it: progress on stderr when piped is plain lines without control
// characters, and Ctrl+C during a full clone cancels it through the core — exit code 130, one
// error line saying what was removed, and no volume or VM left behind (checked through libvirt).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/api/core';
import { ApiError } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestFiles, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ROOT = path.join(__dirname, '../..');
const BIN = path.join(ROOT, 'out/cli/virtdesk.js');
const prefix = uniqueName('vdt-cli');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-cli-progress-'));
const pool = `${prefix}-pool`;
const poolDir = path.join(tmp, 'pool');
const small = `${prefix}-small`;
const big = `${prefix}-big`;
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
// Control characters other than newline: colours, cursor movement, carriage returns.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: tmp, VIRTDESK_NO_AGENT: '1' };
  delete e.VIRTDESK_DEFAULT_URI;
  delete e.LIBVIRT_DEFAULT_URI;
  return e;
};

/** A raw image of `mib` MiB that is all data (a copy of zeros would be sparse and instant). */
function dataImage(file: string, mib: number): void {
  const chunk = Buffer.alloc(2 ** 20, 'virtdesk-cli-progress-test-data ');
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < mib; i++) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

const volumeNames = (): string[] =>
  execFileSync('virsh', ['-c', SYSTEM_URI, 'vol-list', pool], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  fs.mkdirSync(poolDir);
  dataImage(path.join(poolDir, 'small.raw'), 48);
  // Big enough that copying it takes seconds (≈ 0.4 GiB/s here), so Ctrl+C lands in the middle.
  dataImage(path.join(poolDir, 'big.raw'), 1536);
  await admin.api.definePool(`<pool type='dir'><name>${pool}</name><target><path>${poolDir}</path></target></pool>`, { build: true, start: true });
  await admin.api.defineDomain(tinyGuestXml(small, { disk: path.join(poolDir, 'small.raw') }));
  await admin.api.defineDomain(tinyGuestXml(big, { disk: path.join(poolDir, 'big.raw') }));
}, 240_000);

afterAll(async () => {
  await removeDomainsWithPrefix(admin, prefix);
  await removeTestPool(admin, pool, poolDir);
  await admin.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}, 120_000);

describe('progress of a full clone, piped', () => {
  it('is plain lines on stderr with no control characters', { timeout: 180_000 }, () => {
    const r = spawnSync(process.execPath, [BIN, 'clone', small, `${small}-copy`, '--connect', SYSTEM_URI], { cwd: tmp, env: env(), encoding: 'utf8', timeout: 170_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Cloned '${small}' to '${small}-copy': full clone \\(1 disk copied\\)`));
    expect(r.stderr).toMatch(new RegExp(`^copying the disks of '${small}' 100% \\(48\\.0/48\\.0 MiB\\)$`, 'm'));
    expect(CONTROL.test(r.stderr)).toBe(false);
    expect(CONTROL.test(r.stdout)).toBe(false);
  });
});

describe('Ctrl+C during a full clone', () => {
  it('cancels it through the core: exit 130, one error line, no volume or VM left behind', { timeout: 240_000 }, async () => {
    const before = volumeNames();
    const clone = `${big}-copy`;
    // Its own process group, signalled as a whole as a terminal does: the host process gets SIGINT too.
    const child = spawn(process.execPath, [BIN, 'clone', big, clone, '--connect', SYSTEM_URI], { cwd: tmp, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The copy is under way once the first progress line is out.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress line; stderr: ${stderr}`)), 150_000);
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/copying the disks of/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(volumeNames()).toContain(`${clone}-vda.qcow2`);
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    const errors = stderr.split('\n').filter((l) => l.startsWith('virtdesk:'));
    expect(code, stderr).toBe(130);
    expect(stdout).toBe('');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^virtdesk: cloning '${big}' to '${clone}' was cancelled after step 'copy disk vda to '${clone}-vda.qcow2''\\. Rolled back: removed what was created\\.$`));
    expect(volumeNames().sort()).toEqual(before.sort());
    expect(fs.existsSync(path.join(poolDir, `${clone}-vda.qcow2`))).toBe(false);
    expect((await admin.api.listDomains()).map((d) => d.name)).not.toContain(clone);
  });
});

describe('vm.cancel during vm.create', () => {
  it('stops before the next step and removes the volume it made; an unknown id cancels nothing', { timeout: 120_000 }, async () => {
    const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: tmp, namedConnection: SYSTEM_URI });
    const name = `${prefix}-created`;
    const progressId = `vdt-cli-${process.pid}`;
    try {
      expect(await core.call('vm.cancel', { progressId: 'vdt-cli-nothing-runs' })).toEqual({ cancelled: false });
      const before = volumeNames();
      // Cancelled while the disk volume is being made: the create goes on to 'define' and stops there.
      core.onEvent((e) => {
        if (e.type === 'vm.createProgress' && e.progressId === progressId && e.step === 'volume') void core.call('vm.cancel', { progressId });
      });
      const { kernel, initrd } = tinyGuestFiles();
      const err = await core
        .call('vm.create', {
          connection: SYSTEM_URI,
          spec: { name, memoryMiB: 256, vcpus: 1, source: { kind: 'kernel', kernel, initrd }, storage: { kind: 'new', pool, sizeGiB: 0.1 }, network: { kind: 'none' }, domainType: 'qemu' },
          progressId,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('CANCELLED');
      expect((err as ApiError).message).toMatch(new RegExp(`^creating VM '${name}' was cancelled before step 'define the VM'\\. Rolled back: deleted the volume '${name}[^']*'\\.$`));
      expect(volumeNames().sort()).toEqual(before.sort());
      expect((await admin.api.listDomains()).map((d) => d.name)).not.toContain(name);
    } finally {
      await core.close();
    }
  });
});
