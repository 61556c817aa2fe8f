// An ISO QEMU cannot open (inside root's 0700 home, in a 0700 folder, itself 0600), chosen in
// the New VM wizard in Chromium against the real qemu:///system: step 1 names what keeps QEMU's
// user out and offers virt-manager's two fixes. "Let QEMU read it" shows the exact ACL changes,
// makes them (getfacl shows them), the warning goes and the VM boots from the ISO; "Copy into a
// storage pool" copies it into a pool volume, which the VM then uses.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { buildDirPoolXml } from '../../src-main/xml/build-storage';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, uniqueName } from '../support/tiny-guest';
import { createdVm, nameAndPreview, nextStep as nextStepOn, openWizard, smallResources } from '../support/wizard-page';

const prefix = uniqueName('vdt-fileaccess');
const POOL = `${prefix}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const GRUB_ISO_SOURCE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';

/** A 0700 root-owned folder under /root holding a 0600 copy of the GRUB rescue ISO. */
function privateIso(): { dir: string; iso: string } {
  const dir = fs.mkdtempSync('/root/vdt-fileaccess-');
  fs.chmodSync(dir, 0o700);
  const iso = path.join(dir, 'rescue.iso');
  fs.copyFileSync(GRUB_ISO_SOURCE, iso);
  fs.chmodSync(iso, 0o600);
  return { dir, iso };
}

const getfacl = (...paths: string[]): string => execFileSync('getfacl', ['--absolute-names', '--', ...paths], { encoding: 'utf8' });

describe('a file QEMU cannot read, fixed in the wizard (browser mode, qemu:///system)', () => {
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;
  /** /root's ACL before the test (restored after: the grant adds QEMU's user to it). */
  let rootAcl = '';
  const made: string[] = [];

  beforeAll(async () => {
    await admin.connect();
    rootAcl = getfacl('/root');
    fs.mkdirSync(POOL_DIR, { recursive: true });
    await admin.api.definePool(buildDirPoolXml({ name: POOL, path: POOL_DIR }), { start: true });
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await removeDomainsWithPrefix(admin, prefix);
    await removeTestPool(admin, POOL, POOL_DIR);
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    const record = path.join(os.tmpdir(), `${prefix}-root.acl`);
    fs.writeFileSync(record, rootAcl);
    execFileSync('setfacl', [`--restore=${record}`]);
    fs.rmSync(record, { force: true });
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await admin.close();
  }, 120_000);

  async function openWizardWith(iso: string): Promise<void> {
    await openWizard(page);
    await page.fill('#wizard-iso-path', iso);
  }

  const nextStep = (step: string) => nextStepOn(page, step);

  /** From step 1 to the summary (no disk, no network), then create and start; the VM's UUID. */
  async function createAndStart(name: string): Promise<string> {
    await nextStep('os');
    await nextStep('resources');
    await smallResources(page);
    await nextStep('storage');
    await page.getByTestId('storage-none').check();
    await nextStep('network');
    await page.getByTestId('network-none').check();
    await nextStep('firmware');
    await nextStep('summary');
    await nameAndPreview(page, name);
    expect(await page.getByTestId('wizard-preview-warnings').textContent().catch(() => '')).not.toContain('QEMU (user');
    await page.getByTestId('wizard-create-start').click();
    return createdVm(page, name);
  }

  async function expectRunning(uuid: string): Promise<void> {
    await expect.poll(async () => (await admin.api.lookupDomain({ uuid })).state, { timeout: 120_000 }).toBe('running');
  }

  /** Step 1 shows the problem: the folders and the file that keep QEMU's user out. */
  async function expectProblemShown(dir: string, iso: string): Promise<void> {
    const panel = page.getByTestId('qemu-access');
    await panel.waitFor({ timeout: 30_000 });
    const blockers = await page.getByTestId('qemu-blockers').innerText();
    expect(blockers).toContain(dir);
    expect(blockers).toContain(iso);
    expect(blockers).toContain('libvirt-qemu');
    expect(await page.getByTestId('wizard-warning').innerText()).toContain('cannot open this file');
  }

  it('"Let QEMU read it": shows the exact changes, sets the ACLs, the warning goes, the VM boots from the ISO', { timeout: 300_000 }, async () => {
    const { dir, iso } = privateIso();
    made.push(dir);
    await openWizardWith(iso);
    await expectProblemShown(dir, iso);
    await saveScreenshot(page, 'wizard-file-access-problem');

    await page.getByTestId('qemu-grant').click();
    const changes = (await page.getByTestId('qemu-grant-changes').innerText()).split('\n').filter(Boolean);
    // The folders that keep QEMU out (here /root is one, unless an earlier grant let it in) and the file.
    expect(changes.some((l) => l.includes(dir) && l.includes('u:libvirt-qemu:--x'))).toBe(true);
    expect(changes.some((l) => l.includes(iso) && l.includes('u:libvirt-qemu:r--'))).toBe(true);
    // Nothing changed before the confirmation.
    expect(getfacl(dir)).not.toContain('libvirt-qemu');
    await saveScreenshot(page, 'wizard-file-access-confirm');
    await page.getByTestId('qemu-grant-confirm').click();

    await expect.poll(() => page.getByTestId('qemu-access').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('wizard-warning').count(), { timeout: 30_000 }).toBe(0);
    expect(getfacl('/root')).toContain('user:libvirt-qemu:--x');
    expect(getfacl(dir)).toContain('user:libvirt-qemu:--x');
    expect(getfacl(iso)).toContain('user:libvirt-qemu:r--');

    const uuid = await createAndStart(`${prefix}-grant`);
    await expectRunning(uuid);
    expect(await admin.api.domainXml({ uuid })).toContain(iso);
  });

  it('"Copy into a storage pool": the ISO becomes a pool volume, the step looks again, the VM uses the copy', { timeout: 300_000 }, async () => {
    const { dir, iso } = privateIso();
    made.push(dir);
    await openWizardWith(iso);
    await expectProblemShown(dir, iso);

    await page.getByTestId('qemu-copy-pool').selectOption(POOL);
    await page.getByTestId('qemu-copy').click();
    const copy = path.join(POOL_DIR, 'rescue.iso');
    await expect.poll(() => page.inputValue('#wizard-iso-path'), { timeout: 60_000 }).toBe(copy);
    await expect.poll(() => page.getByTestId('qemu-access').count(), { timeout: 30_000 }).toBe(0);
    expect((await admin.api.listVolumes(POOL)).map((v) => v.name)).toContain('rescue.iso');
    expect(fs.statSync(copy).size).toBe(fs.statSync(iso).size);
    // The original is left as it was.
    expect(getfacl(dir)).not.toContain('libvirt-qemu');

    const uuid = await createAndStart(`${prefix}-copy`);
    const xml = await admin.api.domainXml({ uuid });
    expect(xml).toContain(copy);
    expect(xml).not.toContain(iso);
    await expectRunning(uuid);
  });

  it('in Japanese: a missing ISO stops step 1 with a Japanese error, and the QEMU panel and its warning are Japanese', { timeout: 120_000 }, async () => {
    const { dir, iso } = privateIso();
    made.push(dir);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    try {
      const missing = path.join('/var/lib/libvirt/images', `${prefix}-missing.iso`);
      await openWizardWith(missing);
      const error = page.locator('[data-testid="wizard-step-source"] [data-testid="wizard-error"]');
      await expect.poll(() => error.textContent(), { timeout: 30_000 }).toContain('がありません');
      expect(await error.textContent()).not.toContain('does not exist');
      expect(await page.getByTestId('wizard-next').isEnabled()).toBe(false);

      await page.fill('#wizard-iso-path', iso);
      await page.getByTestId('qemu-access').waitFor({ timeout: 30_000 });
      // The pools offered are data (names of this host's pools).
      const pools = await page.getByTestId('qemu-copy-pool').locator('option').allInnerTexts();
      const texts = [await page.getByTestId('qemu-access').innerText(), await page.getByTestId('wizard-warning').innerText()];
      for (const text of texts) {
        expect(text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        const words = englishLeft(pools.reduce((t, p) => t.split(p).join(' '), text));
        expect(words, text).toEqual([]);
      }
      await saveScreenshot(page, 'wizard-file-access-ja');
      await page.getByTestId('wizard-cancel').click();
    } finally {
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('language-select').selectOption('en');
    }
  });
});

/** ASCII words left after removing data (paths, modes, quoted text) and names that stay as they are. */
function englishLeft(text: string): string[] {
  let rest = text.replace(/"[^"]*"|'[^']*'|「[^」]*」/g, ' ').replace(/\S*\/\S*/g, ' ').replace(/[d-][rwx-]{9}\+?/g, ' ');
  for (const name of ['libvirt-qemu', 'QEMU', 'POSIX', 'ACL', 'GiB', 'MiB', 'KiB']) rest = rest.split(name).join(' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}
