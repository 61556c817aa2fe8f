// What a new user hit, end to end in browser mode against the REAL qemu:///system: the wizard
// kept after leaving it (and a missing ISO stopped at step 1), sizes for this host, the
// collapsed XML preview, a kernel VM's name; a serial-only VM's console and its scrollback, the
// action bar's More menu, row actions, Performance of a shut-off VM, VNC screenshot feedback
// and "Resize guest to window"; the layout at 1024×700 and 1920×1080 (screenshots in test-results/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { kernelNameBase } from '../../src-renderer/wizard/wizard-logic';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestFiles, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { nextStep as nextStepOn, openWizard as openWizardOn } from '../support/wizard-page';

const prefix = uniqueName('vdt-walk');
// A long folder name: the Storage page must wrap it, not push the row actions out of view.
const POOL = `${prefix}-pool`;
const POOL_TOP = path.join('/var/lib/libvirt/images', `${prefix}-a-rather-long-folder-name-for-the-pool-images`);
const POOL_DIR = path.join(POOL_TOP, 'and-another-level-below-it-for-good-measure');
const MISSING_ISO = path.join('/var/lib/libvirt/images', `${prefix}-missing.iso`);
const GRUB_ISO_SOURCE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const ISO_DIR = path.join('/var/lib/libvirt/images', `${prefix}-iso`);
const ISO = path.join(ISO_DIR, 'rescue.iso');
// A folder other users cannot enter: QEMU (libvirt-qemu) could not read the ISO in it.
const PRIVATE_DIR = path.join('/var/lib/libvirt/images', `${prefix}-private`);
const PRIVATE_ISO = path.join(PRIVATE_DIR, 'rescue.iso');

/** The tiny guest with no display at all: its only console is the serial one. */
function serialOnlyXml(name: string): string {
  const xml = tinyGuestXml(name)
    .replace(/\s*<graphics\b[^>]*\/>/, '')
    .replace(/\s*<video>[\s\S]*?<\/video>/, '');
  expect(xml).not.toMatch(/<graphics|<video/);
  return xml;
}

