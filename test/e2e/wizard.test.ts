// The New-VM wizard, the Storage screen and safe delete end to end: browser mode in Debian's
// Chromium against the REAL qemu:///system. A directory pool of our own (defined on the Storage
// screen), a VM booted by direct kernel boot (the tiny guest; its serial console shows the
// marker), a VM installing from the GRUB rescue CD onto a new 1 GiB qcow2 (its screen is not
// blank), bad inputs that create nothing, and deleting VMs keeping / deleting their disks.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { GRUB_ISO, grubIso } from '../support/grub-guest';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, TINY_GUEST_MARKER, tinyGuestFiles, uniqueName } from '../support/tiny-guest';
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

const prefix = uniqueName('vdtest-wiz');
const POOL = prefix;
const POOL_DIR = path.join('/var/lib/libvirt/images', prefix);
const KERNEL_VM = `${prefix}-kernel`;
const ISO_VM = `${prefix}-iso`;
const REUSE_VM = `${prefix}-reuse`;
const ISO_VOLUME = `${ISO_VM}.qcow2`;

/** Decodes an 8-bit RGB/RGBA/gray PNG and says how many pixels differ from the top-left one. */
function pngVariety(png: Buffer): { width: number; height: number; differing: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8], 'bit depth').toBe(8);
      expect(body[12], 'interlace').toBe(0);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[body[9] as number] ?? 0;
      expect(channels, `colour type ${body[9]}`).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(body);
    offset += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] as number;
      const a = x >= channels ? (out[y * stride + x - channels] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] as number) : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  let differing = 0;
  for (let i = 0; i < width * height; i++) {
    for (let ch = 0; ch < channels; ch++) {
      if (out[i * channels + ch] !== out[ch]) {
        differing++;
        break;
      }
    }
  }
  return { width, height, differing };
}

