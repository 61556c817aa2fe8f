// The Hardware tab in Chromium (browser mode) against the real qemu:///system daemon, on one tiny
// TCG guest: a CD-ROM medium inserted and ejected while it runs (the live XML agrees with the
// UI), a disk added live and removed with its file kept, an out-of-range memory value refused
// with nothing changed, memory set for the next boot shown as pending until the VM is shut off,
// a NIC model and the CPU mode/model/topology changed for the next boot (pending), a rename while
// shut off reflected in the VM list, and (shut off) a boot order changed with the keyboard and a
// video model changed through its spec.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { parseDomain, type DiskDevice, type InterfaceDevice } from '../../src-main/domain';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { removeDomainsWithPrefix, removeTestPool } from '../support/cleanup';
import { consoleText } from '../support/host-events';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdt-hw');
const NAME = `${ID}-vm`;
const RENAMED = `${ID}-renamed`;
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const ISO = path.join(POOL_DIR, 'media.iso');
/** An image another (shut-off) VM uses: safe delete must refuse to delete it. */
const SHARED = path.join(POOL_DIR, 'shared.qcow2');
const OTHER = `${ID}-other`;
const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let uuid = '';
let served: Served;
let browser: Browser;
let page: Page;

const liveXml = () => admin.api.domainXml({ uuid });
const configXml = () => admin.api.domainXml({ uuid }, { inactive: true });
const diskSource = (xml: string, key: string) => (parseDomain(xml).device(key) as DiskDevice | undefined)?.source;
const hwItem = (id: string) => page.locator(`[data-testid="hw-item"][data-id="${id}"]`);

