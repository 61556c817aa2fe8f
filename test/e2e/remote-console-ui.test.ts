// A VM on a remote host, in Debian's Chromium (browser mode), against the REAL second host
// (test/support/second-host.ts) over qemu+ssh with the test key: the all-hosts list shows its VMs
// with their host; Start and Force off from the UI act on host 2 (checked through libvirt there);
// the serial console of a tiny guest answers; the graphical console of a GRUB rescue CD guest
// shows GRUB and takes keys through the connection's SSH tunnel; and 5 graphical consoles open in
// 5 tabs share the libvirt connection's ONE SSH connection.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/api/core';
import type { ConnectionStatus } from '../../src-main/contract';
import type { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import type { RunningServer } from '../../src-main/server/server';
import { routeToHash } from '../../src-renderer/app/route';
import { saveScreenshot } from '../support/browser';
import { grubGuestXml, grubIso } from '../support/grub-guest';
import { findEchoed, screenAfter, settledCanvas, waitCanvas } from '../support/novnc-canvas';
import { sshConnectionsFrom, type SecondHost } from '../support/second-host';
import { TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { hostKeyFingerprint, TwoHostUi } from '../support/two-host-ui';

const ID = uniqueName('vdt-h2-console');
const GRUB_VM = `${ID}-grub`;
const TINY_VM = `${ID}-tiny`;
const ui = new TwoHostUi(ID);
let host2: SecondHost;
let tcp: LibvirtHostClient;
let core: Core;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // Setup and checks go to host 2 over TCP; the app reaches it only over SSH.
  ({ second: host2, host2: tcp } = await ui.connectHost2());
  await tcp.api.defineDomain(grubGuestXml(GRUB_VM, grubIso()));
  await tcp.api.defineDomain(tinyGuestXml(TINY_VM));
  ({ core, page, server, browser } = await ui.openUi('vdt-h2-console-', async (c) => {
    const added = (await c.call('connections.add', { uri: host2.sshUri, keyFile: host2.keyFile })) as ConnectionStatus;
    expect(added).toMatchObject({ state: 'failed', hostKey: { status: 'unknown' } });
    expect(await c.call('connections.acceptHostKey', { uri: host2.sshUri, fingerprint: hostKeyFingerprint(host2) })).toMatchObject({ state: 'connected' });
  }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(() => ui.close(), 120_000);

const row = (name: string) => page.locator(`[data-testid="vm-row"][data-vm-name="${name}"]`);
const stateOnHost2 = async (name: string): Promise<string> => (await tcp.api.lookupDomain({ name })).state;

/** The all-hosts VM list (host 1 and host 2). */
async function showAllHosts(): Promise<void> {
  await page.evaluate(() => (location.hash = '#/'));
  const hostFilter = page.getByTestId('host-filter');
  await hostFilter.waitFor({ timeout: 60_000 });
  await hostFilter.selectOption('*');
}

/** Force off from the VM page's toolbar (a GRUB prompt or a busybox shell ignores ACPI). */
async function forceOffFromUi(name: string): Promise<void> {
  await page.locator('[data-action="forceOff"]').click();
  await page.locator('[data-testid="confirm-ok"]').click();
  await expect.poll(() => stateOnHost2(name), { timeout: 60_000 }).toBe('shutoff');
}

async function typeLine(text: string): Promise<void> {
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const terminalRows = (): Promise<string[]> =>
  page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (rs) => rs.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));

describe('a VM on host 2 over qemu+ssh, in the browser', () => {
  it('lists host 2\'s VMs with their host; Start from the list runs the tiny guest there; its serial console answers; Force off stops it', { timeout: 300_000 }, async () => {
    await showAllHosts();
    for (const name of [GRUB_VM, TINY_VM]) {
      const host = row(name).getByTestId('vm-host');
      await host.waitFor({ timeout: 60_000 });
      expect(await host.getAttribute('title')).toBe(host2.sshUri);
      expect(await host.innerText()).toBe(host2.hostname);
      expect(await row(name).getAttribute('data-vm-state')).toBe('shutoff');
    }
    await saveScreenshot(page, 'remote-console-list');

    await row(TINY_VM).getByTestId('row-start').click();
    await expect.poll(() => stateOnHost2(TINY_VM), { timeout: 60_000 }).toBe('running');
    await expect.poll(() => row(TINY_VM).getAttribute('data-vm-state'), { timeout: 30_000 }).toBe('running');

    await row(TINY_VM).getByTestId('row-console').click();
    await page.getByRole('button', { name: 'Serial', exact: true }).click();
    const serial = page.getByTestId('serial-console');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await expect.poll(async () => (await terminalRows()).some((r) => r.includes(TINY_GUEST_MARKER)), { timeout: 150_000 }).toBe(true);
    // The shell may still be starting: type again until it answers.
    for (const until = Date.now() + 60_000; !(await terminalRows()).some((r) => r.trim() === '42'); await page.waitForTimeout(1500)) {
      if (Date.now() > until) throw new Error(`the shell on host 2 did not answer 'echo $((6*7))'; terminal:\n${(await terminalRows()).join('\n')}`);
      await page.getByTestId('serial-terminal').click();
      await page.keyboard.type('echo $((6*7))');
      await page.keyboard.press('Enter');
    }
    await saveScreenshot(page, 'remote-console-serial');

    await forceOffFromUi(TINY_VM);
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('not-running');
  });

  it('shows GRUB on the graphical console through the SSH tunnel, and the keys typed there reach it', { timeout: 300_000 }, async () => {
    await showAllHosts();
    await row(GRUB_VM).getByTestId('row-start').click();
    await expect.poll(() => stateOnHost2(GRUB_VM), { timeout: 60_000 }).toBe('running');

    await row(GRUB_VM).getByTestId('row-console').click();
    const vnc = page.getByTestId('vnc-console');
    await expect.poll(() => vnc.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await waitCanvas(page, 'GRUB on the screen', (c) => c.lit > 0.01, 90_000);
    const grub = await settledCanvas(page);
    await saveScreenshot(page, 'remote-console-grub');

    // 'c' opens GRUB's command line; `ls` lists its devices; `echo tunnel` prints its word below.
    await page.locator('[data-testid="vnc-canvas-host"] canvas').click();
    const prompt = await screenAfter(page, 'the GRUB command line', grub, () => page.keyboard.press('c'));
    const listed = await screenAfter(page, 'the screen to change after typing ls', prompt, () => typeLine('ls'));
    const echoed = await screenAfter(page, 'the screen to change after typing "echo tunnel"', listed, () => typeLine('echo tunnel'));
    // "grub> echo tunnel" then "tunnel": the keys arrived as typed, and GRUB answered.
    expect(findEchoed(echoed, 'grub> echo '.length, 'tunnel'.length)).toBe(true);
    await saveScreenshot(page, 'remote-console-grub-echo');
  });

  it('5 graphical consoles of the VM in 5 tabs use ONE SSH connection to host 2; Force off reaches them all', { timeout: 300_000 }, async () => {
    // This tab shows the console already (the test above); 4 more tabs of the same browser.
    const uuid = (await tcp.api.lookupDomain({ name: GRUB_VM })).uuid;
    const token = await page.evaluate(() => sessionStorage.getItem('virtdesk.token'));
    const tabs: Page[] = [page];
    for (let i = 0; i < 4; i++) {
      const tab = await browser.newPage();
      tab.on('pageerror', (e) => pageErrors.push(String(e)));
      await tab.goto(`http://127.0.0.1:${server.port}/#token=${token}`);
      await tab.getByTestId('connection').first().waitFor({ timeout: 60_000 });
      await tab.evaluate((hash) => (location.hash = hash), routeToHash({ name: 'console', uuid, connection: host2.sshUri, kind: 'graphical' }));
      tabs.push(tab);
    }
    for (const tab of tabs) {
      await expect.poll(() => tab.getByTestId('vnc-console').getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
      await waitCanvas(tab, 'GRUB in every tab', (c) => c.lit > 0.01, 60_000);
    }
    await saveScreenshot(tabs[4]!, 'remote-console-fifth-tab');
    expect(core.vncProxy.activeSessions).toBe(5);
    expect(sshConnectionsFrom(host2)).toBe(1);

    await forceOffFromUi(GRUB_VM);
    for (const tab of tabs) await expect.poll(() => tab.getByTestId('vnc-console').getAttribute('data-state'), { timeout: 60_000 }).toBe('not-running');
    expect(pageErrors).toEqual([]);
  });
});
