// The CLI's words for changing an existing NIC or disk (edit-nic, edit-disk, resize-disk) against
// the real qemu:///system daemon, on a shut-off tiny guest whose disk is a volume of a test pool:
// each change is read back from libvirt, and each bad input leaves the definition (and the image)
// exactly as it was.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomain, type DiskDevice, type InterfaceDevice } from '../../src-main/domain';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { runCli } from '../support/cli';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdt-clied');
const NAME = `${ID}-vm`;
const POOL = `${ID}-pool`;
const NETWORK = `${ID}-net`;
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-clied-'));
const poolDir = path.join(tmp, 'pool');
const image = path.join(poolDir, 'data.qcow2');
const env = { XDG_CONFIG_HOME: tmp };
const MiB = 2 ** 20;
const cli = (...args: string[]) => runCli([...args, '--connect', SYSTEM_URI], { env, timeoutMs: 90_000 });
const configXml = () => admin.api.domainXml({ name: NAME }, { inactive: true });
const config = async () => parseDomain(await configXml());
const capacity = async () => (await admin.api.volumeInfo(POOL, 'data.qcow2')).capacity;
let mac = '';

/** Runs a bad command; it must fail with `code` and a one-line message matching `message`, the definition unchanged. */
async function refused(args: string[], code: number, message: RegExp): Promise<void> {
  const before = await configXml();
  const r = await cli(...args);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stdout).toBe('');
  expect(await configXml()).toBe(before);
}

beforeAll(async () => {
  fs.mkdirSync(poolDir);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
  await admin.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${poolDir}</path></target></pool>`, { build: true, start: true });
  await admin.api.defineNetwork(`<network><name>${NETWORK}</name><ip address='10.213.91.1' netmask='255.255.255.0'/></network>`);
  await admin.api.defineDomain(tinyGuestXml(NAME, { disk: image }));
  mac = ((await config()).devicesOf('interface')[0] as InterfaceDevice).mac!;
}, 120_000);

afterAll(async () => {
  await removeDomainsWithPrefix(admin, ID);
  await removeTestPool(admin, POOL, poolDir);
  await admin.api.undefineNetwork(NETWORK).catch(() => undefined);
  await admin.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('virtdesk edit-nic', () => {
  it('moves the interface to a virtual network with another model; --json says where it applied', async () => {
    const r = await cli('edit-nic', NAME, mac.toUpperCase(), '--source', NETWORK, '--model', 'e1000e', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: 'config', pendingUntilShutdown: false, mac });
    const nic = (await config()).device(`interface:${mac}`) as InterfaceDevice;
    expect([nic.type, nic.sourceNetwork, nic.model]).toEqual(['network', NETWORK, 'e1000e']);
  });

  it('gives the interface a new MAC, and says so in plain text', async () => {
    const next = '52:54:00:91:00:01';
    const r = await cli('edit-nic', NAME, mac, '--mac', next);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Changed network interface ${next} of '${NAME}' in its definition\\.`));
    const d = await config();
    expect(d.device(`interface:${mac}`)).toBeUndefined();
    expect((d.device(`interface:${next}`) as InterfaceDevice).sourceNetwork).toBe(NETWORK);
    mac = next;
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    await refused(['edit-nic', NAME, mac, '--source', `${ID}-missing`], 3, /no virtual network named 'vdt-clied-.*-missing'/);
    await refused(['edit-nic', NAME, '52:54:00:91:99:99', '--model', 'e1000'], 3, /has no network interface with MAC 52:54:00:91:99:99/);
    await refused(['edit-nic', NAME, mac, '--source', NETWORK, '--bridge', 'br0'], 2, /one new source: --source NETWORK, --bridge BRIDGE or --user/);
    await refused(['edit-nic', NAME, mac], 2, /'edit-nic' needs something to change/);
    await refused(['edit-nic', NAME, mac, '--model', 'ne2000'], 1, /model must be virtio, e1000e, e1000 or rtl8139/);
    await refused(['edit-nic', NAME, mac, '--model', 'virtio', '--both'], 1, /not running/);
    await refused(['edit-nic', NAME, mac, '--model', 'virtio', '--both', '--live'], 2, /only one of --live, --config or --both/);
  });
});

describe('virtdesk resize-disk', () => {
  it('grows the pool volume behind a shut-off VM\'s disk', async () => {
    const r = await cli('resize-disk', NAME, 'vda', '96M', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ applied: 'config', pendingUntilShutdown: false, capacityBytes: 96 * MiB });
    expect(await capacity()).toBe(96 * MiB);
    const text = await cli('resize-disk', NAME, 'vda', '0.125G');
    expect(text.stdout.trim()).toBe(`Grew disk vda of '${NAME}' to 128 MiB.`);
    expect(await capacity()).toBe(128 * MiB);
  });

  it('never shrinks: a smaller or equal size, or a size without meaning, leaves the image as it was', async () => {
    await refused(['resize-disk', NAME, 'vda', '32M'], 1, /vda has 128 MiB; 32 MiB would shrink it .*give a size above 128 MiB/);
    await refused(['resize-disk', NAME, 'vda', '128M'], 1, /already has 128 MiB/);
    await refused(['resize-disk', NAME, 'vda', '20Q'], 2, /SIZE must be a size such as 20G, 512M or 1T \(got '20Q'\)/);
    await refused(['resize-disk', NAME, 'vda'], 2, /usage: resize-disk NAME TARGET SIZE/);
    await refused(['resize-disk', NAME, 'vdz', '1G'], 3, /has no disk vdz/);
    expect(await capacity()).toBe(128 * MiB);
  });
});

