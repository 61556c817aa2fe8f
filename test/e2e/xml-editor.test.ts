// The XML editor in Chromium (browser mode) on a real qemu:///system network: an invalid edit is
// marked at the line the parser names, a fixed one is reviewed as a diff and saved, and libvirt
// has the change afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';

describe('XML editor (browser, qemu:///system)', () => {
  const name = uniqueName('vdt-xml-e2e');
  const vmName = uniqueName('vdt-xml-e2e-vm');
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;
  let subnet = '';

  beforeAll(async () => {
    await admin.connect();
    const taken = new Set((await admin.api.listNetworks()).map((n) => n.name));
    expect(taken.has(name)).toBe(false);
    subnet = `10.233.${10 + Math.floor(Math.random() * 200)}`;
    await admin.api.defineNetwork(
      `<network><name>${name}</name><ip address='${subnet}.1' netmask='255.255.255.0'><dhcp><range start='${subnet}.100' end='${subnet}.200'/></dhcp></ip></network>`,
    );
    await admin.api.defineDomain(tinyGuestXml(vmName));
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
  }, 60_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await admin.api.undefineNetwork(name).catch(() => undefined);
    await admin.api.undefineDomain({ name: vmName }).catch(() => undefined);
    await admin.close();
  });

  it('marks an invalid edit at its line, then reviews and saves a valid one', { timeout: 120_000 }, async () => {
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    await page.getByTestId('nav-networks').click();
    const row = page.locator(`[data-testid="network-row"][data-network="${name}"]`);
    await row.waitFor({ timeout: 30_000 });
    // CodeMirror is not part of the list screens: it loads with the first editor.
    expect(scripts.filter((u) => u.includes('XmlEditorCode'))).toEqual([]);
    await row.getByTestId('edit-network-xml').click();
    const dialog = page.getByTestId('xml-editor-dialog');
    const code = dialog.getByTestId('xml-code');
    await code.locator('.cm-content').waitFor({ timeout: 30_000 });
    const lines = code.locator('.cm-line');
    const nameLine = lines.filter({ hasText: `<name>${name}</name>` });
    await nameLine.waitFor();

    expect(scripts.filter((u) => u.includes('XmlEditorCode'))).toHaveLength(1);
    await dialog.getByTestId('xml-edit').click();
    await expect.poll(() => code.getAttribute('data-readonly')).toBe('false');

    // Ctrl+F opens CodeMirror's search; Escape closes it without closing the dialog.
    await nameLine.click();
    await page.keyboard.press('Control+f');
    await code.locator('.cm-search').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => code.locator('.cm-search').count()).toBe(0);
    expect(await dialog.isVisible()).toBe(true);

    // Invalid: drop the '>' of </name>.
    await nameLine.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await dialog.getByTestId('xml-review').click();
    const error = dialog.getByTestId('xml-error');
    await error.waitFor();
    const message = await error.innerText();
    const named = /line (\d+)/.exec(message);
    expect(named, message).not.toBeNull();
    const marked = code.locator('.cm-line:has(.cm-lintRange-error)');
    await marked.waitFor();
    const texts = await lines.allInnerTexts();
    expect(texts.indexOf(await marked.innerText()) + 1).toBe(Number(named![1]));
    expect(await code.locator('.cm-gutter-lint .cm-lint-marker-error').count()).toBe(1);
    expect(await dialog.getByTestId('xml-editor').getAttribute('data-mode')).toBe('edit');
    await saveScreenshot(page, 'xml-editor-error');

    // Fix it, and change the end of the DHCP range from .200 to .150.
    await lines.filter({ hasText: `<name>${name}</name` }).click();
    await page.keyboard.press('End');
    await page.keyboard.type('>');
    await lines.filter({ hasText: '<range start=' }).click();
    await page.keyboard.press('End');
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowLeft');
    for (let k = 0; k < 3; k++) await page.keyboard.press('Backspace');
    await page.keyboard.type('150');

    await dialog.getByTestId('xml-review').click();
    const diff = dialog.getByTestId('xml-diff');
    await diff.waitFor();
    expect(await dialog.getByTestId('xml-error').count()).toBe(0);
    expect(await diff.locator('[data-kind="removed"]').allInnerTexts()).toEqual([expect.stringContaining(`end='${subnet}.200'`)]);
    expect(await diff.locator('[data-kind="added"]').allInnerTexts()).toEqual([expect.stringContaining(`end='${subnet}.150'`)]);
    // Nothing is saved by reviewing.
    expect(await admin.api.networkXml(name, { inactive: true })).toContain(`end='${subnet}.200'`);
    await saveScreenshot(page, 'xml-editor-review');

    await dialog.getByTestId('xml-save').click();
    await expect.poll(() => dialog.getByTestId('xml-status').innerText(), { timeout: 15_000 }).toContain('Saved.');
    const xml = await admin.api.networkXml(name, { inactive: true });
    expect(xml).toContain(`end='${subnet}.150'`);
    expect(xml).toContain(`<name>${name}</name>`);
    // The editor shows libvirt's document again, read-only.
    expect(await dialog.getByTestId('xml-editor').getAttribute('data-mode')).toBe('view');
    await lines.filter({ hasText: `end='${subnet}.150'` }).waitFor();
    await dialog.getByTestId('xml-dialog-close').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it("edits a VM's definition on its XML tab (vm.defineXml)", { timeout: 120_000 }, async () => {
    await page.getByTestId('nav-vms').click();
    await page.locator(`[data-testid="vm-row"][data-vm-name="${vmName}"]`).click();
    await page.getByRole('tab', { name: 'XML' }).click();
    const editor = page.getByTestId('vm-xml');
    const lines = editor.getByTestId('xml-code').locator('.cm-line');
    await lines.filter({ hasText: `<name>${vmName}</name>` }).click({ timeout: 30_000 });
    await editor.getByTestId('xml-edit').click();
    await lines.filter({ hasText: `<name>${vmName}</name>` }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('<description>edited on the XML tab</description>');
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await saveScreenshot(page, 'xml-editor-vm-dark');
    await editor.getByTestId('xml-review').click();
    expect(await editor.getByTestId('xml-diff').locator('[data-kind="added"]').allInnerTexts()).toEqual([expect.stringContaining('<description>edited on the XML tab</description>')]);
    await editor.getByTestId('xml-save').click();
    await expect.poll(() => editor.getByTestId('xml-status').innerText(), { timeout: 15_000 }).toContain('Saved.');
    expect(await admin.api.domainXml({ name: vmName }, { inactive: true })).toContain('<description>edited on the XML tab</description>');
  });
});
