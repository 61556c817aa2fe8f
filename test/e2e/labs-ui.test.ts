// The testing-labs UI end to end: browser mode in Debian's Chromium against the REAL qemu:///system
// with the tiny guest. A lab written in the Labs screen's editor (a line-numbered error first),
// brought up, its machines running, reset, listed by the VM list's lab filter, taken down (the
// confirmation lists what goes); a snapshot tree built, reverted and pruned in the Snapshots tab;
// full and linked clones through the clone dialog; and the template warning naming the linked
// clone when the template is started.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI, tinyGuestFiles, tinyGuestXml, uniqueName } from '../support/tiny-guest';

const ID = uniqueName('vdu'); // vdu-<pid>-<rand>: short enough for a lab name (≤ 24)
const LAB = ID;
const POOL = `${ID}-pool`;
const POOL_DIR = path.join('/var/lib/libvirt/images', POOL);
const BASE_DIR = path.join('/var/lib/libvirt/images', `${ID}-base`);
const BASE = path.join(BASE_DIR, 'base.qcow2');
const VM = `${ID}-vm`;
const FULL = `${ID}-full`;
const LINKED = `${ID}-linked`;
const LABS_POOL = 'virtdesk-labs';

const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
let served: Served;
let browser: Browser;
let page: Page;
let labsPoolExisted = false;

function labYaml(count: number | string): string {
  const f = tinyGuestFiles();
  return [
    `name: ${LAB}`,
    'base:',
    `  image: ${BASE}`,
    'machines:',
    '  - name: node',
    '    memoryMiB: 128',
    '    vcpus: 1',
    `    count: ${count}`,
    '    boot:',
    `      kernel: ${f.kernel}`,
    `      initrd: ${f.initrd}`,
    '      cmdline: console=ttyS0 quiet',
    'network: none',
    'tags: [e2e-ui]',
    '',
  ].join('\n');
}

async function removeVm(name: string): Promise<void> {
  await admin.api.destroyDomain({ name }).catch(() => undefined);
  await admin.api.undefineDomain({ name }, { managedSave: true, snapshotsMetadata: true }).catch(() => undefined);
}

const row = (name: string) => page.locator(`[data-testid="vm-row"][data-vm-name="${name}"]`);

async function openVm(name: string): Promise<void> {
  await page.getByTestId('nav-vms').click();
  await page.getByTestId('search').fill(name);
  await row(name).waitFor({ timeout: 30_000 });
  await row(name).click();
  await page.getByTestId('vm-details').waitFor();
  await expect.poll(() => page.getByTestId('vm-title').innerText()).toBe(name);
}

const state = (name: string) => admin.api.domainState({ name }).then((s) => s.state);

