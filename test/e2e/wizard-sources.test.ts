// The New-VM wizard's network install and cloud image sources end to end: browser mode in
// Debian's Chromium against the REAL qemu:///system. (a) A network install from a local HTTP
// server laid out like a Debian mirror (its "installer" is the tiny test guest): the wizard
// detects the tree, creates and starts the VM with the extra kernel argument console=ttyS0, and
// the app's serial console shows the guest's marker. (b) A small qcow2 as "cloud image" with
// cloud-init settings: the VM gets a copy of it in our pool, and the create's progress steps are
// shown. (c) Bad inputs are refused inline, before Next, and nothing is created.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startInstallTree, type InstallTree } from '../support/install-tree';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, TINY_GUEST_MARKER, uniqueName } from '../support/tiny-guest';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import {
  cancelWizard as cancelWizardOn,
  createdVm as createdVmOnScreen,
  nameAndPreview as nameAndPreviewOn,
  nextStep as nextStepOn,
  openWizard as openWizardOn,
  smallResources as smallResourcesOn,
} from '../support/wizard-page';

const GiB = 2 ** 30;
const prefix = uniqueName('vdtest-wsrc');
const POOL = prefix;
const POOL_DIR = path.join('/var/lib/libvirt/images', prefix);
/** Not a pool: the "downloaded" cloud image sits in a folder libvirt does not manage. */
const IMAGE_DIR = path.join('/var/lib/libvirt/images', `${prefix}-img`);
const CLOUD_IMAGE = path.join(IMAGE_DIR, 'debian-12-genericcloud-amd64.qcow2');
const NET_VM = `${prefix}-net`;
const CLOUD_VM = `${prefix}-cloud`;
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKc0ckqnw0yLzNdq0x4bAaVSeVp1cN3tWn7Vq5oLt3sh tester@example';