/** Waits until the guest's shell answers on its serial console (it then handles ACPI hot-unplug). */
async function waitForGuestShell(): Promise<void> {
  const { streamId } = await admin.api.openConsole({ uuid }, { force: true });
  const con = consoleText(admin, streamId);
  try {
    const until = Date.now() + 120_000;
    while (!/R42Z/.test(con.text())) {
      if (Date.now() > until) throw new Error(`the guest did not answer on its console; it ends with ${JSON.stringify(con.text().slice(-300))}`);
      await admin.api.streamWrite(streamId, new TextEncoder().encode('echo R$((6*7))Z\n'));
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    con.stop();
    await admin.api.streamClose(streamId).catch(() => undefined);
  }
}

beforeAll(async () => {
  await admin.connect();
  fs.mkdirSync(POOL_DIR, { recursive: true });
  fs.writeFileSync(ISO, Buffer.alloc(1024 * 1024));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', SHARED, '16M']);
  execFileSync('virsh', ['-c', SYSTEM_URI, 'pool-create-as', POOL, 'dir', '--target', POOL_DIR], { stdio: 'ignore' });
  await admin.api.defineDomain(tinyGuestXml(OTHER, { disk: SHARED }));
  const d = parseDomain(tinyGuestXml(NAME));
  // On a busy 2-core host TCG can be too slow for the kernel's IO-APIC timer check (a panic at boot).
  d.os.cmdline = `${d.os.cmdline ?? ''} no_timer_check`.trim();
  d.addDevice("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>");
  uuid = (await admin.api.defineDomain(d.toXml())).uuid;
  await admin.api.startDomain({ uuid });
  served = await startServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(served.url);
  await waitForGuestShell();
  await page.locator(`[data-testid="vm-row"][data-vm-name="${NAME}"]`).click({ timeout: 30_000 });
  await page.getByTestId('vm-tab-hardware').click();
  await page.locator('[data-testid="vm-hardware"][data-loaded="true"]').waitFor({ timeout: 30_000 });
}, 240_000);

afterAll(async () => {
  await page?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await served?.stop();
  await removeDomainsWithPrefix(admin, ID);
  await removeTestPool(admin, POOL, POOL_DIR);
  await admin.close();
});

describe('the Hardware tab (browser, qemu:///system)', () => {
  it('inserts and ejects an ISO in the running VM\'s CD-ROM; the live XML agrees with the UI', { timeout: 60_000 }, async () => {
    // Overview first: a running VM cannot be renamed, and the field says why.
    expect(await page.getByTestId('hw-name').isDisabled()).toBe(true);
    expect(await page.locator('#hw-name-hint').innerText()).toMatch(/shut it down to rename it/);
    // The device list is one tab stop; arrows move the selection and the editor follows.
    await hwItem('overview').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe('memory');
    expect(await page.getByTestId('hw-editor').getAttribute('data-id')).toBe('memory');
    await page.keyboard.press('Home');
    expect(await page.getByTestId('hw-editor').getAttribute('data-id')).toBe('overview');

    await hwItem('disk:hdc').click();
    const editor = page.getByTestId('hw-editor');
    await expect.poll(() => editor.getAttribute('data-id')).toBe('disk:hdc');
    expect(await editor.getByTestId('hw-where').getAttribute('data-where')).toBe('both');
    await page.locator('#hw-media-path').fill(ISO);
    await editor.getByTestId('hw-media-insert').click();
    await expect.poll(() => editor.getByTestId('hw-disk-source').innerText(), { timeout: 20_000 }).toBe(ISO);
    expect(await editor.getByTestId('hw-status').innerText()).toMatch(/now and for the next boot/);
    expect(diskSource(await liveXml(), 'disk:hdc')).toBe(ISO);
    expect(diskSource(await configXml(), 'disk:hdc')).toBe(ISO);

    await editor.getByTestId('hw-media-eject').click();
    await expect.poll(() => editor.getByTestId('hw-disk-source').innerText(), { timeout: 20_000 }).toBe('No medium inserted');
    expect(diskSource(await liveXml(), 'disk:hdc')).toBeUndefined();
    expect(await editor.getByTestId('hw-media-eject').isDisabled()).toBe(true);
  });

  it('adds a disk to the running guest and removes it; the file is kept', { timeout: 90_000 }, async () => {
    await page.getByTestId('hw-add').click();
    const dialog = page.getByTestId('hw-add-dialog');
    await dialog.getByTestId('hw-add-kind').selectOption('disk');
    await dialog.getByTestId('hw-disk-pool').selectOption(POOL);
    await dialog.getByTestId('hw-disk-new-size').fill('64M');
    expect(await dialog.getByTestId('hw-where').getAttribute('data-where')).toBe('both');
    await dialog.getByTestId('hw-add-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await hwItem('disk:vda').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('hw-notice').innerText()).toMatch(/now and for the next boot/);
    const added = diskSource(await liveXml(), 'disk:vda');
    expect(added?.startsWith(`${POOL_DIR}/`)).toBe(true);
    expect(diskSource(await configXml(), 'disk:vda')).toBe(added);
    await saveScreenshot(page, 'vm-hardware-disk');

    await hwItem('disk:vda').click();
    await page.getByTestId('hw-remove').click();
    const remove = page.getByTestId('hw-remove-dialog');
    expect(await remove.innerText()).toContain(added!);
    expect(await remove.getByTestId('hw-remove-delete-file').isChecked()).toBe(false);
    await remove.getByTestId('hw-remove-confirm').click();
    await remove.waitFor({ state: 'detached', timeout: 30_000 });
    await hwItem('disk:vda').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByTestId('hw-notice').innerText()).toContain(`The file ${added} was kept.`);
    expect(parseDomain(await liveXml()).device('disk:vda')).toBeUndefined();
    expect(parseDomain(await configXml()).device('disk:vda')).toBeUndefined();
    expect((await admin.api.listVolumes(POOL)).map((v) => v.path)).toContain(added);
    expect(fs.existsSync(added!)).toBe(true);
  });

  it("refuses to delete an image another VM uses, shows the core's reason and changes nothing", { timeout: 90_000 }, async () => {
    await page.getByTestId('hw-add').click();
    const dialog = page.getByTestId('hw-add-dialog');
    await dialog.getByTestId('hw-add-kind').selectOption('disk');
    await dialog.getByTestId('hw-disk-source-volume').check();
    await dialog.getByTestId('hw-disk-pool').selectOption(POOL);
    await dialog.getByTestId('hw-disk-volume').selectOption('shared.qcow2');
    await dialog.getByTestId('hw-add-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await hwItem('disk:vda').waitFor({ timeout: 20_000 });
    expect(diskSource(await liveXml(), 'disk:vda')).toBe(SHARED);

    await hwItem('disk:vda').click();
    await page.getByTestId('hw-remove').click();
    const remove = page.getByTestId('hw-remove-dialog');
    await remove.getByTestId('hw-remove-delete-file').check();
    await remove.getByTestId('hw-remove-confirm').click();
    const refusal = remove.getByTestId('dialog-error');
    await expect.poll(() => refusal.count(), { timeout: 20_000 }).toBe(1);
    expect(await refusal.innerText()).toMatch(new RegExp(`${SHARED}.*cannot be deleted.*${OTHER}.*Nothing was changed`, 's'));
    expect(diskSource(await liveXml(), 'disk:vda')).toBe(SHARED);

    await remove.getByTestId('hw-remove-delete-file').uncheck();
    await remove.getByTestId('hw-remove-confirm').click();
    await remove.waitFor({ state: 'detached', timeout: 30_000 });
    await hwItem('disk:vda').waitFor({ state: 'detached', timeout: 20_000 });
    expect(fs.existsSync(SHARED)).toBe(true);
  });

  it('adds a NIC with a given MAC, unplugs its link live and removes it', { timeout: 90_000 }, async () => {
    const mac = '52:54:00:7e:57:01';
    const key = `interface:${mac}`;
    await page.getByTestId('hw-add').click();
    const dialog = page.getByTestId('hw-add-dialog');
    await dialog.getByTestId('hw-add-kind').selectOption('interface');
    await dialog.getByTestId('hw-nic-type-user').check();
    // A multicast MAC is refused next to the field before anything is sent.
    await page.locator('#hw-nic-mac').fill('01:00:5e:00:00:01');
    await dialog.getByTestId('hw-add-submit').click();
    expect(await page.locator('#hw-nic-mac-error').innerText()).toMatch(/multicast/);
    expect(await dialog.isVisible()).toBe(true);
    await page.locator('#hw-nic-mac').fill(mac);
    await dialog.getByTestId('hw-add-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await hwItem(key).waitFor({ timeout: 20_000 });
    expect(parseDomain(await liveXml()).device(key)).toBeDefined();

    await hwItem(key).click();
    await page.getByTestId('hw-nic-link-toggle').click();
    await expect.poll(() => page.getByTestId('hw-nic-link').getAttribute('data-up'), { timeout: 20_000 }).toBe('false');
    expect(parseDomain(await liveXml()).device(key)!.el.getElementsByTagName('link')[0]?.getAttribute('state')).toBe('down');

    await page.getByTestId('hw-remove').click();
    await page.getByTestId('hw-remove-confirm').click();
    await page.getByTestId('hw-remove-dialog').waitFor({ state: 'detached', timeout: 30_000 });
    await hwItem(key).waitFor({ state: 'detached', timeout: 20_000 });
    expect(parseDomain(await liveXml()).device(key)).toBeUndefined();
    expect(parseDomain(await configXml()).device(key)).toBeUndefined();
  });

  it('adds a random number generator live through its spec and removes it again', { timeout: 90_000 }, async () => {
    const rngs = async () => parseDomain(await liveXml()).devicesOf('rng').length;
    expect(await rngs()).toBe(0);
    await page.getByTestId('hw-add').click();
    const dialog = page.getByTestId('hw-add-dialog');
    await dialog.getByTestId('hw-add-kind').selectOption('rng');
    expect(await dialog.getByTestId('hw-where').getAttribute('data-where')).toBe('both');
    await dialog.getByTestId('hw-add-submit').click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const item = page.locator('[data-testid="hw-item"][data-group="rng"]');
    await item.waitFor({ timeout: 20_000 });
    expect(await rngs()).toBe(1);
    expect(parseDomain(await configXml()).devicesOf('rng')).toHaveLength(1);

    await item.click();
    await page.getByTestId('hw-remove').click();
    await page.getByTestId('hw-remove-confirm').click();
    await page.getByTestId('hw-remove-dialog').waitFor({ state: 'detached', timeout: 30_000 });
    await item.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await rngs()).toBe(0);
    expect(parseDomain(await configXml()).devicesOf('rng')).toHaveLength(0);
  });

  it('refuses an out-of-range memory value with a message next to the field and changes nothing', { timeout: 30_000 }, async () => {
    const before = await configXml();
    await hwItem('memory').click();
    await page.getByTestId('hw-memory-current').fill('8');
    await expect.poll(() => page.getByTestId('hw-memory-error').innerText()).toBe('Memory must be at least 16 MiB.');
    expect(await page.getByTestId('hw-memory-current').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('hw-memory-save').click();
    await page.getByTestId('hw-memory-current').fill('300');
    expect(await page.getByTestId('hw-memory-error').innerText()).toMatch(/cannot be more than the maximum/);
    await page.getByTestId('hw-memory-save').click();
    expect(await page.getByTestId('hw-status').count()).toBe(0);
    expect(await configXml()).toBe(before);
    expect(await page.getByTestId('hw-pending').count()).toBe(0);
  });

  it("changes the running VM's NIC model for the next boot: the live XML keeps it, the pending note names it", { timeout: 60_000 }, async () => {
    const nic = page.locator('[data-testid="hw-item"][data-group="interface"]').first();
    const key = (await nic.getAttribute('data-id'))!;
    await nic.click();
    const form = page.getByTestId('hw-nic-edit-form');
    expect(await form.getByTestId('hw-nic-save').isDisabled()).toBe(true);
    await form.getByTestId('hw-nic-edit-model').selectOption('e1000');
    expect(await form.getByTestId('hw-where').getAttribute('data-where')).toBe('config');
    await form.getByTestId('hw-nic-save').click();
    await expect.poll(() => form.getByTestId('hw-status').innerText(), { timeout: 20_000 }).toMatch(/applies after the VM is shut down/);
    const item = page.locator('[data-testid="hw-pending-item"][data-what="deviceChanged"]');
    await expect.poll(() => item.innerText(), { timeout: 20_000 }).toContain(`${key.slice('interface:'.length)}: its settings change when the VM is shut down`);
    expect((parseDomain(await liveXml()).device(key) as InterfaceDevice).model).toBe('virtio');
    expect((parseDomain(await configXml()).device(key) as InterfaceDevice).model).toBe('e1000');
  });

  it('sets CPU mode, model and topology of the running VM for the next boot; the definition has them', { timeout: 60_000 }, async () => {
    await hwItem('cpu').click();
    const form = page.getByTestId('hw-cpu-form');
    await form.getByTestId('hw-cpu-mode').selectOption('custom');
    const models = await page.locator('#hw-cpu-model option:not([disabled])').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    const model = models.includes('qemu64') ? 'qemu64' : models[0]!;
    await page.locator('#hw-cpu-model').selectOption(model);
    await form.getByTestId('hw-cpu-topology').check();
    await page.locator('#hw-sockets').fill('1');
    await page.locator('#hw-cores').fill('1');
    await page.locator('#hw-threads').fill('1');
    expect(await form.getByTestId('hw-where').getAttribute('data-where')).toBe('config');
    const liveCpu = parseDomain(await liveXml()).cpu;
    await form.getByTestId('hw-cpu-save').click();
    await expect.poll(() => form.getByTestId('hw-status').innerText(), { timeout: 20_000 }).toMatch(/applies after the VM is shut down/);
    const cpu = parseDomain(await configXml()).cpu;
    expect([cpu.mode, cpu.model, cpu.topology?.sockets, cpu.topology?.cores, cpu.topology?.threads]).toEqual(['custom', model, 1, 1, 1]);
    expect(parseDomain(await liveXml()).cpu.model).toBe(liveCpu.model);
    // The pending list names the CPU changes (libvirt's expansion of the running CPU is not one).
    const pendingCpu = page.locator('[data-testid="hw-pending-item"][data-what^="cpu"]');
    await expect.poll(() => pendingCpu.allInnerTexts(), { timeout: 20_000 }).toEqual([
      ...(liveCpu.model === model ? [] : [`CPU model: ${liveCpu.model} now, ${model} after the VM is shut down`]),
      'CPU topology: not set (QEMU’s default) now, 1 × 1 × 1 (sockets × cores × threads) after the VM is shut down',
    ]);
    await hwItem('memory').click();
  });

  it('sets memory for the next boot of the running VM: pending until it is shut off, then in the definition', { timeout: 90_000 }, async () => {
    await page.getByTestId('hw-memory-current').fill('192');
    await page.getByTestId('hw-when-config').check();
    expect(await page.getByTestId('hw-where').getAttribute('data-where')).toBe('config');
    await page.getByTestId('hw-memory-save').click();
    await expect.poll(() => page.getByTestId('hw-status').innerText(), { timeout: 20_000 }).toMatch(/applies after the VM is shut down/);
    const pending = page.getByTestId('hw-pending');
    await expect.poll(() => pending.innerText(), { timeout: 20_000 }).toContain('Memory: 256 MiB now, 192 MiB after the VM is shut down');
    expect(parseDomain(await liveXml()).currentMemoryKiB).toBe(256 * 1024);
    expect(parseDomain(await configXml()).currentMemoryKiB).toBe(192 * 1024);
    await saveScreenshot(page, 'vm-hardware-pending');

    await admin.api.destroyDomain({ uuid });
    await expect.poll(() => page.getByTestId('vm-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('shutoff');
    await expect.poll(() => pending.count(), { timeout: 20_000 }).toBe(0);
    expect(parseDomain(await configXml()).currentMemoryKiB).toBe(192 * 1024);
  });

  it('renames the VM while it is shut off', { timeout: 60_000 }, async () => {
    await hwItem('overview').click();
    const name = page.getByTestId('hw-name');
    await expect.poll(() => name.isDisabled(), { timeout: 20_000 }).toBe(false);
    await name.fill(`${ID}<x`);
    expect(await page.getByTestId('hw-name-error').innerText()).toMatch(/must not contain “<”/);
    // The core's refusal is shown as it says it; nothing changes.
    await name.fill(OTHER);
    await page.getByTestId('hw-rename').click();
    await expect.poll(() => page.getByTestId('hw-error').innerText(), { timeout: 20_000 }).toContain(`a VM named '${OTHER}' already exists`);
    expect(await page.getByTestId('vm-title').innerText()).toBe(NAME);
    await name.fill(RENAMED);
    await page.getByTestId('hw-rename').click();
    await expect.poll(() => page.getByTestId('vm-title').innerText(), { timeout: 20_000 }).toBe(RENAMED);
    expect((await admin.api.listDomains()).filter((d) => d.name.startsWith(ID)).map((d) => d.name).sort()).toEqual([OTHER, RENAMED].sort());
  });

  it('changes the boot order with the keyboard and the video model of the shut-off VM', { timeout: 60_000 }, async () => {
    await hwItem('boot').click();
    const rows = page.getByTestId('hw-boot-row');
    await rows.first().waitFor();
    const keys = async () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(await keys()).toEqual(['disk:hdc', expect.stringMatching(/^interface:/)]);
    const nic = (await keys())[1]!;
    // Both bootable, the NIC first: tick both, then Alt+↑ on the NIC's checkbox.
    for (const box of await rows.locator('input[type="checkbox"]').all()) await box.check();
    await rows.nth(1).locator('input[type="checkbox"]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await keys()).toEqual([nic, 'disk:hdc']);
    await page.getByTestId('hw-boot-save').click();
    await expect.poll(() => page.getByTestId('hw-status').count(), { timeout: 20_000 }).toBe(1);
    const d = parseDomain(await configXml());
    expect([d.device(nic)!.bootOrder, d.device('disk:hdc')!.bootOrder]).toEqual([1, 2]);

    await page.locator('[data-testid="hw-item"][data-group="video"]').click();
    await page.getByTestId('hw-spec-model').selectOption('virtio');
    expect(await page.getByTestId('hw-where').getAttribute('data-where')).toBe('config');
    await page.getByTestId('hw-device-save').click();
    await expect.poll(async () => parseDomain(await configXml()).devicesOf('video').map((v) => v.el.getElementsByTagName('model')[0]?.getAttribute('type')), { timeout: 20_000 }).toEqual(['virtio']);
  });

  it('shows the renamed VM in the VM list', { timeout: 30_000 }, async () => {
    await page.getByRole('button', { name: 'Back to list' }).click();
    await page.locator(`[data-testid="vm-row"][data-vm-name="${RENAMED}"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator(`[data-testid="vm-row"][data-vm-name="${NAME}"]`).count()).toBe(0);
  });
});
