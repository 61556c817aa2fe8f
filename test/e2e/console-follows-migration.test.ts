// An open console follows its VM to the new host after a live migration, in Debian's Chromium
// (browser mode) with REAL daemons: qemu:///system and the second host (over qemu+tcp). The
// console page of the running tiny guest on host 1 (serial) switches to host 2 by itself — its
// address names host 2, it reconnects there and the guest's shell answers — no "Open on …" click;
// and the VM page's Console tab follows its VM the same way (host 2 becomes the selected host).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/api/core';
import type { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { routeToHash } from '../../src-renderer/app/route';
import { saveScreenshot } from '../support/browser';
import type { SecondHost } from '../support/second-host';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { TwoHostUi } from '../support/two-host-ui';

const ID = uniqueName('vdt-cfollow');
const VM = `${ID}-vm`;
const VM2 = `${ID}-vm2`;
const ui = new TwoHostUi(ID);
const { host1 } = ui;
let host2: LibvirtHostClient;
let second: SecondHost;
let core: Core;
let page: Page;

/** The host the page shows the VM on ('' while it has none). */
const pageUri = (): Promise<string> => page.locator('.page-uri').innerText({ timeout: 1000 }).catch(() => '');
const rows = (): Promise<string[]> =>
  page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (rs) => rs.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));

/** Types `cmd` (again every 2 s) until a row equals `answer`. */
async function shellAnswers(cmd: string, answer: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await page.locator('[data-testid="serial-terminal"]').click();
    await page.keyboard.type(cmd);
    await page.keyboard.press('Enter');
    for (const due = Date.now() + 2000; Date.now() < due; await page.waitForTimeout(200)) {
      if ((await rows()).some((r) => r.trim() === answer)) return;
    }
    if (Date.now() > until) throw new Error(`no '${answer}' after '${cmd}'; terminal:\n${(await rows()).filter((r) => r.trim()).join('\n')}`);
  }
}

beforeAll(async () => {
  ({ second, host2 } = await ui.connectHosts());
  // Serial only: graphical consoles of a qemu+tcp host are refused (its displays listen on its loopback).
  for (const name of [VM, VM2]) {
    await host1.api.defineDomain(tinyGuestXml(name).replace(/<graphics[^>]*\/>/, ''));
    await host1.api.startDomain({ name });
  }
  ({ core, page } = await ui.openUi('vdt-cfollow-'));
  await page.getByTestId('connection').first().waitFor({ timeout: 60_000 });
}, 180_000);

afterAll(() => ui.close(), 120_000);

describe('console after a live migration', () => {
  it('follows the VM to host 2: the page switches its connection and the serial console reconnects there', { timeout: 300_000 }, async () => {
    const { uuid } = (await host1.api.listDomains()).find((d) => d.name === VM)!;
    await page.evaluate((hash) => (location.hash = hash), routeToHash({ name: 'console', uuid, connection: SYSTEM_URI, kind: 'serial' }));
    const serial = page.getByTestId('serial-console');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await expect.poll(async () => (await rows()).some((r) => r.includes(TINY_GUEST_MARKER)), { timeout: 120_000 }).toBe(true);
    await shellAnswers('echo $((6*7))', '42');

    await core.call('vm.migrate', { connection: SYSTEM_URI, vm: { uuid }, destination: second.tcpUri, live: true, progressId: ID });
    expect((await host2.api.listDomains()).find((d) => d.uuid === uuid)?.state).toBe('running');

    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash)), { timeout: 30_000 }).toContain(`connection=${second.tcpUri}`);
    await expect.poll(() => pageUri(), { timeout: 30_000 }).toBe(second.tcpUri);
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    expect(await page.getByTestId('vm-gone').count()).toBe(0);
    // The guest's shell answers through host 2 (host 1 no longer has the VM).
    await shellAnswers('echo $((6*8))', '48');
    expect((await host1.api.listDomains()).some((d) => d.uuid === uuid)).toBe(false);
    await saveScreenshot(page, 'console-follows-migration');
  });

  it('in the VM page\'s Console tab too: the page selects host 2 and the console reconnects there', { timeout: 300_000 }, async () => {
    const { uuid } = (await host1.api.listDomains()).find((d) => d.name === VM2)!;
    // The app's main view: host 1 selected, the VM's Console tab.
    await page.evaluate(() => (location.hash = '#/'));
    await page.locator(`[data-testid="connection"][data-uri="${SYSTEM_URI}"] button`).first().click();
    await page.evaluate((hash) => (location.hash = hash), routeToHash({ name: 'vm', uuid, tab: 'console', kind: 'serial' }));
    const serial = page.getByTestId('serial-console');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await expect.poll(() => pageUri(), { timeout: 30_000 }).toBe(SYSTEM_URI);
    await shellAnswers('echo $((7*7))', '49');

    await core.call('vm.migrate', { connection: SYSTEM_URI, vm: { uuid }, destination: second.tcpUri, live: true, progressId: `${ID}-2` });
    await expect.poll(() => pageUri(), { timeout: 30_000 }).toBe(second.tcpUri);
    await expect.poll(() => page.locator(`[data-testid="connection"][data-uri="${second.tcpUri}"] button[aria-current="true"]`).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await shellAnswers('echo $((7*8))', '56');
    expect((await host1.api.listDomains()).some((d) => d.uuid === uuid)).toBe(false);
    await saveScreenshot(page, 'console-follows-migration-vm-page');
  });
});
