// Labs placed on a chosen host, with REAL daemons: qemu:///system (host 1) and the second host
// (test/support/second-host.ts, over qemu+tcp on 127.0.0.2). A lab file with `host:` naming host 2
// is brought up on host 2 (not host 1) and taken down there; a `host:` that is not an added
// connection, or that differs from the connection the call names, is refused on the `host:` line
// before anything is created on either host.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { startSecondHost, type SecondHost } from '../support/second-host';
import { SYSTEM_URI, tinyGuestFiles, uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdt-labh2'); // also the lab name (≤ 24 characters)
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const BASE = path.join(POOL_DIR, 'base.qcow2');
const NOT_ADDED = 'qemu+tcp://127.0.0.3:16599/system';

const host1 = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let host2: LibvirtHostClient;
let second: SecondHost;
let H2: string;
let core: Core;
let settingsDir: string;
let fileDir: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const ours = async (c: LibvirtHostClient) => (await c.api.listDomains()).filter((d) => d.name.startsWith(ID)).map((d) => ({ name: d.name, state: d.state }));
const poolVolumes = async () => (await host2.api.listVolumes(POOL)).map((v) => v.name).sort();

function labFile(name: string, host: string | null): string {
  const f = tinyGuestFiles();
  const file = path.join(fileDir, `${name}.lab.yaml`);
  fs.writeFileSync(
    file,
    [
      `name: ${ID}`,
      ...(host ? [`host: ${host}`] : []),
      `base: { image: ${BASE} }`,
      'machines:',
      '  - name: node',
      '    memoryMiB: 128',
      '    vcpus: 1',
      `    boot: { kernel: ${f.kernel}, initrd: ${f.initrd}, cmdline: console=ttyS0 quiet }`,
      'network: none',
    ].join('\n'),
  );
  return file;
}

beforeAll(async () => {
  tinyGuestFiles();
  second = await startSecondHost();
  H2 = second.tcpUri;
  host2 = new LibvirtHostClient(H2, nodeHostSpawner);
  await Promise.all([host1.connect(), host2.connect()]);
  // On a remote host a lab's base must be a volume of a pool there (its size is read through libvirt).
  await host2.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', BASE, '64M']);
  await host2.api.refreshPool(POOL);
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-labh2-settings-'));
  fileDir = path.join('/var/lib/libvirt/images', `${ID}-files`); // a folder the app may read lab files from
  fs.mkdirSync(fileDir);
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await call('connections.add', { uri: H2 });
}, 180_000);

afterAll(async () => {
  for (const c of [host1, host2]) if (c) await removeDomainsWithPrefix(c, ID);
  if (host2) await removeTestPool(host2, POOL, POOL_DIR);
  await core?.close();
  await Promise.all([host1.close(), host2?.close()]);
  await second?.stop();
  for (const d of [settingsDir, fileDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
}, 120_000);

describe('a lab placed on a chosen host (host: in the lab file)', () => {
  it('comes up on host 2, not host 1, and lab down removes it there', async () => {
    const file = labFile('on-host2', H2);
    const v = await call('lab.validate', { file });
    expect(v).toMatchObject({ ok: true, lab: { name: ID, host: H2 } });

    const up = await call('lab.up', { file });
    expect(up.connection).toBe(H2);
    expect(up.created).toEqual([`${ID}-node`]);
    expect(await ours(host2)).toEqual([{ name: `${ID}-node`, state: 'running' }]);
    expect(await ours(host1)).toEqual([]);
    expect((await call('lab.list', { connection: H2 })).map((l) => l.name)).toContain(ID);
    expect((await call('lab.list', { connection: SYSTEM_URI })).map((l) => l.name)).not.toContain(ID);
    const withOverlay = await poolVolumes();
    expect(withOverlay.length).toBeGreaterThan(1);

    const down = await call('lab.down', { file });
    expect(down).toMatchObject({ lab: ID, removedVms: [`${ID}-node`], problems: [] });
    expect(await ours(host2)).toEqual([]);
    expect(await poolVolumes()).toEqual(['base.qcow2']);
  }, 240_000);

  it('refuses a host that is not an added connection, on the host: line, and creates nothing on either host', async () => {
    const e = await failure(call('lab.up', { file: labFile('not-added', NOT_ADDED) }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.field).toBe('file');
    expect(e.message).toMatch(new RegExp(`^not-added\\.lab\\.yaml:2: host: cannot place the lab on ${NOT_ADDED.replace(/[.+]/g, '\\$&')}: .*not added: add it first`));
    const v = await call('lab.validate', { file: labFile('not-added', NOT_ADDED) });
    expect(v.ok).toBe(false);
    expect(v.errors[0]).toMatchObject({ line: 2, path: 'host' });

    const bad = await failure(call('lab.up', { file: labFile('bad-uri', 'ftp://example.org/x') }));
    expect(bad.message).toMatch(/^bad-uri\.lab\.yaml:2: host: is not a connection Virtdesk opens: unknown libvirt driver 'ftp'/);

    expect(await ours(host1)).toEqual([]);
    expect(await ours(host2)).toEqual([]);
    expect(await poolVolumes()).toEqual(['base.qcow2']);
  }, 120_000);

  it('refuses a call on another connection than host: says, naming both; nothing is created', async () => {
    const e = await failure(call('lab.up', { connection: SYSTEM_URI, file: labFile('mismatch', H2) }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain(`mismatch.lab.yaml:2: host: places the lab on ${H2}, but it was asked for on ${SYSTEM_URI}`);
    // Naming the same host as host: is fine (validation only here).
    expect((await call('lab.validate', { connection: H2, file: labFile('same', H2) })).ok).toBe(true);
    expect(await ours(host1)).toEqual([]);
    expect(await ours(host2)).toEqual([]);
  }, 120_000);
});
