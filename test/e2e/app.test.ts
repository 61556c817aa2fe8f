// The real UI in Chromium, in browser mode, against the REAL qemu:///system with the tiny guest.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';

describe('Virtdesk in the browser (qemu:///system)', () => {
  const name = uniqueName('vdtest-e2e');
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;
  const row = () => page.locator(`[data-testid="vm-row"][data-vm-name="${name}"]`);
  const stateIs = async (state: string) => expect.poll(() => page.locator('[data-testid="vm-state"]').getAttribute('data-state'), { timeout: 15_000 }).toBe(state);

  beforeAll(async () => {
    await admin.api.defineDomain(tinyGuestXml(name));
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
  });

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await admin.api.destroyDomain({ name }).catch(() => undefined);
    await admin.api.undefineDomain({ name }).catch(() => undefined);
    await admin.close();
  });

  it('lists the guest and drives its lifecycle live', { timeout: 120_000 }, async () => {
    await row().waitFor({ timeout: 30_000 });
    expect(await row().getAttribute('data-vm-state')).toBe('shutoff');
    expect(new URL(page.url()).hash).not.toContain('token=');
    await saveScreenshot(page, 'vm-list');

    await row().click();
    await page.getByTestId('vm-details').waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await stateIs('running');
    expect((await admin.api.domainState({ name })).state).toBe('running');

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await stateIs('paused');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await stateIs('running');
    await saveScreenshot(page, 'vm-details');

    // Force off asks first; Cancel changes nothing.
    await page.getByRole('button', { name: 'Force off', exact: true }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await saveScreenshot(page, 'confirm-force-off');
    await page.getByTestId('confirm-cancel').click();
    expect((await admin.api.domainState({ name })).state).toBe('running');
    await page.getByRole('button', { name: 'Force off', exact: true }).click();
    await page.getByTestId('confirm-ok').click();
    await stateIs('shutoff');
    expect((await admin.api.domainState({ name })).state).toBe('shutoff');
  });

  it('shows a VM started with virsh in another terminal within a second', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: 'Back to list' }).click();
    await row().waitFor();
    const t0 = Date.now();
    execFileSync('virsh', ['-c', SYSTEM_URI, 'start', name], { stdio: 'ignore' });
    await expect.poll(() => row().getAttribute('data-vm-state'), { timeout: 1000, interval: 25 }).toBe('running');
    expect(Date.now() - t0).toBeLessThan(1000 + 1500); // 1 s for the UI plus virsh's own start time
    execFileSync('virsh', ['-c', SYSTEM_URI, 'destroy', name], { stdio: 'ignore' });
    await expect.poll(() => row().getAttribute('data-vm-state'), { timeout: 1000, interval: 25 }).toBe('shutoff');
  });

  it('explains on the host page that this host uses software emulation (TCG)', async () => {
    await page.getByTestId('nav-host').click();
    const verdict = page.getByTestId('host-verdict');
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.getAttribute('data-verdict')).toBe('emulation');
    await expect.poll(() => verdict.innerText()).toMatch(/emulation/i);
    expect(await page.locator('[data-testid="host-check"][data-check-id="cpu-virt-flags"]').getAttribute('data-status')).toBe('fail');
    await saveScreenshot(page, 'host');
  });

  it('switches the whole UI to Japanese at runtime', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await expect.poll(() => page.getByTestId('nav-settings').innerText()).toBe('設定');
    await page.getByTestId('nav-vms').click();
    await row().waitFor();
    await saveScreenshot(page, 'japanese');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('en');
    await expect.poll(() => page.getByTestId('nav-settings').innerText()).toBe('Settings');
  });

  it('refuses a wrong token, in the UI and on the wire', async () => {
    const other = await browser.newPage();
    await other.goto(`${served.origin}/#token=wrong-token`);
    const banner = other.getByTestId('banner-transport');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.innerText()).toContain('access link is missing or out of date');
    expect(await other.locator('[data-testid="vm-row"]').count()).toBe(0);
    await saveScreenshot(other, 'wrong-token');
    await other.close();
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${served.origin.replace('http', 'ws')}/api`, [`virtdesk.nope`]);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('a wrong token was accepted')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });
});