beforeAll(async () => {
  await admin.connect();
  const f = tinyGuestFiles();
  labsPoolExisted = (await admin.api.listPools()).some((p) => p.name === LABS_POOL);
  fs.mkdirSync(BASE_DIR, { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', BASE, '32M']);
  fs.chmodSync(BASE, 0o644);
  // A pool of our own holding the VM's disk: full clones copy through the storage API.
  await admin.api.definePool(`<pool type='dir'><name>${POOL}</name><target><path>${POOL_DIR}</path></target></pool>`, { build: true, start: true });
  const disk = path.join(POOL_DIR, `${VM}.qcow2`);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '32M']);
  await admin.api.refreshPool(POOL);
  await admin.api.defineDomain(tinyGuestXml(VM, { disk, memoryMiB: 128 }));
  expect(fs.existsSync(f.kernel)).toBe(true);
  served = await startServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(served.url);
  await page.locator('[data-testid="connection"][data-state="connected"]').first().waitFor({ timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await page?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await served?.stop();
  // Everything this file may have created: VMs with our prefix (lab machines included), the lab
  // network, overlays in virtdesk-labs, our pool and folders.
  for (const d of await admin.api.listDomains().catch(() => [])) if (d.name.startsWith(ID)) await removeVm(d.name);
  for (const n of await admin.api.listNetworks().catch(() => [])) {
    if (n.name !== `vdlab-${LAB}`) continue;
    await admin.api.stopNetwork(n.name).catch(() => undefined);
    await admin.api.undefineNetwork(n.name).catch(() => undefined);
  }
  for (const v of await admin.api.listVolumes(LABS_POOL).catch(() => [])) if (v.name.startsWith(ID)) await admin.api.deleteVolume(LABS_POOL, v.name).catch(() => undefined);
  if (!labsPoolExisted && (await admin.api.listVolumes(LABS_POOL).catch(() => [1])).length === 0) {
    await admin.api.stopPool(LABS_POOL).catch(() => undefined);
    await admin.api.undefinePool(LABS_POOL).catch(() => undefined);
    fs.rmSync('/var/lib/libvirt/images/virtdesk-labs', { recursive: true, force: true });
  }
  for (const v of await admin.api.listVolumes(POOL).catch(() => [])) await admin.api.deleteVolume(POOL, v.name).catch(() => undefined);
  await admin.api.stopPool(POOL).catch(() => undefined);
  await admin.api.undefinePool(POOL).catch(() => undefined);
  for (const d of [POOL_DIR, BASE_DIR]) fs.rmSync(d, { recursive: true, force: true });
  await admin.close();
}, 180_000);

describe('testing labs in the browser (qemu:///system)', () => {
  it('writes a lab in the editor, brings it up, resets it, filters the VM list by it and takes it down', { timeout: 360_000 }, async () => {
    await page.getByTestId('nav-labs').click();
    await page.getByTestId('labs-page').waitFor();
    await page.getByTestId('lab-source-text').check();

    // A wrong count: the error names line 8, and the editor marks that line.
    await page.getByTestId('lab-text').fill(labYaml(0));
    await page.getByTestId('lab-validate').click();
    const issue = page.getByTestId('lab-issue').first();
    await issue.waitFor({ timeout: 30_000 });
    expect(await issue.getAttribute('data-line')).toBe('8');
    expect(await issue.innerText()).toMatch(/Line 8[\s\S]*machines\[0\]\.count: must be between 1 and 50/);
    expect(await page.locator('.gutter .bad').allInnerTexts()).toEqual(['8']);
    await saveScreenshot(page, 'labs-invalid');

    // Fixed: valid, with the machines it would create.
    await page.getByTestId('lab-text').fill(labYaml(2));
    await page.getByTestId('lab-validate').click();
    const validation = page.locator('[data-testid="lab-validation"][data-ok="true"]');
    await validation.waitFor({ timeout: 30_000 });
    expect(await validation.innerText()).toContain(`${LAB}-node-1, ${LAB}-node-2`);

    // The same lab as a file on the host: typed path, validated by the server reading it.
    const labFile = path.join(BASE_DIR, `${LAB}.lab.yaml`);
    fs.writeFileSync(labFile, labYaml(2).replace('count: 2', 'count: nope'));
    await page.getByTestId('lab-source-file').check();
    await page.getByTestId('lab-path').fill(labFile);
    await page.getByTestId('lab-validate').click();
    const fileIssue = page.getByTestId('lab-issue').first();
    await fileIssue.waitFor({ timeout: 30_000 });
    expect(await fileIssue.innerText()).toMatch(/Line 8[\s\S]*machines\[0\]\.count: must be a number/);
    // The file chooser opens on the server's folders.
    await page.getByTestId('lab-path-browse').click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('lab-source-text').check();
    await validation.waitFor(); // the text's validation is still current

    // Up: busy while it runs, then the result and the lab's card with both machines running.
    await page.getByTestId('lab-up').click();
    await page.getByTestId('lab-up-busy').waitFor({ timeout: 5_000 });
    const result = page.getByTestId('lab-up-result');
    await result.waitFor({ timeout: 240_000 });
    expect(await result.innerText()).toContain(`Created: ${LAB}-node-1, ${LAB}-node-2.`);
    const card = page.locator(`[data-testid="lab-card"][data-lab="${LAB}"]`);
    await card.waitFor({ timeout: 30_000 });
    const machines = card.getByTestId('lab-machine');
    await expect.poll(() => machines.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-vm-name')}:${e.getAttribute('data-state')}`)), { timeout: 30_000 }).toEqual([
      `${LAB}-node-1:running`,
      `${LAB}-node-2:running`,
    ]);
    expect(await card.getByTestId('lab-running').innerText()).toBe('2 of 2 running');
    expect(await state(`${LAB}-node-1`)).toBe('running');
    await saveScreenshot(page, 'labs-up');

    // Stop: both forced off, shown live.
    await card.getByTestId('lab-stop').click();
    await expect.poll(() => machines.evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), { timeout: 60_000 }).toEqual(['shutoff', 'shutoff']);
    await card.getByTestId('lab-result').waitFor();
    expect(await state(`${LAB}-node-2`)).toBe('shutoff');

    // Reset (asks first): fresh overlays, running again, and the result says so.
    const overlay = path.join('/var/lib/libvirt/images/virtdesk-labs', `${LAB}-node-1-vda.qcow2`);
    expect(fs.existsSync(overlay)).toBe(true);
    await card.getByTestId('lab-reset').click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-dialog').innerText()).toContain('fresh overlay');
    await page.getByTestId('confirm-ok').click();
    // Busy while it runs (with the seconds so far), then what it did.
    await expect.poll(() => card.getAttribute('data-busy'), { timeout: 5_000, interval: 50 }).toBe('reset');
    expect(await card.getByTestId('lab-busy').innerText()).toMatch(new RegExp(`Resetting lab ${LAB} to its baseline… \\d+ s`));
    const resetResult = card.getByTestId('lab-result');
    await expect.poll(() => resetResult.innerText().catch(() => ''), { timeout: 180_000 }).toContain('back to its baseline: 2 machines with fresh disks');
    await expect.poll(() => machines.evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), { timeout: 60_000 }).toEqual(['running', 'running']);
    expect(await state(`${LAB}-node-1`)).toBe('running');

    // The VM list filtered by the lab shows its machines only; by tag, too.
    await card.getByTestId('lab-show-vms').click();
    await page.getByTestId('vm-grid').waitFor();
    expect(await page.getByTestId('lab-filter').inputValue()).toBe(LAB);
    const rows = page.locator('[data-testid="vm-row"]');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-vm-name')).sort())).toEqual([`${LAB}-node-1`, `${LAB}-node-2`]);
    await saveScreenshot(page, 'vm-list-lab-filter');
    await page.getByTestId('lab-filter').selectOption('');
    await expect.poll(() => rows.count()).toBeGreaterThan(2);
    await page.getByTestId('tag-filter').selectOption('e2e-ui');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-vm-name')).sort())).toEqual([`${LAB}-node-1`, `${LAB}-node-2`]);
    expect(await row(`${LAB}-node-1`).getByTestId('vm-lab').innerText()).toBe(LAB);
    await saveScreenshot(page, 'vm-list-tag-filter');
    await page.getByTestId('tag-filter').selectOption('');

    // Down: the confirmation lists exactly the VMs and overlay files; then the lab is gone.
    await page.getByTestId('nav-labs').click();
    await card.getByTestId('lab-down').click();
    const dialog = page.getByTestId('lab-down-dialog');
    await dialog.getByTestId('lab-down-plan').waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId('lab-down-vms').locator('li').allInnerTexts()).toEqual([`${LAB}-node-1`, `${LAB}-node-2`]);
    expect(await dialog.getByTestId('lab-down-overlays').locator('li').allInnerTexts()).toEqual([1, 2].map((i) => path.join('/var/lib/libvirt/images/virtdesk-labs', `${LAB}-node-${i}-vda.qcow2`)));
    expect(await dialog.getByTestId('lab-down-network').innerText()).toBe('none');
    await saveScreenshot(page, 'labs-down-confirm');
    await dialog.getByTestId('confirm-ok').click();
    await page.getByTestId('lab-down-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('lab-down-result').innerText()).toContain(`Lab ${LAB} is gone: 2 VMs and 2 overlay files removed`);
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(0);
    const left = (await admin.api.listDomains()).map((d) => d.name).filter((n) => n.startsWith(`${LAB}-node`));
    expect(left).toEqual([]);
    expect(fs.existsSync(overlay)).toBe(false);
    expect(fs.existsSync(BASE)).toBe(true);
  });

  it('builds a snapshot tree in the Snapshots tab, reverts to a snapshot and deletes one', { timeout: 240_000 }, async () => {
    await openVm(VM);
    await page.getByTestId('vm-tab-snapshots').click();
    const caps = page.getByTestId('snapshot-caps');
    await caps.waitFor({ timeout: 30_000 });
    // What this libvirt (9.0 on Debian 12) can and cannot do.
    expect(await caps.locator('[data-cap="internal"]').getAttribute('data-ok')).toBe('true');
    expect(await caps.locator('[data-cap="externalRevert"]').innerText()).toMatch(/needs libvirt 9\.9\.0 or newer \(installed: 9\.0\.0\)/);
    await page.getByTestId('snapshot-empty').waitFor();

    const take = async (name: string, description?: string): Promise<void> => {
      await page.getByTestId('snapshot-take').click();
      const dlg = page.getByTestId('snapshot-dialog');
      await dlg.waitFor();
      await dlg.getByTestId('snapshot-name').fill(name);
      if (description) await dlg.getByTestId('snapshot-description').fill(description);
      await dlg.getByTestId('snapshot-submit').click();
      await dlg.waitFor({ state: 'detached', timeout: 60_000 });
      await page.locator(`[data-testid="snapshot-node"][data-name="${name}"]`).waitFor({ timeout: 30_000 });
    };
    const nodes = () => page.getByTestId('snapshot-node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-name')}@${e.getAttribute('data-depth')}${e.getAttribute('data-current') === 'true' ? '*' : ''}`));

    // A bad name is refused inline before anything is sent.
    await page.getByTestId('snapshot-take').click();
    await page.getByTestId('snapshot-name').fill('no spaces allowed');
    expect(await page.getByTestId('snapshot-name-error').innerText()).toMatch(/letters, digits/);
    expect(await page.getByTestId('snapshot-submit').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');

    await take('base', 'clean install');
    await take('second');
    expect(await nodes()).toEqual(['base@0', 'second@1*']);

    // Running: an internal snapshot always includes memory (locked); external makes it a choice.
    await admin.api.startDomain({ name: VM });
    await expect.poll(() => page.getByTestId('vm-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    await page.getByTestId('snapshot-take').click();
    const dlg = page.getByTestId('snapshot-dialog');
    const memory = dlg.getByTestId('snapshot-memory');
    await memory.waitFor();
    expect([await memory.isChecked(), await memory.isDisabled()]).toEqual([true, true]);
    await dlg.getByTestId('snapshot-external').check();
    expect(await memory.isDisabled()).toBe(false);
    await dlg.getByTestId('snapshot-internal').check();
    await dlg.getByTestId('snapshot-name').fill('live');
    await dlg.getByTestId('snapshot-submit').click();
    await dlg.waitFor({ state: 'detached', timeout: 120_000 });
    const live = page.locator('[data-testid="snapshot-node"][data-name="live"]');
    await live.waitFor({ timeout: 30_000 });
    expect(await live.innerText()).toContain('With memory');
    expect(await nodes()).toEqual(['base@0', 'second@1', 'live@2*']);
    await admin.api.destroyDomain({ name: VM });
    await expect.poll(() => page.getByTestId('vm-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('shutoff');
    await saveScreenshot(page, 'snapshot-tree');

    // Revert to 'base' (asks first): it becomes the current one; the VM stays shut off.
    await page.locator('[data-testid="snapshot-node"][data-name="base"] [data-testid="snapshot-revert"]').click();
    const revertDialog = page.getByTestId('snapshot-revert-dialog');
    await revertDialog.waitFor();
    expect(await revertDialog.innerText()).toContain('every change made since then is lost');
    await revertDialog.getByTestId('confirm-ok').click();
    await revertDialog.waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(nodes, { timeout: 15_000 }).toEqual(['base@0*', 'second@1', 'live@2']);
    expect((await admin.api.listSnapshots({ name: VM })).find((s) => s.current)?.name).toBe('base');
    expect(await state(VM)).toBe('shutoff');
    expect(await page.getByTestId('snapshot-notice').innerText()).toContain('Reverted to “base”');

    // Delete 'second': its child moves up to 'base'.
    await page.locator('[data-testid="snapshot-node"][data-name="second"] [data-testid="snapshot-delete"]').click();
    const deleteDialog = page.getByTestId('snapshot-delete-dialog');
    await deleteDialog.waitFor();
    expect(await deleteDialog.innerText()).toContain('Its child snapshots (live) move to its parent (base)');
    await deleteDialog.getByTestId('confirm-ok').click();
    await deleteDialog.waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(nodes, { timeout: 15_000 }).toEqual(['base@0*', 'live@1']);
    expect((await admin.api.listSnapshots({ name: VM })).map((s) => s.name).sort()).toEqual(['base', 'live']);
  });

  it('clones through the dialog: names checked inline, a full copy with progress, refused while running', { timeout: 180_000 }, async () => {
    await openVm(VM);
    // Running: the dialog says why it cannot clone and keeps the button disabled.
    await admin.api.startDomain({ name: VM });
    await expect.poll(() => page.getByTestId('vm-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-clone').click();
    const dlg = page.getByTestId('clone-dialog');
    await dlg.waitFor();
    expect(await dlg.getByTestId('clone-blocked').innerText()).toContain(`${VM} is running: shut it down first`);
    expect(await dlg.getByTestId('clone-submit').isDisabled()).toBe(true);
    await admin.api.destroyDomain({ name: VM });
    // Shut off (live): the reason goes away.
    await dlg.getByTestId('clone-blocked').waitFor({ state: 'detached', timeout: 15_000 });

    const name = dlg.getByTestId('clone-name');
    expect(await name.inputValue()).toBe(`${VM}-clone`);
    await name.fill('bad/name');
    expect(await dlg.getByTestId('clone-name-error').innerText()).toContain('must not contain “/”');
    expect(await dlg.getByTestId('clone-submit').isDisabled()).toBe(true);
    await name.fill(VM);
    expect(await dlg.getByTestId('clone-name-error').innerText()).toContain(`A VM named “${VM}” already exists`);
    await name.fill(FULL);
    expect(await dlg.getByTestId('clone-name-error').count()).toBe(0);
    await dlg.getByTestId('clone-mode-full').check();
    await dlg.getByTestId('clone-submit').click();

    const done = dlg.getByTestId('clone-result');
    await done.waitFor({ timeout: 120_000 });
    expect(await done.innerText()).toContain(`Full clone “${FULL}” created`);
    // The copy's progress arrived as events: the bar ends full.
    const progress = dlg.getByTestId('clone-progress');
    const [doneBytes, total] = [Number(await progress.getAttribute('data-done')), Number(await progress.getAttribute('data-total'))];
    expect(total).toBeGreaterThan(0);
    expect(doneBytes).toBe(total);
    await saveScreenshot(page, 'clone-done');
    await dlg.getByTestId('clone-close').click();

    await page.getByTestId('nav-vms').click();
    await page.getByTestId('search').fill(FULL);
    await row(FULL).waitFor({ timeout: 15_000 });
    expect(await row(FULL).getAttribute('data-vm-state')).toBe('shutoff');
    expect(fs.existsSync(path.join(POOL_DIR, `${FULL}-vda.qcow2`))).toBe(true);
  });

  it('warns before starting a template, naming its linked clones', { timeout: 120_000 }, async () => {
    await openVm(VM);
    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-clone').click();
    const dlg = page.getByTestId('clone-dialog');
    await dlg.getByTestId('clone-name').fill(LINKED);
    await dlg.getByTestId('clone-mode-linked').check();
    await dlg.getByTestId('clone-submit').click();
    await dlg.getByTestId('clone-result').waitFor({ timeout: 60_000 });
    expect(await dlg.getByTestId('clone-result').innerText()).toContain(`Linked clone “${LINKED}” created`);
    expect(await dlg.innerText()).toContain(`${VM} is now a template`);
    await dlg.getByTestId('clone-close').click();

    // Start asks first and names the clone; Cancel leaves the template off.
    await page.locator('[data-action="start"]').click();
    const warning = page.getByTestId('template-warning');
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.getByTestId('template-clones').locator('li').allInnerTexts()).toEqual([LINKED]);
    expect(await warning.innerText()).toContain(`Starting ${VM} writes to its disks`);
    await saveScreenshot(page, 'template-warning');
    await warning.getByTestId('template-cancel').click();
    await warning.waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await state(VM)).toBe('shutoff');

    // Delete asks too.
    await page.getByTestId('vm-more').click();
    await page.getByTestId('vm-delete').click();
    await page.getByTestId('template-warning').waitFor({ timeout: 15_000 });
    await page.getByTestId('template-cancel').click();
    expect(await page.getByTestId('delete-vm-dialog').count()).toBe(0);

    // The linked clone itself is no template: it starts without a question.
    await openVm(LINKED);
    await page.locator('[data-action="start"]').click();
    await expect.poll(() => state(LINKED), { timeout: 30_000 }).toBe('running');
    expect(await page.getByTestId('template-warning').count()).toBe(0);
    await admin.api.destroyDomain({ name: LINKED });
  });
});
