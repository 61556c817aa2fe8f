// network.defineXml and pool.defineXml against the REAL qemu:///system daemon: a malformed
// document, one libvirt's schema refuses and a rename are refused with a clear message and the
// definition stays as it was (read back from libvirt); a valid change is applied.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { MethodInput, MethodName, MethodResult } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { failure } from '../support/api-failure';
import { SYSTEM_URI, uniqueName } from '../support/tiny-guest';
import { removeTestPool } from '../support/cleanup';

const ID = uniqueName('vdt-xml');
const NET = `${ID}-net`;
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const connection = SYSTEM_URI;

const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let core: Core;
let settingsDir: string;

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  return (await core.call(method, input)) as MethodResult<M>;
}
const netXml = () => client.api.networkXml(NET, { inactive: true });
const poolXml = () => client.api.poolXml(POOL, { inactive: true });

beforeAll(async () => {
  settingsDir = fs.mkdtempSync('/tmp/vdt-xml-settings-');
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  await client.connect();
  const used = (await call('network.list', { connection })).map((n) => n.ipv4?.address.split('.').slice(0, 3).join('.'));
  const third = [...Array(200).keys()].map((k) => 20 + k).find((k) => !used.includes(`10.231.${k}`))!;
  await call('network.create', {
    connection, name: NET, mode: 'isolated', start: false, autostart: false,
    ipv4: { address: `10.231.${third}.1`, prefix: 24, dhcpStart: `10.231.${third}.100`, dhcpEnd: `10.231.${third}.200` },
  });
  await call('pool.define', { connection, name: POOL, path: POOL_DIR, start: false, autostart: false });
}, 120_000);

afterAll(async () => {
  await client.api.stopNetwork(NET).catch(() => undefined);
  await client.api.undefineNetwork(NET).catch(() => undefined);
  await removeTestPool(client, POOL, POOL_DIR);
  await core?.close();
  await client.close();
  fs.rmSync(settingsDir, { recursive: true, force: true });
});

describe('network.defineXml (real daemon)', () => {
  it('network.xml returns the definition libvirt has', async () => {
    expect(await call('network.xml', { connection, name: NET, inactive: true })).toBe(await netXml());
  });

  it('refuses a malformed document naming the line; nothing changes', async () => {
    const before = await netXml();
    const broken = before.replace('</name>', '</nam>');
    const e = await failure(call('network.defineXml', { connection, name: NET, xml: broken }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/not well-formed at line \d+/);
    expect(await netXml()).toBe(before);
  });

  it("shows libvirt's message when its schema refuses the document; nothing changes", async () => {
    const before = await netXml();
    const bad = before.replace('</network>', "  <forward mode='bogus-mode'/>\n</network>");
    const e = await failure(call('network.defineXml', { connection, name: NET, xml: bad }));
    expect(e.code).toBe('LIBVIRT');
    expect(e.message).toContain(`libvirt refused the XML of virtual network '${NET}'`);
    expect(e.message).toMatch(/schema|validate/i);
    expect(await netXml()).toBe(before);
  });

  it('refuses a rename; nothing changes and no second network appears', async () => {
    const before = await netXml();
    const e = await failure(call('network.defineXml', { connection, name: NET, xml: before.replace(`<name>${NET}</name>`, `<name>${NET}-renamed</name>`) }));
    expect(e.message).toContain(`The <name> must stay '${NET}'`);
    expect(await netXml()).toBe(before);
    expect((await client.api.listNetworks()).some((n) => n.name === `${NET}-renamed`)).toBe(false);
  });

  it('applies a valid change', async () => {
    const before = await netXml();
    const changed = before.replace(/(<range start='[^']+' end=')([\d.]+)\.200'/, "$1$2.150'");
    expect(changed).not.toBe(before);
    await call('network.defineXml', { connection, name: NET, xml: changed });
    expect(await netXml()).toMatch(/<range start='[\d.]+' end='[\d.]+\.150'/);
  });
});

describe('pool.defineXml (real daemon)', () => {
  it('refuses a malformed document; nothing changes', async () => {
    const before = await poolXml();
    const e = await failure(call('pool.defineXml', { connection, name: POOL, xml: before.replace('<target>', '<target') }));
    expect(e.message).toMatch(/storage pool XML is not well-formed/);
    expect(await poolXml()).toBe(before);
  });

  it("shows libvirt's message when its schema refuses the document; nothing changes", async () => {
    const before = await poolXml();
    const e = await failure(call('pool.defineXml', { connection, name: POOL, xml: before.replace('</pool>', '<bogus-element/></pool>') }));
    expect(e.code).toBe('LIBVIRT');
    expect(e.message).toContain(`libvirt refused the XML of storage pool '${POOL}'`);
    expect(await poolXml()).toBe(before);
  });

  it('refuses a changed uuid; nothing changes', async () => {
    const before = await poolXml();
    const e = await failure(call('pool.defineXml', { connection, name: POOL, xml: before.replace(/<uuid>[^<]+<\/uuid>/, '<uuid>00000000-0000-4000-8000-000000000001</uuid>') }));
    expect(e.message).toContain('The <uuid> must stay');
    expect(await poolXml()).toBe(before);
  });

  it('applies a valid change', async () => {
    const before = await poolXml();
    const changed = /<mode>/.test(before) ? before.replace(/<mode>\d+<\/mode>/, '<mode>0750</mode>') : before.replace('</path>', '</path>\n    <permissions>\n      <mode>0750</mode>\n    </permissions>');
    await call('pool.defineXml', { connection, name: POOL, xml: changed });
    expect(await poolXml()).toContain('<mode>0750</mode>');
  });
});