describe('virtdesk edit-disk', () => {
  it('sets cache, discard and serial; a new bus renames the disk', async () => {
    let r = await cli('edit-disk', NAME, 'vda', '--cache', 'writeback', '--discard', 'unmap', '--serial', 'DATA01');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Changed disk vda of '${NAME}' in its definition\\.`));
    let disk = (await config()).device('disk:vda') as DiskDevice;
    expect([disk.cache, disk.discard, disk.serial]).toEqual(['writeback', 'unmap', 'DATA01']);
    r = await cli('edit-disk', NAME, 'vda', '--bus', 'sata', '--serial', '', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: 'config', target: 'sda' });
    disk = (await config()).device('disk:sda') as DiskDevice;
    expect([disk.bus, disk.serial, disk.source]).toEqual(['sata', undefined, image]);
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    await refused(['edit-disk', NAME, 'sda', '--readonly', 'maybe'], 2, /--readonly must be on or off \(got 'maybe'\)/);
    await refused(['edit-disk', NAME, 'sda', '--cache', 'fast'], 1, /cache must be default, none, writethrough/);
    await refused(['edit-disk', NAME, 'sda', '--serial', 'bad serial<'], 1, /serial must be 1–20 letters/);
    await refused(['edit-disk', NAME, 'sda', '--shareable', 'on'], 1, /only raw images can be shared/);
    await refused(['edit-disk', NAME, 'sdq', '--cache', 'none'], 3, /has no disk sdq/);
    await refused(['edit-disk', NAME, 'sda'], 2, /'edit-disk' needs something to change/);
  });
});

describe('on a running VM', () => {
  const RUN = `${ID}-run`;
  const runImage = path.join(poolDir, 'run.qcow2');
  const xmlOf = async (inactive: boolean) => admin.api.domainXml({ name: RUN }, { inactive });
  let runMac = '';

  beforeAll(async () => {
    fs.chmodSync(tmp, 0o755); // QEMU's user opens the image
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', runImage, '32M']);
    await admin.api.refreshPool(POOL);
    await admin.api.defineDomain(tinyGuestXml(RUN, { disk: runImage }));
    await admin.api.startDomain({ name: RUN });
    runMac = (parseDomain(await xmlOf(false)).devicesOf('interface')[0] as InterfaceDevice).mac!;
  }, 120_000);

  it('edit-nic: --live is refused for a change libvirt cannot make live; without it the change waits for the shutdown', async () => {
    const live = await xmlOf(false);
    const before = await xmlOf(true);
    const refusedLive = await cli('edit-nic', RUN, runMac, '--model', 'e1000', '--live');
    expect(refusedLive.code).toBe(1);
    expect(refusedLive.stderr).toMatch(/^virtdesk: .*live.*\n$/);
    expect([await xmlOf(false), await xmlOf(true)]).toEqual([live, before]);
    const r = await cli('edit-nic', RUN, runMac, '--model', 'e1000');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in its definition: takes effect after the VM is shut down and started again/);
    expect((parseDomain(await xmlOf(false)).device(`interface:${runMac}`) as InterfaceDevice).model).toBe('virtio');
    expect((parseDomain(await xmlOf(true)).device(`interface:${runMac}`) as InterfaceDevice).model).toBe('e1000');
  });

  it('resize-disk grows the disk of the running VM live, and refuses to shrink it', async () => {
    const r = await cli('resize-disk', RUN, 'vda', '48M', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ applied: 'both', pendingUntilShutdown: false, capacityBytes: 48 * MiB });
    const size = () => JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', runImage], { encoding: 'utf8' }))['virtual-size'];
    expect(size()).toBe(48 * MiB);
    const shrink = await cli('resize-disk', RUN, 'vda', '16M');
    expect(shrink.code).toBe(1);
    expect(shrink.stderr).toMatch(/vda has 48 MiB; 16 MiB would shrink it/);
    expect(size()).toBe(48 * MiB);
  });
});

describe('help for the device words', () => {
  it.each(['edit-nic', 'edit-disk', 'resize-disk'])('%s --help shows the usage and examples', async (command) => {
    const r = await runCli([command, '--help'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: virtdesk ${command} NAME`);
    expect(r.stdout).toMatch(new RegExp(`Examples:\\n  virtdesk ${command} web`));
  });
});
