// The Labs page's host chooser in Debian's Chromium (browser mode) with REAL daemons: it lists
// the connected hosts (qemu:///system and the second host over qemu+tcp); a lab written in the
// editor and brought up with host 2 chosen is created on host 2, not host 1.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/api/core';
import type { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { saveScreenshot } from '../support/browser';
import { removeTestPool } from '../support/cleanup';
import type { SecondHost } from '../support/second-host';
import { SYSTEM_URI, tinyGuestFiles, uniqueName } from '../support/tiny-guest';
import { TwoHostUi } from '../support/two-host-ui';

const ID = uniqueName('vdt-labh2'); // also the lab's name
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const BASE = path.join(POOL_DIR, 'base.qcow2');
const ui = new TwoHostUi(ID);
const { host1 } = ui;
let host2: LibvirtHostClient;
let second: SecondHost;
let core: Core;
let page: Page;
const ours = async (c: LibvirtHostClient) => (await c.api.listDomains()).filter((d) => d.name.startsWith(ID)).map((d) => d.name);

beforeAll(async () => {
  tinyGuestFiles();
  ({ second, host2 } = await ui.connectHosts());
  await host2.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', BASE, '64M']);
  await host2.api.refreshPool(POOL);
  ({ core, page } = await ui.openUi('vdt-labh2-ui-'));
  await page.locator(`[data-testid="connection"][data-uri="${second.tcpUri}"][data-state="connected"]`).waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(
  () =>
    ui.close(async () => {
      if (host2) await removeTestPool(host2, POOL, POOL_DIR);
    }),
  120_000,
);

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
