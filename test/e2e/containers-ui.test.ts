// The New-container wizard end to end: browser mode in Debian's Chromium against a REAL LXC
// daemon (the system one where it can start containers, else the private one). An application
// container running busybox sh is created through the wizard, opens on its serial console, and
// answers `echo $((6*7))` with 42; the VM page shows no VM-only parts (Snapshots tab, graphical
// console, saved state). A memory limit of 0 is refused in the form and nothing is defined. The
// container is deleted through its own dialog. The Hardware tab and the sidebar leave out what
// LXC lacks; the Host page lists the three kinds of virtualization and measures startup.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { lxcConnection, type LxcTarget } from '../support/lxc-daemon';
import { startServe, type Served } from '../support/serve';
import { uniqueName } from '../support/tiny-guest';

const NAME = uniqueName('vdt-ct-ui');

describe('New container wizard (browser mode, LXC)', () => {
  let lxc: LxcTarget;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const virsh = (...args: string[]) => execFileSync('virsh', ['-c', lxc.uri, ...args], { encoding: 'utf8' });
  const defined = () => virsh('list', '--all', '--name').split('\n').map((s) => s.trim()).filter(Boolean);

  beforeAll(async () => {
    lxc = lxcConnection();
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-ct-ui-'));
    fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ defaultConnection: lxc.uri, connections: [{ uri: lxc.uri, label: 'containers' }] }));
    served = await startServe({ settingsDir });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    for (const name of lxc ? defined().filter((n) => n.startsWith(NAME)) : []) {
      try { virsh('destroy', name); } catch { /* not running */ }
      try { virsh('undefine', name); } catch { /* gone */ }
    }
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    if (served) fs.rmSync(served.settingsDir, { recursive: true, force: true });
    lxc?.release();
  }, 60_000);

  it('creates busybox sh through the wizard and gets 42 in its serial console', { timeout: 240_000 }, async () => {
    await page.locator('[data-testid="new-container"]').click({ timeout: 30_000 });
    const dialog = page.locator('[data-testid="container-dialog"]');
    await dialog.locator('[data-testid="ct-name"]').fill(NAME);
    await dialog.locator('[data-testid="ct-command"]').fill('/bin/busybox');
    await dialog.locator('[data-testid="ct-args"]').fill('sh');
    await dialog.locator('[data-testid="ct-memory"]').fill('0');
    await dialog.locator('[data-testid="container-submit"]').click();
    await expect.poll(() => dialog.locator('[data-testid="ct-field-error"]').allTextContents()).toContainEqual(expect.stringContaining('memory limit must be more than 0 MiB'));
    expect(defined()).not.toContain(NAME);

    await dialog.locator('[data-testid="ct-memory"]').fill('64');
    await saveScreenshot(page, 'containers-wizard');
    await dialog.locator('[data-testid="container-submit"]').click();
    await page.waitForSelector('[data-testid="vm-details"] [data-testid="vm-title"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="vm-title"]').textContent()).toBe(NAME);
    expect(await page.locator('[data-testid="vm-tab-snapshots"]').count()).toBe(0);

    const serial = page.locator('[data-testid="serial-console"]');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    expect(await page.locator('[data-testid="vm-console"]').getAttribute('data-kind')).toBe('serial');
    await page.locator('[data-testid="serial-terminal"]').click();
    const until = Date.now() + 120_000;
    for (;;) {
      await page.keyboard.type('echo R$((6*7))Z\n');
      await page.waitForTimeout(1000);
      const rows = await page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (r) => r.map((x) => (x.textContent ?? '').replace(/\u00a0/g, ' ')));
      if (rows.some((r) => r.includes('R42Z'))) break;
      if (Date.now() > until) throw new Error(`no R42Z in the terminal:\n${rows.filter((r) => r.trim()).join('\n')}`);
    }
    await saveScreenshot(page, 'containers-serial-42');
    expect(virsh('domstate', NAME).trim()).toBe('running');

    // The Overview reads the container's definition without an error.
    await page.locator('[data-testid="vm-tab-overview"]').click();
    await expect.poll(() => page.locator('#vm-panel-overview').textContent(), { timeout: 30_000 }).toContain('64');
    expect(await page.locator('#vm-panel-overview [role="alert"]').count()).toBe(0);
    // What LXC lacks is left out, by the driver's capabilities: no firmware, no New VM.
    expect(await page.locator('#vm-panel-overview').textContent()).not.toContain('Firmware');
    expect(await page.locator('[data-testid="sidebar-new-vm"]').count()).toBe(0);
    await saveScreenshot(page, 'containers-overview');

    // Hardware tab: no Boot page; Add hardware offers only a network interface or a host folder.
    await page.locator('[data-testid="vm-tab-hardware"]').click();
    await page.waitForSelector('[data-testid="vm-hardware"][data-loaded="true"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="hw-item"][data-id="boot"]').count()).toBe(0);
    expect(await page.locator('[data-testid="hw-item"][data-id="memory"]').count()).toBe(1);
    await page.locator('[data-testid="hw-add"]').click();
    const kinds = await page.locator('[data-testid="hw-add-kind"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(kinds).toEqual(['interface', 'filesystem']);
    await saveScreenshot(page, 'containers-add-hardware');
    await page.locator('[data-testid="hw-add-cancel"]').click();

    // Delete from the More menu: the container's own dialog (no disks; this computer's files are kept).
    await page.locator('[data-testid="vm-more"]').click();
    expect(await page.locator('[data-testid="vm-more-menu"]').textContent()).not.toContain('Save state');
    await page.locator('[data-testid="vm-delete"]').click();
    const del = page.locator('[data-testid="container-delete-dialog"]');
    await expect.poll(() => del.textContent(), { timeout: 30_000 }).toContain("this computer's own files");
    await del.locator('[data-testid="container-delete-submit"]').click();
    await expect.poll(() => defined().includes(NAME), { timeout: 30_000 }).toBe(false);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="new-vm"]').count()).toBe(0);
    expect(await page.locator('[data-testid="new-container"]').count()).toBe(1);
  });

  it('the Host page shows the three kinds of virtualization and measures VM vs container startup on request', { timeout: 240_000 }, async () => {
    await page.locator('[data-testid="nav-host"]').click();
    const card = page.locator('[data-testid="host-kinds"]');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.locator('[data-testid="host-kind"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-kind')))).toEqual(['hosted', 'kvm', 'containers']);
    expect(await card.locator('[data-kind="containers"]').getAttribute('data-available')).toBe('true');
    // This computer's VMs (qemu:///system) are judged too, though the page is the LXC connection's.
    await expect.poll(() => card.locator('[data-kind="hosted"]').getAttribute('data-available'), { timeout: 60_000 }).toBe('true');
    expect(await card.getAttribute('data-vm-verdict')).not.toBe('none');
    // The LXC connection is added already: nothing to suggest.
    expect(await card.locator('[data-testid="host-suggest-lxc"]').count()).toBe(0);
    await card.locator('[data-testid="host-measure"]').click();
    await card.locator('[data-testid="host-measure-result"]').waitFor({ timeout: 200_000 });
    expect(await card.locator('[data-testid="host-measure-vm"]').textContent()).toMatch(/^\d+ ms$/);
    expect(await card.locator('[data-testid="host-measure-container"]').textContent()).toMatch(/^\d+ ms$/);
    expect(await card.locator('[data-testid="host-measure-ratio"]').textContent()).toMatch(/took [\d.]+× as long/);
    await saveScreenshot(page, 'host-kinds-measured');
    expect(defined().filter((n) => n.startsWith('virtdesk-startup-'))).toEqual([]);
  });
});

