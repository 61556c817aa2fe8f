// The Migrate… dialog and the all-hosts VM list in Debian's Chromium (browser mode), with the REAL
// qemu:///system and the second host (test/support/second-host.ts): "All hosts" lists both hosts'
// VMs with a Host column and totals per host; More → Migrate… moves the running tiny guest live to
// host 2 with its progress, and the list then shows it on host 2.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { saveScreenshot } from '../support/browser';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { TwoHostUi } from '../support/two-host-ui';

const ID = uniqueName('vdt-mig-ui');
const VM = `${ID}-vm`;
const ui = new TwoHostUi(ID);
const { host1 } = ui;
let host2: LibvirtHostClient;
let H2: string;
let page: Page;

beforeAll(async () => {
  ({ host2 } = await ui.connectHosts(process.env.VDT_MIG_HOST2_URI));
  H2 = host2.uri;
  // Without its VNC display: both daemons share this machine's ports (see migration.test.ts).
  await host1.api.defineDomain(tinyGuestXml(VM).replace(/<graphics[^>]*\/>/, ''));
  await host1.api.startDomain({ name: VM });
  ({ page } = await ui.openUi('vdt-mig-ui-'));
}, 180_000);

afterAll(() => ui.close(), 120_000);

const row = (name: string) => page.locator(`[data-testid="vm-row"][data-vm-name="${name}"]`);

describe('migration in the UI', () => {
  it('lists all hosts with a Host column and totals, and migrates the running VM live through the More menu', { timeout: 300_000 }, async () => {
    const hostFilter = page.getByTestId('host-filter');
    await hostFilter.waitFor({ timeout: 60_000 });
    await hostFilter.selectOption('*');
    await row(VM).waitFor({ timeout: 60_000 });
    const totals = page.getByTestId('host-totals');
    await expect.poll(() => totals.locator('li').count(), { timeout: 30_000 }).toBe(2);
    expect(await totals.locator(`li[data-uri="${SYSTEM_URI}"]`).innerText()).toMatch(/: [1-9]\d* of \d+ VMs running/);
    const hostCell = row(VM).getByTestId('vm-host');
    expect(await hostCell.getAttribute('title')).toBe(SYSTEM_URI);

    await row(VM).click();
    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-migrate').click();
    const dlg = page.getByTestId('migrate-dialog');
    await dlg.waitFor();
    expect(await dlg.getByTestId('migrate-destination').inputValue()).toBe(H2);
    expect(await dlg.getByTestId('migrate-live').isChecked()).toBe(true);
    await dlg.getByTestId('migrate-submit').click();
    const done = dlg.getByTestId('migrate-result');
    await done.waitFor({ timeout: 180_000 });
    expect(await done.innerText()).toMatch(new RegExp(`${VM} now runs on .* \\(moved in [\\d.]+ (s|ms)\\)`));
    await saveScreenshot(page, 'migrate-dialog-done');
    expect(await host2.api.lookupDomain({ name: VM })).toMatchObject({ state: 'running' });
    expect((await host1.api.listDomains()).map((d) => d.name)).not.toContain(VM);

    // Open on host 2, then back to the all-hosts list: the VM is there once, on host 2.
    await dlg.getByTestId('migrate-open').click();
    await dlg.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    await page.getByTestId('host-filter').selectOption('*');
    await expect.poll(() => row(VM).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => row(VM).getByTestId('vm-host').getAttribute('title'), { timeout: 30_000 }).toBe(H2);
    await saveScreenshot(page, 'all-hosts-list');
  });
});
