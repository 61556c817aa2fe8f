// The Labs page's host chooser in Debian's Chromium (browser mode) with REAL daemons: it lists
// the connected hosts (qemu:///system and the second host over qemu+tcp); a lab written in the
// editor and brought up with host 2 chosen is created on host 2, not host 1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import type { RunningServer } from '../../src-main/server/server';
import { saveScreenshot } from '../support/browser';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { startSecondHost, type SecondHost } from '../support/second-host';
import { SYSTEM_URI, tinyGuestFiles, uniqueName } from '../support/tiny-guest';
import { openUiOnCore } from '../support/ui-on-core';

const ID = uniqueName('vdt-labh2'); // also the lab's name
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const BASE = path.join(POOL_DIR, 'base.qcow2');
const host1 = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let host2: LibvirtHostClient;
let second: SecondHost;
let core: Core;
let server: RunningServer;
let settingsDir: string;
let browser: Browser;
let page: Page;
const ours = async (c: LibvirtHostClient) => (await c.api.listDomains()).filter((d) => d.name.startsWith(ID)).map((d) => d.name);

beforeAll(async () => {
  tinyGuestFiles();
  second = await startSecondHost();
  host2 = new LibvirtHostClient(second.tcpUri, nodeHostSpawner);
  await Promise.all([host1.connect(), host2.connect()]);
  await host2.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', BASE, '64M']);
  await host2.api.refreshPool(POOL);
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-labh2-ui-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir, autoConnect: true });
  await core.call('connections.add', { uri: second.tcpUri });
  ({ server, browser, page } = await openUiOnCore(core));
  await page.locator(`[data-testid="connection"][data-uri="${second.tcpUri}"][data-state="connected"]`).waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await core?.close();
  for (const c of [host1, host2]) if (c) await removeDomainsWithPrefix(c, ID);
  if (host2) await removeTestPool(host2, POOL, POOL_DIR);
  await Promise.all([host1.close(), host2?.close()]);
  await second?.stop();
  if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
}, 120_000);

describe('Labs page: host chooser', () => {
  it('lists the connected hosts and brings the lab up on the chosen one (host 2)', { timeout: 240_000 }, async () => {
    const f = tinyGuestFiles();
    await page.locator(`[data-testid="connection"][data-uri="${SYSTEM_URI}"] button`).first().click();
    await page.getByTestId('nav-labs').click();
    await page.getByTestId('labs-page').waitFor();
    const chooser = page.getByTestId('lab-host');
    expect(await chooser.inputValue()).toBe(SYSTEM_URI);
    expect(await chooser.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([SYSTEM_URI, second.tcpUri]);

    await page.getByTestId('lab-source-text').check();
    await page.getByTestId('lab-text').fill(
      [`name: ${ID}`, `base: { image: ${BASE} }`, 'machines:', '  - name: node', '    memoryMiB: 128', '    vcpus: 1', `    boot: { kernel: ${f.kernel}, initrd: ${f.initrd}, cmdline: console=ttyS0 quiet }`, 'network: none', ''].join('\n'),
    );
    await chooser.selectOption(second.tcpUri);
    await page.getByTestId('lab-up').click();
    const done = page.getByTestId('lab-up-result');
    await done.waitFor({ timeout: 180_000 });
    expect(await done.getByTestId('lab-up-host').innerText()).toContain(second.tcpUri);
    await saveScreenshot(page, 'lab-host-chooser');
    expect(await ours(host2)).toEqual([`${ID}-node`]);
    expect(await ours(host1)).toEqual([]);

    await core.call('lab.down', { connection: second.tcpUri, name: ID });
    expect(await ours(host2)).toEqual([]);
  });
});