describe('New-VM wizard, storage and safe delete (browser mode, qemu:///system)', () => {
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;
  let kernel: { kernel: string; initrd: string };
  const pageErrors: string[] = [];
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    await admin.connect();
    kernel = tinyGuestFiles();
    grubIso();
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 30_000 });
  });

  afterAll(async () => {
    // Remove only what this file created: our domains, our pool's volumes, the pool, its folder.
    await removeDomainsWithPrefix(admin, prefix);
    await removeTestPool(admin, POOL, POOL_DIR);
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await admin.close();
  }, 120_000);

  // ---- helpers ----
  const go = (hash: string) => page.evaluate((h) => (location.hash = h), hash);

  /**
   * What this file could have created: domains named with our prefix (or the XML-ish bad name)
   * and the volumes of our pool — other domains on the shared host may come and go meanwhile.
   */
  async function snapshot(): Promise<{ domains: string[]; volumes: string[] }> {
    const [domains, volumes] = await Promise.all([admin.api.listDomains(), admin.api.listVolumes(POOL)]);
    const ours = domains.map((d) => d.name).filter((n) => n.startsWith(prefix) || n.includes('<'));
    return { domains: ours.sort(), volumes: volumes.map((v) => v.name).sort() };
  }

  const openWizard = () => openWizardOn(page);
  const next = (step: string) => nextStepOn(page, step);

  async function kernelSource(): Promise<void> {
    await page.getByTestId('source-kernel').check();
    await page.fill('#wizard-kernel-path', kernel.kernel);
    await page.fill('#wizard-initrd-path', kernel.initrd);
    await page.fill('#wizard-cmdline', 'console=tty0 console=ttyS0');
  }

  const cancelWizard = () => cancelWizardOn(page);
  const smallResources = () => smallResourcesOn(page);
  const nameAndPreview = (name: string) => nameAndPreviewOn(page, name);

  /** A new wizard for a kernel-booted VM with small resources, taken up to the storage step. */
  async function kernelVmUpToStorage(): Promise<void> {
    await openWizard();
    await kernelSource();
    await next('os');
    await next('resources');
    await smallResources();
    await next('storage');
  }

  async function createdVm(name: string): Promise<string> {
    const uuid = await createdVmOnScreen(page, name, 120_000);
    uuids[name] = uuid;
    return uuid;
  }

  async function poolVolumesOnScreen(): Promise<string[]> {
    await go('#/storage');
    const row = page.locator(`[data-testid="pool-row"][data-pool="${POOL}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: POOL, exact: true }).click();
    await page.waitForSelector(`[data-testid="volumes"][data-pool="${POOL}"] :is([data-testid="volume-table"], [data-testid="volumes-empty"])`, { timeout: 30_000 });
    return page.locator(`[data-testid="volumes"][data-pool="${POOL}"] [data-testid="volume-row"]`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-volume') ?? ''));
  }

  // ---- tests ----
  it('defines a directory pool on the Storage screen', { timeout: 60_000 }, async () => {
    await page.getByTestId('nav-storage').click();
    await page.getByTestId('storage-page').waitFor();
    await page.getByTestId('add-pool').click();
    const dialog = page.getByTestId('pool-dialog');
    await dialog.waitFor();
    await page.fill('#pool-name', POOL);
    // The folder follows the name.
    expect(await page.inputValue('#pool-path')).toBe(POOL_DIR);
    await page.getByTestId('pool-autostart').uncheck();
    await page.getByTestId('pool-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const row = page.locator(`[data-testid="pool-row"][data-pool="${POOL}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-active')).toBe('true');
    const pools = await admin.api.listPools();
    expect(pools.find((p) => p.name === POOL)).toMatchObject({ active: true, autostart: false });
    expect(fs.statSync(POOL_DIR).isDirectory()).toBe(true);
    await saveScreenshot(page, 'wizard-storage-pool');
  });

  it('(a) creates by direct kernel boot, no disk, user networking, "Create and start": the serial console shows the marker', { timeout: 300_000 }, async () => {
    await openWizard();
    await page.getByTestId('source-kernel').check();
    await page.fill('#wizard-kernel-path', kernel.kernel);
    // The initrd through the server-side file browser: roots → images → fixtures → initrd.gz.
    await page.getByTestId('wizard-initrd-path-browse').click();
    const browserDialog = page.getByTestId('file-browser');
    await browserDialog.waitFor();
    await page.locator('[data-testid="fs-entry"][data-name="/var/lib/libvirt/images"]').click();
    await page.locator('[data-testid="fs-entry"][data-name="virtdesk-fixtures"]').click();
    await page.locator(`[data-testid="fs-entry"][data-name="${path.basename(kernel.initrd)}"]`).click();
    await page.getByTestId('fs-choose').click();
    await browserDialog.waitFor({ state: 'detached' });
    expect(await page.inputValue('#wizard-initrd-path')).toBe(kernel.initrd);
    await page.fill('#wizard-cmdline', 'console=tty0 console=ttyS0');

    await next('os');
    expect(await page.getByTestId('os-generic').isChecked()).toBe(true);
    await next('resources');
    expect(await page.getByTestId('host-totals').textContent()).toMatch(/CPUs/);
    await smallResources();
    await next('storage');
    await page.getByTestId('storage-none').check();
    await next('network');
    expect(await page.getByTestId('network-user').isChecked()).toBe(true);
    await next('firmware');
    expect(await page.getByTestId('firmware-bios').isChecked()).toBe(true);
    await next('summary');
    await nameAndPreview(KERNEL_VM);
    expect(await page.getByTestId('summary-storage').textContent()).toContain('No disk');
    await saveScreenshot(page, 'wizard-kernel-summary');

    await page.getByTestId('wizard-create-start').click();
    const uuid = await createdVm(KERNEL_VM);
    // "Create and start" opens the Console tab; a kernel with console=ttyS0 gets the serial console.
    expect(await page.getByRole('tab', { name: 'Console' }).getAttribute('aria-selected')).toBe('true');
    await page.waitForSelector('[data-testid="vm-console"][data-kind="serial"]', { timeout: 30_000 });
    const rows = () => page.$$eval('[data-testid="serial-terminal"] .xterm-rows > div', (els) => els.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
    await expect.poll(rows, { timeout: 180_000, interval: 500 }).toContain(TINY_GUEST_MARKER);
    expect((await admin.api.domainState({ uuid })).state).toBe('running');
    const xml = await admin.api.domainXml({ uuid });
    expect(xml).toContain(kernel.kernel);
    expect(xml).toContain(kernel.initrd);
    expect(xml).not.toMatch(/<disk /);
    expect(xml).toMatch(/<interface type=["']user["']/);
    await saveScreenshot(page, 'wizard-kernel-console');
  });

  it('(b) installs from the GRUB rescue ISO onto a new 1 GiB qcow2 in our pool: it runs and its screen is not blank', { timeout: 300_000 }, async () => {
    await openWizard();
    expect(await page.getByTestId('source-iso').isChecked()).toBe(true);
    await page.fill('#wizard-iso-path', GRUB_ISO);
    await next('os');
    // The ISO is read; GRUB's rescue CD is no known OS, so "Generic / other" stays.
    await expect.poll(() => page.getByTestId('os-detection').textContent(), { timeout: 30_000 }).toContain('ISOIMAGE');
    expect(await page.getByTestId('os-generic').isChecked()).toBe(true);
    await next('resources');
    await smallResources();
    await next('storage');
    expect(await page.getByTestId('storage-new').isChecked()).toBe(true);
    await page.selectOption('#wizard-pool', POOL);
    await page.fill('#wizard-disk-size', '1');
    expect(await page.getByTestId('format-qcow2').isChecked()).toBe(true);
    await next('network');
    await next('firmware');
    await next('summary');
    await nameAndPreview(ISO_VM);
    expect(await page.getByTestId('summary-storage').textContent()).toContain(`New 1 GiB qcow2 volume in pool “${POOL}”`);
    expect(await page.getByTestId('wizard-xml').textContent()).toContain(GRUB_ISO);

    await page.getByTestId('wizard-create-start').click();
    const uuid = await createdVm(ISO_VM);
    expect((await admin.api.domainState({ uuid })).state).toBe('running');
    const vol = await admin.api.volumeInfo(POOL, ISO_VOLUME);
    expect(vol.capacity).toBe(GiB);
    expect(vol.path).toBe(path.join(POOL_DIR, ISO_VOLUME));

    // The guest draws something (SeaBIOS, then GRUB): a PNG that is not one colour.
    await expect
      .poll(
        async () => {
          const shot = await admin.api.screenshot({ uuid });
          expect(shot.mime).toBe('image/png');
          const v = pngVariety(Buffer.from(shot.data));
          return v.width > 0 && v.differing / (v.width * v.height) > 0.001;
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBe(true);
    await saveScreenshot(page, 'wizard-iso-console');

    // The Storage screen lists the new volume as used by the VM.
    expect(await poolVolumesOnScreen()).toContain(ISO_VOLUME);
    const usedBy = page.locator(`[data-testid="volume-row"][data-volume="${ISO_VOLUME}"] [data-testid="volume-used-by"]`);
    expect(await usedBy.textContent()).toContain(ISO_VM);
  });

  it('(d) bad inputs show an error in the wizard and create nothing', { timeout: 240_000 }, async () => {
    const before = await snapshot();
    const errorOf = (step: string) => page.locator(`[data-testid="wizard-step-${step}"] [data-testid="wizard-error"]`);

    // A name that is taken, and a name with XML in it: refused on the summary.
    await kernelVmUpToStorage();
    await page.getByTestId('storage-none').check();
    await next('network');
    await next('firmware');
    await next('summary');
    await page.fill('#wizard-name', KERNEL_VM);
    await expect.poll(() => errorOf('summary').textContent(), { timeout: 10_000 }).toContain('already exists');
    expect(await page.getByTestId('wizard-create').isDisabled()).toBe(true);
    expect(await page.getByTestId('wizard-create-start').isDisabled()).toBe(true);
    await page.fill('#wizard-name', '</name><devices>');
    await expect.poll(() => errorOf('summary').textContent(), { timeout: 10_000 }).toContain('must not contain “<”');
    expect(await page.getByTestId('wizard-create-start').isDisabled()).toBe(true);
    expect(await page.getAttribute('#wizard-name', 'aria-invalid')).toBe('true');
    await saveScreenshot(page, 'wizard-bad-name');

    // Memory above the host's total: refused on the Resources step.
    await page.getByTestId('wizard-nav-resources').click();
    await page.getByTestId('wizard-step-resources').waitFor();
    const totalMiB = Math.floor((await admin.api.nodeInfo()).memoryKiB / 1024);
    await page.getByTestId('wizard-memory-unit').selectOption('GiB');
    await page.fill('#wizard-memory', String(Math.ceil(totalMiB / 1024) + 2));
    await expect.poll(() => errorOf('resources').textContent(), { timeout: 10_000 }).toContain('more than this host has in total');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    // …and the later steps cannot be opened meanwhile.
    expect(await page.getByTestId('wizard-nav-summary').isDisabled()).toBe(true);
    await saveScreenshot(page, 'wizard-bad-memory');
    await smallResources();

    // A disk bigger than the pool's free space: refused on the Storage step.
    await next('storage');
    await page.getByTestId('storage-new').check();
    await page.selectOption('#wizard-pool', POOL);
    const pool = (await admin.api.listPools()).find((p) => p.name === POOL)!;
    await page.fill('#wizard-disk-size', String(Math.ceil(pool.available / GiB) + 10));
    await expect.poll(() => errorOf('storage').textContent(), { timeout: 10_000 }).toContain('more than the free space of storage pool');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    await saveScreenshot(page, 'wizard-bad-size');
    await cancelWizard();

    // A missing ISO: refused right on the Source step (the file is checked when chosen); nothing is made.
    const missing = path.join(POOL_DIR, 'missing.iso');
    await openWizard();
    await page.fill('#wizard-iso-path', missing);
    const err = errorOf('source');
    await expect.poll(() => err.textContent().catch(() => ''), { timeout: 30_000 }).toContain('does not exist');
    expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
    expect(await page.getAttribute('#wizard-iso-path', 'aria-invalid')).toBe('true');
    await saveScreenshot(page, 'wizard-missing-iso');
    await cancelWizard();

    expect(await snapshot()).toEqual(before);
  });

  it('(c) deletes VMs: keeping the disk (still listed), then deleting it (gone)', { timeout: 300_000 }, async () => {
    // The kernel VM has no disks: nothing to choose, it is forced off and removed.
    await go(`#/vm/${uuids[KERNEL_VM]}`);
    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-delete').click();
    let dialog = page.getByTestId('delete-vm-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent(), { timeout: 30_000 }).toContain('no disks');
    expect(await dialog.getByTestId('delete-warning').textContent()).toContain('forced off');
    await dialog.getByTestId('delete-vm-confirm').click();
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 60_000 });
    expect((await snapshot()).domains).not.toContain(KERNEL_VM);

    // The ISO VM: its new volume can be deleted (unticked = kept), the ISO never.
    const volPath = path.join(POOL_DIR, ISO_VOLUME);
    await go(`#/vm/${uuids[ISO_VM]}`);
    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-delete').click();
    dialog = page.getByTestId('delete-vm-dialog');
    await dialog.waitFor();
    const disk = dialog.locator(`[data-testid="delete-disk"][data-path="${volPath}"]`);
    const iso = dialog.locator(`[data-testid="delete-disk"][data-path="${GRUB_ISO}"]`);
    await disk.waitFor({ timeout: 30_000 });
    expect(await disk.isEnabled()).toBe(true);
    expect(await disk.isChecked()).toBe(false);
    expect(await iso.isDisabled()).toBe(true);
    expect(await dialog.textContent()).toContain('CD-ROM media are never deleted');
    await saveScreenshot(page, 'wizard-delete-keep');
    await dialog.getByTestId('delete-vm-confirm').click();
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 60_000 });
    expect((await snapshot()).domains).not.toContain(ISO_VM);
    expect(fs.existsSync(GRUB_ISO)).toBe(true);
    expect(await poolVolumesOnScreen()).toContain(ISO_VOLUME);
    expect(await page.locator(`[data-testid="volume-row"][data-volume="${ISO_VOLUME}"] [data-testid="volume-used-by"]`).textContent()).toContain('Not used');

    // A third VM takes the kept volume (existing volume), then is deleted with it.
    await kernelVmUpToStorage();
    await page.getByTestId('storage-existing').check();
    await page.selectOption('#wizard-existing-pool', POOL);
    await page.waitForSelector(`#wizard-existing-volume option[value="${ISO_VOLUME}"]`, { state: 'attached', timeout: 30_000 });
    await page.selectOption('#wizard-existing-volume', ISO_VOLUME);
    await next('network');
    await page.getByTestId('network-none').check();
    await next('firmware');
    await next('summary');
    await nameAndPreview(REUSE_VM);
    expect(await page.getByTestId('wizard-xml').textContent()).toContain(volPath);
    await page.getByTestId('wizard-create').click();
    await createdVm(REUSE_VM);
    expect((await admin.api.domainState({ uuid: uuids[REUSE_VM]! })).state).toBe('shutoff');

    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-delete').click();
    dialog = page.getByTestId('delete-vm-dialog');
    await dialog.waitFor();
    const reused = dialog.locator(`[data-testid="delete-disk"][data-path="${volPath}"]`);
    await reused.waitFor({ timeout: 30_000 });
    await reused.check();
    expect(await dialog.getByTestId('delete-vm-confirm').textContent()).toContain('1 disk');
    await saveScreenshot(page, 'wizard-delete-disk');
    await dialog.getByTestId('delete-vm-confirm').click();
    await page.waitForSelector('[data-testid="vm-grid"], [data-testid="vm-list-empty"]', { timeout: 60_000 });
    const after = await snapshot();
    expect(after.domains).not.toContain(REUSE_VM);
    expect(after.volumes).not.toContain(ISO_VOLUME);
    expect(fs.existsSync(volPath)).toBe(false);
    expect(await poolVolumesOnScreen()).not.toContain(ISO_VOLUME);
    expect(pageErrors).toEqual([]);
  });
});
