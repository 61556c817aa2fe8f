// The embedded consoles end to end: browser mode in Debian's Chromium, the REAL qemu:///system
// daemon, the tiny TCG guest (serial) and a GRUB rescue CD guest (graphical, VNC).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { grubGuestXml, grubIso } from '../support/grub-guest';
import { collectEvents } from '../support/host-events';
import { REAL_CHANGE, canvasInfo, changedCells, findEchoed, screenAfter, settledCanvas, waitCanvas } from '../support/novnc-canvas';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../support/tiny-guest';

/** All rows of the terminal's DOM renderer, trimmed. */
async function terminalRows(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

async function waitForRows(page: Page, what: string, ok: (rows: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await terminalRows(page);
    if (ok(rows)) return rows;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; terminal:\n${rows.filter((r) => r.trim()).join('\n')}`);
    await page.waitForTimeout(250);
  }
}

/** Presses Enter until the guest shell answers with a prompt (the boot may still be running). */
async function waitForShell(p: Page, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  await p.locator('[data-testid="serial-terminal"]').click();
  for (;;) {
    await p.keyboard.press('Enter');
    await p.waitForTimeout(1000);
    const rows = await terminalRows(p);
    if (rows.some((r) => /^\/ # ?$/.test(r))) return;
    if (Date.now() > until) throw new Error(`no shell prompt within ${timeoutMs} ms; terminal:\n${rows.filter((r) => r.trim()).join('\n')}`);
  }
}

describe('embedded consoles (browser mode, qemu:///system)', () => {
  const client = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  const defined: string[] = [];
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await client.connect();
    served = await startServe();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    // Remove only the domains this file defined — always, whatever failed.
    for (const name of defined) {
      await client.api.destroyDomain({ name }).catch(() => undefined);
      await client.api.undefineDomain({ name }, { nvram: true, managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
    }
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await client.close();
  });

  async function openConsoleTab(uuid: string): Promise<void> {
    await page.evaluate((h) => (location.hash = h), `#/vm/${uuid}`);
    await page.waitForSelector(`[data-testid="vm-details"][data-vm-uuid="${uuid}"] [data-testid="vm-title"]`, { timeout: 30_000 });
    await page.getByRole('tab', { name: 'Console' }).click();
    await page.waitForSelector('[data-testid="vm-console"]', { timeout: 30_000 });
  }

  it('serial: types into the tiny guest shell and reconnects across a reboot', { timeout: 300_000 }, async () => {
    const name = uniqueName('vdtest-e2e-serial');
    defined.push(name);
    const { uuid } = await client.api.defineDomain(tinyGuestXml(name));

    await openConsoleTab(uuid);
    // The tiny guest has a display too: the switch is there, graphics first.
    await page.getByRole('button', { name: 'Serial', exact: true }).click();
    const serial = page.locator('[data-testid="serial-console"]');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 30_000 }).toBe('not-running');
    await saveScreenshot(page, 'consoles-serial-not-running');

    // Start from the console itself: it connects by itself when the guest is up.
    await serial.locator('[data-testid="console-start"]').click();
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await waitForRows(page, 'the boot marker', (rows) => rows.some((r) => r.includes(TINY_GUEST_MARKER)), 120_000);
    await page.waitForTimeout(500);

    await page.locator('[data-testid="serial-terminal"]').click();
    await page.keyboard.type('echo $((6*7))');
    await page.keyboard.press('Enter');
    await waitForRows(page, 'the answer 42', (rows) => rows.some((r) => r.trim() === '42'), 30_000);
    await saveScreenshot(page, 'consoles-serial-42');

    // Reboot from the UI; the marker comes back on the (re)connected console.
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await waitForRows(page, 'a cleared terminal', (rows) => !rows.some((r) => r.includes(TINY_GUEST_MARKER)), 5_000);
    await page.locator('[data-action="reboot"]').click();
    await page.locator('[data-testid="confirm-ok"]').click();
    await waitForRows(page, 'the boot marker after the reboot', (rows) => rows.some((r) => r.includes(TINY_GUEST_MARKER)), 180_000);
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    // The shell answers on the new boot too.
    await page.waitForTimeout(500);
    await page.locator('[data-testid="serial-terminal"]').click();
    await page.keyboard.type('echo $((6*9))');
    await page.keyboard.press('Enter');
    await waitForRows(page, 'the answer 54', (rows) => rows.some((r) => r.trim() === '54'), 30_000);
    await saveScreenshot(page, 'consoles-serial-after-reboot');

    // Off and on again (a new QEMU process, a new console stream): it reconnects by itself.
    await page.locator('[data-action="forceOff"]').click();
    await page.locator('[data-testid="confirm-ok"]').click();
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('not-running');
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.locator('[data-action="start"]').click();
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await waitForRows(page, 'the boot marker after off/on', (rows) => rows.some((r) => r.includes(TINY_GUEST_MARKER)), 120_000);
    await saveScreenshot(page, 'consoles-serial-after-restart');
  });

  it('serial: Detach opens the console in its own window; "Take over" moves it back without a tug of war', { timeout: 300_000 }, async () => {
    const name = uniqueName('vdtest-e2e-detach');
    defined.push(name);
    const { uuid } = await client.api.defineDomain(tinyGuestXml(name));
    await client.api.startDomain({ name });

    await openConsoleTab(uuid);
    await page.getByRole('button', { name: 'Serial', exact: true }).click();
    const serial = page.locator('[data-testid="serial-console"]');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');

    // Detach: a window with only the console (the serial one, as chosen here).
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('[data-testid="console-detach"]').click()]);
    await popup.waitForSelector('[data-testid="console-page"]', { timeout: 30_000 });
    expect(popup.url()).toContain(`#/console/${uuid}`);
    const detached = popup.locator('[data-testid="serial-console"]');
    await expect.poll(() => detached.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await page.locator('[data-testid="console-detached"]').waitFor({ timeout: 5_000 });
    await waitForShell(popup);
    await popup.keyboard.type('echo $((6*7))');
    await popup.keyboard.press('Enter');
    await waitForRows(popup, 'the answer 42 in the detached window', (rows) => rows.some((r) => r.trim() === '42'), 30_000);
    await saveScreenshot(popup, 'consoles-detached');

    // Back here: the detached window holds the console, so this one offers to take it over.
    await page.locator('[data-testid="console-show-here"]').click();
    await expect.poll(() => serial.getAttribute('data-busy'), { timeout: 30_000 }).toBe('true');
    expect(await serial.getAttribute('data-state')).toBe('disconnected');
    await saveScreenshot(page, 'consoles-serial-busy');
    await serial.locator('[data-testid="console-take-over"]').click();
    await page.locator('[data-testid="confirm-ok"]').click();
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');

    // The other window lost it and says so — it does not force it back.
    await expect.poll(() => detached.getAttribute('data-busy'), { timeout: 30_000 }).toBe('true');
    await page.waitForTimeout(3000);
    expect(await serial.getAttribute('data-state')).toBe('connected');
    await page.locator('[data-testid="serial-terminal"]').click();
    await page.keyboard.type('echo $((5*5))');
    await page.keyboard.press('Enter');
    await waitForRows(page, 'the answer 25', (rows) => rows.some((r) => r.trim() === '25'), 30_000);
    await popup.close();
  });

  it('graphical: GRUB on the VNC console takes keys, typed text, Ctrl+Alt+Del, and reconnects after off/on', { timeout: 300_000 }, async () => {
    const name = uniqueName('vdtest-e2e-vnc');
    defined.push(name);
    const { uuid } = await client.api.defineDomain(grubGuestXml(name, grubIso()));
    const { events } = collectEvents(client);
    await client.api.startDomain({ name });

    await openConsoleTab(uuid);
    const vnc = page.locator('[data-testid="vnc-console"]');
    await expect.poll(() => vnc.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    // GRUB draws its banner and prompt: more than 1 % of the screen is lit.
    await waitCanvas(page, 'GRUB on the screen', (c) => c.lit > 0.01, 90_000);
    let before = await settledCanvas(page);
    expect(before.lit).toBeGreaterThan(0.01);
    await saveScreenshot(page, 'consoles-vnc-grub');

    // Keys typed on the focused canvas reach the guest: 'c' opens GRUB's command line (and
    // stops the menu's countdown), then `ls` lists the devices.
    await page.locator('[data-testid="vnc-canvas-host"] canvas').click();
    await page.locator('[data-testid="vnc-focus-hint"]').waitFor({ state: 'visible', timeout: 5_000 });
    before = await screenAfter(page, 'the GRUB command line', before, () => page.keyboard.press('c'));
    before = await screenAfter(page, 'the screen to change after typing ls', before, async () => {
      await page.keyboard.type('ls');
      await page.keyboard.press('Enter');
    });
    await saveScreenshot(page, 'consoles-vnc-ls');

    // Ctrl+Alt pressed and released alone gives the keyboard back.
    await page.keyboard.down('Control');
    await page.keyboard.down('Alt');
    await page.keyboard.up('Alt');
    await page.keyboard.up('Control');
    await page.locator('[data-testid="vnc-focus-hint"]').waitFor({ state: 'hidden', timeout: 5_000 });

    // "Type text…": text typed as keystrokes.
    await page.getByTestId('console-type-text').click();
    const dialog = page.locator('[data-testid="type-dialog"]');
    await dialog.getByLabel('Text to type').fill('echo typed\n');
    before = await screenAfter(page, 'the screen to change after typing "echo typed"', before, () => dialog.locator('[data-testid="type-submit"]').click());
    // "grub> echo typed" then "typed": the text arrived as typed (no stuck modifier key).
    expect(findEchoed(before, 'grub> echo '.length, 'typed'.length)).toBe(true);
    await saveScreenshot(page, 'consoles-vnc-typed');

    // Send keys → Ctrl+Alt+Del: the BIOS reboots the machine (GRUB reads keys through it).
    const rebootsBefore = events.filter((e) => e.type === 'domain-reboot' && e.name === name).length;
    await page.getByRole('button', { name: 'Send keys' }).click();
    await page.getByRole('menuitem', { name: 'Ctrl+Alt+Del' }).click();
    const until = Date.now() + 60_000;
    let rebooted = false;
    for (;;) {
      rebooted = events.filter((e) => e.type === 'domain-reboot' && e.name === name).length > rebootsBefore;
      const c = await canvasInfo(page);
      if (rebooted || (c && changedCells(c, before) >= REAL_CHANGE)) break;
      if (Date.now() > until) throw new Error('neither a reboot event nor a redraw within 60 s of Ctrl+Alt+Del');
      await page.waitForTimeout(250);
    }
    await expect.poll(() => vnc.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await waitCanvas(page, 'GRUB again after Ctrl+Alt+Del', (c) => c.lit > 0.01, 90_000);
    await saveScreenshot(page, 'consoles-vnc-after-ctrl-alt-del');

    // Force off, then start from the UI: the console waits, then reconnects by itself.
    await page.locator('[data-action="forceOff"]').click();
    await page.locator('[data-testid="confirm-ok"]').click();
    await expect.poll(() => vnc.getAttribute('data-state'), { timeout: 60_000 }).toBe('not-running');
    await saveScreenshot(page, 'consoles-vnc-off');
    await page.locator('[data-action="start"]').click();
    await expect.poll(() => vnc.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await waitCanvas(page, 'GRUB after the restart', (c) => c.lit > 0.01, 90_000);
    await saveScreenshot(page, 'consoles-vnc-restarted');

    // Chromium asks for /favicon.ico by itself; the app has none.
    expect(pageErrors.filter((e) => !/favicon\.ico/.test(e))).toEqual([]);
  });
});