describe('New-VM wizard: network install and cloud image (browser mode, qemu:///system)', () => {
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;
  let tree: InstallTree;
  let imageSha = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await admin.connect();
    tree = await startInstallTree();
    await admin.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
    fs.mkdirSync(IMAGE_DIR, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', CLOUD_IMAGE, '64M']);
    fs.chmodSync(CLOUD_IMAGE, 0o644);
    imageSha = execFileSync('sha256sum', [CLOUD_IMAGE]).toString().split(' ')[0]!;
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    // Only what this file created: our domains, our pool's volumes, the pool, the folders.
    await removeDomainsWithPrefix(admin, prefix);
    await removeTestPool(admin, POOL, POOL_DIR);
    fs.rmSync(IMAGE_DIR, { recursive: true, force: true });
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await tree?.close();
    await admin.close();
  }, 120_000);

  // ---- helpers ----
  const errorOf = (step: string) => page.locator(`[data-testid="wizard-step-${step}"] [data-testid="wizard-error"]`);
  const hintOf = (step: string) => page.locator(`[data-testid="wizard-step-${step}"] [data-testid="wizard-hint"]`);

  const openWizard = () => openWizardOn(page);
  const next = (step: string) => nextStepOn(page, step);

  const cancelWizard = () => cancelWizardOn(page);
  const smallResources = () => smallResourcesOn(page);
  const nameAndPreview = (name: string) => nameAndPreviewOn(page, name);
  const createdVm = (name: string) => createdVmOnScreen(page, name);

  /** Records every progress row the wizard shows ("step:status bytes"), until the page changes. */
  async function recordProgress(): Promise<() => Promise<{ step: string; status: string; text: string }[]>> {
    await page.evaluate(() => {
      const seen: { step: string; status: string; text: string }[] = [];
      (window as unknown as { __progress: typeof seen }).__progress = seen;
      const scan = () => {
        for (const li of document.querySelectorAll('[data-testid="wizard-progress-steps"] [data-testid="progress-step"]')) {
          const row = { step: li.getAttribute('data-step') ?? '', status: li.getAttribute('data-status') ?? '', text: (li.textContent ?? '').replace(/\s+/g, ' ').trim() };
          if (!seen.some((s) => s.step === row.step && s.status === row.status && s.text === row.text)) seen.push(row);
        }
      };
      new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    return () => page.evaluate(() => (window as unknown as { __progress: { step: string; status: string; text: string }[] }).__progress);
  }

  async function ourDomains(): Promise<string[]> {
    return (await admin.api.listDomains()).map((d) => d.name).filter((n) => n.startsWith(prefix)).sort();
  }

  // ---- tests ----
  it('(c) refuses bad inputs inline before Next: a URL that does not answer, no login, a bad SSH key, a bad host name', { timeout: 120_000 }, async () => {
    const before = { domains: await ourDomains(), volumes: (await admin.api.listVolumes(POOL)).map((v) => v.name) };
    await openWizard();

    // Network install: the URL is looked at on Next; one that does not answer stays on this step.
    await page.getByTestId('source-url').check();
    expect(await page.textContent('[data-testid="wizard-step-source"]')).not.toContain('not available yet');
    await page.fill('#wizard-url', 'ftp://127.0.0.1/debian/');
    await expect.poll(() => errorOf('source').textContent(), { timeout: 10_000 }).toContain('http:// or https://');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await page.fill('#wizard-url', 'http://127.0.0.1:9/');
    await page.fill('#wizard-url-args', 'console=ttyS0');
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => errorOf('source').textContent().catch(() => ''), { timeout: 30_000 }).toContain('does not answer');
    expect(await page.getByTestId('wizard-step-source').isVisible()).toBe(true);
    expect(await page.getAttribute('#wizard-url', 'aria-invalid')).toBe('true');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    expect(await page.getByTestId('wizard-nav-os').isDisabled()).toBe(true);
    await saveScreenshot(page, 'wizard-url-dead');
    // "Check again" asks the server again (still nobody there).
    await page.getByTestId('url-retry').click();
    await expect.poll(() => errorOf('source').textContent().catch(() => ''), { timeout: 30_000 }).toContain('does not answer');
    // Changing the URL clears the verdict.
    await page.fill('#wizard-url', tree.mirrorUrl.replace('/debian/', '/nothing-here/'));
    expect(await errorOf('source').count()).toBe(0);
    expect(await page.getByTestId('wizard-next').isEnabled()).toBe(true);
    await page.getByTestId('wizard-next').click();
    await expect.poll(() => errorOf('source').textContent().catch(() => ''), { timeout: 30_000 }).toContain('no install tree');

    // Cloud image: the image, then the cloud-init rules.
    await page.getByTestId('source-cloud').check();
    await expect.poll(() => hintOf('source').textContent(), { timeout: 10_000 }).toContain('cloud image');
    await page.fill('#wizard-cloud-image', CLOUD_IMAGE);
    expect(await page.inputValue('#wizard-cloud-user')).toBe('user');
    // Neither password nor key: nobody could log in.
    await expect.poll(() => hintOf('source').textContent(), { timeout: 10_000 }).toContain('password or an SSH public key');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await saveScreenshot(page, 'wizard-cloud-no-login');
    // A key that is no OpenSSH public key.
    await page.fill('#wizard-cloud-ssh-key', 'AAAAC3NzaC1lZDI1NTE5 me@laptop');
    await expect.poll(() => errorOf('source').textContent(), { timeout: 10_000 }).toContain('OpenSSH public key');
    expect(await page.getAttribute('#wizard-cloud-ssh-key', 'aria-invalid')).toBe('true');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await page.fill('#wizard-cloud-ssh-key', `${SSH_KEY}\n${SSH_KEY}`);
    await expect.poll(() => errorOf('source').textContent(), { timeout: 10_000 }).toContain('one SSH public key');
    await page.fill('#wizard-cloud-ssh-key', SSH_KEY);
    await expect.poll(() => errorOf('source').count(), { timeout: 10_000 }).toBe(0);
    // A bad host name, a system account.
    await page.fill('#wizard-cloud-hostname', 'web_1');
    await expect.poll(() => errorOf('source').textContent(), { timeout: 10_000 }).toContain('host name');
    expect(await page.getAttribute('#wizard-cloud-hostname', 'aria-invalid')).toBe('true');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await saveScreenshot(page, 'wizard-cloud-bad-hostname');
    await page.fill('#wizard-cloud-hostname', 'web-1');
    await page.fill('#wizard-cloud-user', 'root');
    await expect.poll(() => errorOf('source').textContent(), { timeout: 10_000 }).toContain('system account');
    await page.fill('#wizard-cloud-user', 'tester');
    // Password only (shown / hidden) is enough, too.
    await page.fill('#wizard-cloud-ssh-key', '');
    await page.fill('#wizard-cloud-password', 'correct horse');
    expect(await page.getAttribute('#wizard-cloud-password', 'type')).toBe('password');
    await page.getByTestId('cloud-password-toggle').click();
    expect(await page.getAttribute('#wizard-cloud-password', 'type')).toBe('text');
    await page.getByTestId('cloud-password-toggle').click();
    expect(await page.getAttribute('#wizard-cloud-password', 'type')).toBe('password');
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled(), { timeout: 10_000 }).toBe(true);

    // The storage step: only a new disk.
    await next('os');
    await next('resources');
    await smallResources();
    await next('storage');
    expect(await page.getByTestId('storage-new').isChecked()).toBe(true);
    expect(await page.getByTestId('storage-existing').isDisabled()).toBe(true);
    expect(await page.getByTestId('storage-none').isDisabled()).toBe(true);
    expect(await page.getByTestId('storage-cloud-note').textContent()).toContain('the image stays untouched');
    await cancelWizard();

    expect(await ourDomains()).toEqual(before.domains);
    expect((await admin.api.listVolumes(POOL)).map((v) => v.name)).toEqual(before.volumes);
  });

  it('(a) network install: detects the tree, creates and starts with console=ttyS0; the serial console shows the marker', { timeout: 300_000 }, async () => {
    await openWizard();
    await page.getByTestId('source-url').check();
    await page.fill('#wizard-url', tree.installerUrl);
    await page.fill('#wizard-url-args', 'console=ttyS0');
    await next('os');
    // The tree is read: the distribution, the kernel and initrd it boots; the OS is preselected.
    const detection = page.getByTestId('os-detection');
    await expect.poll(() => page.getByTestId('os-tree-name').textContent().catch(() => ''), { timeout: 30_000 }).toContain('bookworm');
    expect(await page.getByTestId('os-tree-kernel').textContent()).toBe(`${tree.installerUrl}current/images/netboot/debian-installer/amd64/linux`);
    expect(await page.getByTestId('os-tree-initrd').textContent()).toBe(`${tree.installerUrl}current/images/netboot/debian-installer/amd64/initrd.gz`);
    expect(await page.getByTestId('os-tree-cmdline').textContent()).toContain('console=ttyS0');
    expect(await page.getByTestId('os-detected').textContent()).toContain('Debian');
    expect(await detection.getAttribute('data-kind')).toBe('url');
    await saveScreenshot(page, 'wizard-url-detected');
    await next('resources');
    await smallResources();
    await next('storage');
    expect(await page.getByTestId('storage-new').isChecked()).toBe(true);
    expect(await page.getByTestId('storage-none').isDisabled()).toBe(true);
    await page.selectOption('#wizard-pool', POOL);
    await page.fill('#wizard-disk-size', '1');
    await next('network');
    await next('firmware');
    await page.getByTestId('firmware-bios').check();
    await next('summary');
    await nameAndPreview(NET_VM);
    const sourceRow = await page.getByTestId('summary-source').textContent();
    expect(sourceRow).toContain(tree.installerUrl);
    expect(sourceRow).toContain('console=ttyS0');
    // A network install is always started: only "Create and start".
    expect(await page.getByTestId('wizard-create').count()).toBe(0);
    expect(await page.getByTestId('summary-url-starts').isVisible()).toBe(true);
    await saveScreenshot(page, 'wizard-url-summary');

    const progress = await recordProgress();
    await page.getByTestId('wizard-create-start').click();
    const uuid = await createdVm(NET_VM);
    const rows = await progress();
    const steps = [...new Set(rows.map((r) => r.step))];
    expect(steps).toEqual(expect.arrayContaining(['check', 'download-kernel', 'download-initrd', 'volume', 'define', 'start']));
    // The downloads are counted in bytes.
    expect(rows.some((r) => r.step === 'download-kernel' && r.status === 'active' && /\d+(\.\d+)? (B|KiB|MiB) of \d/.test(r.text))).toBe(true);

    // The serial console (console=ttyS0) shows the "installer" (the tiny guest).
    expect(await page.getByRole('tab', { name: 'Console' }).getAttribute('aria-selected')).toBe('true');
    await page.waitForSelector('[data-testid="vm-console"][data-kind="serial"]', { timeout: 30_000 });
    const text = () => page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (els) => els.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
    await expect.poll(text, { timeout: 180_000, interval: 500 }).toContain(TINY_GUEST_MARKER);
    await saveScreenshot(page, 'wizard-url-console');
    expect((await admin.api.domainState({ uuid })).state).toBe('running');
    const live = await admin.api.domainXml({ uuid });
    expect(live).toMatch(/<cmdline>[^<]*console=ttyS0/);
    expect(tree.requests).toContain(`${new URL(tree.installerUrl).pathname}current/images/netboot/debian-installer/amd64/linux`);
    // The disk is in our pool; the downloaded boot files were removed again.
    expect((await admin.api.listVolumes(POOL)).map((v) => v.name)).toEqual([`${NET_VM}.qcow2`]);
    await admin.api.destroyDomain({ uuid });
  });

  it('(b) cloud image: detected by file name; cloud-init fields; the VM gets a copy of the image in our pool; progress steps are shown', { timeout: 300_000 }, async () => {
    await openWizard();
    await page.getByTestId('source-cloud').check();
    await page.fill('#wizard-cloud-image', CLOUD_IMAGE);
    await page.fill('#wizard-cloud-user', 'tester');
    await page.fill('#wizard-cloud-password', 'correct horse');
    await page.fill('#wizard-cloud-ssh-key', SSH_KEY);
    await saveScreenshot(page, 'wizard-cloud-source');
    await next('os');
    await expect.poll(() => page.getByTestId('os-detected').textContent().catch(() => ''), { timeout: 30_000 }).toContain('Detected from the file name: Debian 12');
    await next('resources');
    await smallResources();
    await next('storage');
    expect(await page.getByTestId('storage-new').isChecked()).toBe(true);
    expect(await page.getByTestId('storage-cloud-note').textContent()).toContain('its own copy');
    await page.selectOption('#wizard-pool', POOL);
    await page.fill('#wizard-disk-size', '1');
    await saveScreenshot(page, 'wizard-cloud-storage');
    await next('network');
    await next('firmware');
    await page.getByTestId('firmware-bios').check();
    await next('summary');
    await nameAndPreview(CLOUD_VM);
    const source = await page.getByTestId('summary-source').textContent();
    expect(source).toContain(CLOUD_IMAGE);
    expect(source).toContain('user tester (password and SSH key)');
    // No host name typed: made from the VM name.
    expect(source).toContain(`host name ${CLOUD_VM.toLowerCase()}`);
    expect(await page.getByTestId('summary-storage').textContent()).toContain(`Copy of the cloud image, grown to 1 GiB, as a qcow2 volume in pool “${POOL}”`);
    await saveScreenshot(page, 'wizard-cloud-summary');

    const progress = await recordProgress();
    await page.getByTestId('wizard-create').click();
    const uuid = await createdVm(CLOUD_VM);
    const rows = await progress();
    const steps = [...new Set(rows.map((r) => r.step))];
    expect(steps).toEqual(expect.arrayContaining(['check', 'copy-image', 'seed', 'define']));
    expect(steps.indexOf('copy-image')).toBeLessThan(steps.indexOf('seed'));
    expect(rows.some((r) => r.step === 'copy-image' && r.status === 'active')).toBe(true);

    // The VM: shut off (created only), its disk a 1 GiB copy in our pool, the seed ISO next to it.
    expect((await admin.api.domainState({ uuid })).state).toBe('shutoff');
    const vols = await admin.api.listVolumes(POOL);
    const disk = vols.find((v) => v.name === `${CLOUD_VM}.qcow2`);
    expect(disk).toBeTruthy();
    expect((await admin.api.volumeInfo(POOL, disk!.name)).capacity).toBe(GiB);
    const xml = await admin.api.domainXml({ uuid }, { inactive: true });
    expect(xml).toContain(path.join(POOL_DIR, `${CLOUD_VM}.qcow2`));
    expect(xml).not.toContain(CLOUD_IMAGE);
    expect(vols.some((v) => v.name.includes('cidata'))).toBe(true);
    // The image itself stays untouched.
    expect(execFileSync('sha256sum', [CLOUD_IMAGE]).toString().split(' ')[0]).toBe(imageSha);
    expect(pageErrors).toEqual([]);
  });

  it("(d) Browse uses the desktop app's native file dialog when the preload offers one, else the server-side browser", { timeout: 60_000 }, async () => {
    // The desktop preload's optional capability, faked: window.virtdesk with pickFile only (no
    // call/onEvent, so the page still talks over the WebSocket).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      const w = window as unknown as { virtdesk: unknown; __picks: unknown[]; __pickAnswer: unknown };
      w.__picks = [];
      w.__pickAnswer = { ok: true, path: '/var/lib/libvirt/images/picked.iso' };
      w.virtdesk = {
        pickFile: async (request: unknown) => {
          w.__picks.push(request);
          return w.__pickAnswer;
        },
      };
    });
    const p = await context.newPage();
    try {
      await p.goto(served.url);
      await p.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
      await p.getByTestId('new-vm').click();
      await p.getByTestId('wizard-step-source').waitFor();
      const picks = () => p.evaluate(() => (window as unknown as { __picks: Record<string, unknown>[] }).__picks);

      await p.getByTestId('wizard-iso-path-browse').click();
      await expect.poll(() => p.inputValue('#wizard-iso-path')).toBe('/var/lib/libvirt/images/picked.iso');
      expect(await p.getByTestId('file-browser').count()).toBe(0);
      expect((await picks())[0]).toEqual({ kind: 'iso', title: 'Choose: ISO image', filterName: 'ISO images', allFilesName: 'All files' });

      // The cloud image: disk image filter, starting at the current value; cancelled → unchanged.
      await p.getByTestId('source-cloud').check();
      await p.fill('#wizard-cloud-image', CLOUD_IMAGE);
      await p.evaluate(() => ((window as unknown as { __pickAnswer: unknown }).__pickAnswer = { ok: true, path: null }));
      await p.getByTestId('wizard-cloud-image-browse').click();
      await expect.poll(async () => (await picks()).length).toBe(2);
      expect((await picks())[1]).toMatchObject({ kind: 'disk', defaultPath: CLOUD_IMAGE, filterName: 'Disk images' });
      expect(await p.inputValue('#wizard-cloud-image')).toBe(CLOUD_IMAGE);

      // The native dialog fails: the server-side browser opens instead.
      await p.evaluate(() => ((window as unknown as { __pickAnswer: unknown }).__pickAnswer = { ok: false, error: { code: 'INTERNAL', message: 'no display' } }));
      await p.getByTestId('wizard-cloud-image-browse').click();
      await p.getByTestId('file-browser').waitFor({ timeout: 10_000 });
      expect((await picks())[2]).toMatchObject({ kind: 'disk' });
    } finally {
      await context.close();
    }
  });
});
