// The CLI's edit words against the real qemu:///system daemon, on a shut-off tiny guest (the
// changes go to its definition): edit, attach-disk, change-media.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomain, type DiskDevice } from '../../src-main/domain';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { runCli } from '../support/cli';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdt-edit-cli');
const NAME = `${ID}-vm`;
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-edit-cli-'));
const env = { XDG_CONFIG_HOME: tmp };
const cli = (...args: string[]) => runCli([...args, '--connect', SYSTEM_URI], { env });
const config = async () => parseDomain(await admin.api.domainXml({ name: NAME }, { inactive: true }));

beforeAll(async () => {
  const d = parseDomain(tinyGuestXml(NAME));
  d.addDevice("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>");
  await admin.api.defineDomain(d.toXml());
});

afterAll(async () => {
  await removeDomainsWithPrefix(admin, ID);
  await admin.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('CLI edit words', () => {
  it('edit changes memory, vCPUs and title of a shut-off VM', async () => {
    const r = await cli('edit', NAME, '--max-memory', '320M', '--memory', '300M', '--vcpus', '2', '--max-vcpus', '2', '--title', 'From the CLI', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = await config();
    expect([d.memoryKiB, d.currentMemoryKiB, d.vcpus, d.maxVcpus, d.title]).toEqual([320 * 1024, 300 * 1024, 2, 2, 'From the CLI']);
    const bad = await cli('edit', NAME, '--memory', '4G');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/more than the maximum memory .*raise maxMemoryMiB/);
    expect((await config()).currentMemoryKiB).toBe(300 * 1024);
  });

  it('attach-disk adds a disk to the definition and refuses a second source', async () => {
    const img = path.join(tmp, 'extra.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', img, '16M']);
    const r = await cli('attach-disk', NAME, '--path', img, '--bus', 'sata');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/as sda in its definition/);
    const disk = (await config()).device('disk:sda') as DiskDevice;
    expect([disk.source, disk.bus, disk.format]).toEqual([img, 'sata', 'qcow2']);
    const usage = await cli('attach-disk', NAME, '--path', img, '--volume', 'default/x');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/exactly one of --volume/);
  });

  it('change-media inserts and ejects a CD-ROM medium', async () => {
    const iso = path.join(tmp, 'media.iso');
    fs.writeFileSync(iso, Buffer.alloc(64 * 1024));
    expect((await cli('change-media', NAME, 'hdc', iso)).code).toBe(0);
    expect(((await config()).device('disk:hdc') as DiskDevice).source).toBe(iso);
    expect((await cli('change-media', NAME, 'hdc', '--eject')).code).toBe(0);
    expect(((await config()).device('disk:hdc') as DiskDevice).source).toBeUndefined();
  });
});