describe('the Host page offers the LXC connection (browser mode)', () => {
  let lxc: LxcTarget;
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    lxc = lxcConnection();
    served = await startServe({ settingsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-ct-ui-offer-')) });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await served?.stop();
    if (served) fs.rmSync(served.settingsDir, { recursive: true, force: true });
    lxc?.release();
  }, 60_000);

  it('suggests the connection that runs containers when it is not added, and adds it with one click', { timeout: 120_000 }, async () => {
    expect(await page.locator(`[data-testid="connection"][data-uri^="lxc:"]`).count()).toBe(0);
    await page.locator('[data-testid="nav-host"]').click();
    const suggest = page.locator('[data-testid="host-suggest-lxc"]');
    await suggest.waitFor({ timeout: 60_000 });
    expect(await suggest.textContent()).toContain(lxc.uri);
    await saveScreenshot(page, 'host-suggest-lxc');
    await page.locator('[data-testid="host-add-lxc"]').click();
    await expect.poll(() => page.locator('[data-testid="connection"][data-uri^="lxc:"]').getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await expect.poll(() => suggest.count()).toBe(0);
    const saved = JSON.parse(fs.readFileSync(path.join(served.settingsDir, 'settings.json'), 'utf8')) as { connections: { uri: string }[] };
    expect(saved.connections.map((c) => decodeURIComponent(c.uri))).toContain(lxc.uri);
  });
});