describe('walkthrough fixes (browser mode, qemu:///system)', () => {
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await admin.connect();
    tinyGuestFiles();
    fs.mkdirSync(ISO_DIR, { recursive: true });
    fs.copyFileSync(GRUB_ISO_SOURCE, ISO);
    fs.chmodSync(ISO, 0o644);
    fs.mkdirSync(PRIVATE_DIR, { recursive: true });
    fs.copyFileSync(GRUB_ISO_SOURCE, PRIVATE_ISO);
    fs.chmodSync(PRIVATE_ISO, 0o644);
    fs.chmodSync(PRIVATE_DIR, 0o700);
    served = await startServe();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    await removeDomainsWithPrefix(admin, prefix);
    await removeTestPool(admin, POOL, POOL_DIR);
    fs.rmSync(POOL_TOP, { recursive: true, force: true });
    fs.rmSync(ISO_DIR, { recursive: true, force: true });
    fs.rmSync(PRIVATE_DIR, { recursive: true, force: true });
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await admin.close();
  }, 120_000);

  const go = (hash: string) => page.evaluate((h) => (location.hash = h), hash);

  const openWizard = () => openWizardOn(page);
  const nextStep = (step: string) => nextStepOn(page, step);

  it('wizard: a missing ISO stops step 1; after leaving and coming back the form still checks itself', { timeout: 180_000 }, async () => {
    await openWizard();
    await page.fill('#wizard-iso-path', MISSING_ISO);
    const error = page.locator('[data-testid="wizard-step-source"] [data-testid="wizard-error"]');
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toContain('does not exist');
    expect(await page.getByTestId('wizard-next').isEnabled()).toBe(false);
    expect(await page.getByTestId('wizard-nav-summary').isEnabled()).toBe(false);
    await saveScreenshot(page, 'walkthrough-wizard-missing-iso');

    // Leave for a sidebar page (the wizard's "Manage storage…" link goes there too) and come back.
    await page.getByTestId('nav-storage').click();
    await page.getByTestId('storage-page').waitFor();
    await page.getByTestId('sidebar-new-vm').click();
    await page.getByTestId('wizard-step-source').waitFor();
    expect(await page.inputValue('#wizard-iso-path')).toBe(MISSING_ISO);
    await expect.poll(() => error.textContent(), { timeout: 30_000 }).toContain('does not exist');

    // A field changed after coming back is checked again: Next enables.
    await page.fill('#wizard-iso-path', ISO);
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await error.count()).toBe(0);

    // Once more away and back, on a later step.
    await nextStep('os');
    await nextStep('resources');
    await go('#/networks');
    await page.getByTestId('sidebar-new-vm').click();
    await page.getByTestId('wizard-step-resources').waitFor();
    await page.fill('#wizard-vcpus', '0');
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled()).toBe(false);
    await page.fill('#wizard-vcpus', '1');
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled()).toBe(true);
    await page.getByTestId('wizard-cancel').click();
    expect(pageErrors).toEqual([]);
  });

  it('wizard: sizes for this host, says when it only emulates, keeps the XML folded, names a kernel VM after its kernel', { timeout: 180_000 }, async () => {
    await openWizard();
    await page.fill('#wizard-iso-path', ISO);
    // Next enables once the host's options are in (the note depends on them).
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled(), { timeout: 30_000 }).toBe(true);
    const emulationNote = await page.getByTestId('emulation-note').count();
    await nextStep('os');
    await nextStep('resources');
    const vcpus = Number(await page.inputValue('#wizard-vcpus'));
    const resourcesNote = await page.getByTestId('emulation-note-resources').count();
    await nextStep('storage');
    await page.getByTestId('storage-none').check();
    await nextStep('network');
    await nextStep('firmware');
    await nextStep('summary');
    const domainType = (await page.getByTestId('summary-domain-type').textContent()) ?? '';
    const emulation = domainType.includes('Software emulation');
    // The notes show exactly on an emulation-only host; the vCPUs proposed are never all of them.
    expect(emulationNote).toBe(emulation ? 1 : 0);
    expect(resourcesNote).toBe(emulation ? 1 : 0);
    const cpus = os.cpus().length;
    expect(vcpus).toBeGreaterThanOrEqual(1);
    if (cpus > 1) expect(vcpus).toBeLessThan(cpus);
    if (emulation) expect(vcpus).toBeLessThanOrEqual(2);

    // The XML preview is there, folded: Create and start is on screen without scrolling.
    const details = page.getByTestId('wizard-xml-details');
    await details.waitFor();
    expect(await details.getAttribute('open')).toBeNull();
    const create = await page.getByTestId('wizard-create-start').boundingBox();
    expect(create).not.toBeNull();
    expect(create!.y + create!.height).toBeLessThanOrEqual(900);
    await saveScreenshot(page, 'walkthrough-wizard-summary');
    await page.getByTestId('wizard-cancel').click();

    // Kernel boot: the suggested name comes from the kernel file, not "vm".
    await openWizard();
    const files = tinyGuestFiles();
    await page.getByTestId('source-kernel').check();
    await page.fill('#wizard-kernel-path', files.kernel);
    await page.fill('#wizard-initrd-path', files.initrd);
    await page.fill('#wizard-cmdline', 'console=ttyS0');
    await nextStep('os');
    await nextStep('resources');
    await nextStep('storage');
    await nextStep('network');
    await nextStep('firmware');
    await nextStep('summary');
    const base = kernelNameBase(files.kernel, files.initrd);
    expect(base).not.toBe('vm');
    expect(await page.inputValue('#wizard-name')).toMatch(new RegExp(`^${base}(-\\d+)?$`));
    await page.getByTestId('wizard-cancel').click();
  });

  it('wizard: the QEMU-readability warning of the summary shows at the step where the file is chosen', { timeout: 120_000 }, async () => {
    await openWizard();
    await page.fill('#wizard-iso-path', PRIVATE_ISO);
    await nextStep('os');
    await nextStep('resources');
    await nextStep('storage');
    await page.getByTestId('storage-none').check();
    await nextStep('network');
    await nextStep('firmware');
    await nextStep('summary');
    await expect.poll(() => page.getByTestId('wizard-preview-warnings').textContent().catch(() => ''), { timeout: 30_000 }).toContain('QEMU');
    await page.getByTestId('wizard-nav-source').click();
    await page.getByTestId('wizard-step-source').waitFor();
    await expect.poll(() => page.getByTestId('wizard-warning').textContent().catch(() => ''), { timeout: 10_000 }).toContain('cannot open this file');
    expect(await page.getByTestId('qemu-blockers').textContent()).toContain(PRIVATE_DIR);
    await saveScreenshot(page, 'walkthrough-wizard-qemu-warning');
    await page.getByTestId('wizard-cancel').click();
  });

  it('serial-only VM: opens on Serial, keeps its scrollback across tabs; More menu, row actions, Performance when off', { timeout: 300_000 }, async () => {
    const name = `${prefix}-serial`;
    const { uuid } = await admin.api.defineDomain(serialOnlyXml(name));
    await go(`#/vm/${uuid}`);
    await page.waitForSelector(`[data-testid="vm-details"][data-vm-uuid="${uuid}"] [data-testid="vm-title"]`, { timeout: 30_000 });

    // The action bar: Console among the common actions; the rest under More.
    await page.getByTestId('vm-open-console').click();
    const consoleEl = page.getByTestId('vm-console');
    await expect.poll(() => consoleEl.getAttribute('data-kind'), { timeout: 30_000 }).toBe('serial');
    // Started from the console, so it hears the boot from the start.
    const serial = page.getByTestId('serial-console');
    await expect.poll(() => serial.getAttribute('data-state'), { timeout: 30_000 }).toBe('not-running');
    await serial.getByTestId('console-start').click();
    const rows = () => page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (r) => r.map((x) => (x.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
    await expect.poll(rows, { timeout: 180_000, interval: 500 }).toContain(TINY_GUEST_MARKER);

    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByTestId('serial-console').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Console' }).click();
    await page.getByTestId('serial-terminal').waitFor();
    // Shown again at once (the guest prints nothing new after its marker).
    await expect.poll(rows, { timeout: 3000, interval: 200 }).toContain(TINY_GUEST_MARKER);
    await saveScreenshot(page, 'walkthrough-serial-scrollback');

    await page.getByTestId('vm-more').click();
    const menu = page.getByTestId('vm-more-menu');
    await menu.waitFor();
    expect((await menu.locator('[data-action="save"]').textContent())?.trim()).toBe('Save state (hibernate)');
    expect(await menu.getByTestId('vm-clone').isVisible()).toBe(true);
    expect(await menu.getByTestId('vm-delete').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });

    // Shut off: Performance shows nothing of the last run.
    await admin.api.destroyDomain({ name });
    await expect.poll(() => page.getByTestId('vm-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('shutoff');
    await page.getByRole('tab', { name: 'Performance' }).click();
    await page.getByTestId('perf-not-running').waitFor();
    expect(await page.getByTestId('perf-cpu-now').textContent()).not.toMatch(/\d/);

    // The list row starts it right there.
    await go('#/vms');
    const row = page.locator(`[data-testid="vm-row"][data-vm-uuid="${uuid}"]`);
    await row.waitFor();
    expect(await row.getByTestId('row-console').isVisible()).toBe(true);
    await row.getByTestId('row-start').click();
    await expect.poll(async () => (await admin.api.listDomains()).find((d) => d.uuid === uuid)?.state, { timeout: 60_000 }).toBe('running');
    await expect.poll(() => row.getAttribute('data-vm-state'), { timeout: 30_000 }).toBe('running');
    expect(await page.locator('[data-testid="vm-details"]').count()).toBe(0); // the row's button did not open the VM
    await admin.api.destroyDomain({ name });
  });

  it('VNC console: "Type text…", Paste clipboard, Screenshot says it saved, Resize says when the guest cannot', { timeout: 300_000 }, async () => {
    const name = `${prefix}-vnc`;
    const { uuid } = await admin.api.defineDomain(tinyGuestXml(name));
    await admin.api.startDomain({ name });
    await go(`#/vm/${uuid}`);
    await page.waitForSelector(`[data-testid="vm-details"][data-vm-uuid="${uuid}"] [data-testid="vm-title"]`, { timeout: 30_000 });
    await page.getByRole('tab', { name: 'Console' }).click();
    const vnc = page.getByTestId('vnc-console');
    await expect.poll(() => vnc.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');

    expect((await page.getByTestId('console-type-text').textContent())?.trim()).toBe('Type text…');
    expect((await page.getByTestId('console-paste-clipboard').textContent())?.trim()).toBe('Paste clipboard');
    await page.evaluate(() => navigator.clipboard.writeText('x'));
    await page.getByTestId('console-paste-clipboard').click();
    await page.waitForTimeout(1000);
    expect(await vnc.locator('.alert').count()).toBe(0);

    const download = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByTestId('console-screenshot').click();
    expect((await download).suggestedFilename()).toMatch(/\.png$/);
    await expect.poll(() => page.getByTestId('console-status').textContent(), { timeout: 10_000 }).toContain('Screenshot saved');

    // The tiny guest's VGA text screen cannot follow the window: the console says so.
    await page.getByRole('button', { name: 'Resize guest to window' }).click();
    await page.getByTestId('console-resize-note').waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'walkthrough-vnc-resize-note');
    await page.getByRole('button', { name: 'Scale to window' }).click();
    await admin.api.destroyDomain({ name });
  });

  for (const size of [
    { width: 1024, height: 700 },
    { width: 1920, height: 1080 },
  ]) {
    it(`layout at ${size.width}×${size.height}: Storage and Networks keep their actions in view; the sidebar folds when narrow`, { timeout: 120_000 }, async () => {
      const poolXml = `<pool type="dir"><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`;
      if (!(await admin.api.listPools()).some((p) => p.name === POOL)) await admin.api.definePool(poolXml, { build: true, start: true });
      const p = await browser.newPage({ viewport: size });
      try {
        await p.goto(served.url);
        await p.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
        const narrow = size.width <= 1100;

        /** Every button in the rows' action cells is on screen and not covered. */
        const actionsInView = (selector: string) =>
          p.$$eval(selector, (buttons) =>
            buttons.map((b) => {
              const r = b.getBoundingClientRect();
              const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return { text: b.textContent?.trim(), inView: r.left >= 0 && r.right <= innerWidth && r.width > 0, uncovered: top === b || b.contains(top) };
            }),
          );

        await p.evaluate(() => (location.hash = '#/storage'));
        await p.locator(`[data-testid="pool-row"][data-pool="${POOL}"]`).waitFor({ timeout: 30_000 });
        const pools = await actionsInView(`[data-testid="pool-row"][data-pool="${POOL}"] .row-actions button`);
        expect(pools.length).toBeGreaterThan(0);
        expect(pools.filter((b) => !b.inView || !b.uncovered)).toEqual([]);
        // The long folder wraps inside its cell (the page does not scroll sideways).
        const pathBox = await p.locator(`[data-testid="pool-row"][data-pool="${POOL}"] [data-testid="pool-path"]`).boundingBox();
        expect(pathBox!.x + pathBox!.width).toBeLessThanOrEqual(size.width);
        await saveScreenshot(p, `walkthrough-storage-${size.width}x${size.height}`);

        await p.evaluate(() => (location.hash = '#/networks'));
        await p.getByTestId('network-row').first().waitFor({ timeout: 30_000 });
        const nets = await actionsInView('[data-testid="network-row"] .row-actions button');
        expect(nets.length).toBeGreaterThan(0);
        expect(nets.filter((b) => !b.inView || !b.uncovered)).toEqual([]);
        await saveScreenshot(p, `walkthrough-networks-${size.width}x${size.height}`);

        expect(await p.locator('#app-shell').getAttribute('data-sidebar')).toBe(narrow ? 'closed' : 'open');
        expect(await p.getByTestId('sidebar').isVisible()).toBe(!narrow);
        // The toggle folds / unfolds it; on a narrow window it closes again on navigation.
        await p.getByTestId('sidebar-toggle').click();
        expect(await p.getByTestId('sidebar').isVisible()).toBe(narrow);
        if (narrow) {
          await saveScreenshot(p, `walkthrough-sidebar-open-${size.width}x${size.height}`);
          await p.getByTestId('nav-storage').click();
          await expect.poll(() => p.getByTestId('sidebar').isVisible()).toBe(false);
        } else {
          await p.getByTestId('sidebar-toggle').click();
          expect(await p.getByTestId('sidebar').isVisible()).toBe(true);
        }
      } finally {
        await p.close();
      }
    });
  }
});
