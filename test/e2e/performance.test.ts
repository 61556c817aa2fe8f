// The Performance tab in Chromium (browser mode) against the REAL qemu:///system: a running tiny
// guest (with a disk and a tap NIC, so libvirt has disk and network counters) gets four uPlot
// charts that draw their series, and the history lives in the app: leaving the tab or the VM and
// coming back shows the same samples and more, not an empty chart. The Host page charts the host.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { SYSTEM_URI, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';

const NAME = uniqueName('vdt-perf-e2e');
const DISK = path.join('/var/lib/libvirt/images', `${NAME}.qcow2`);
const TAP = `vdtpe${process.pid % 100_000}`;
const CHARTS = ['cpu-chart', 'memory-chart', 'disk-chart', 'network-chart'] as const;

describe('performance charts in the browser (qemu:///system)', () => {
  const admin = new LibvirtHostClient(SYSTEM_URI, nodeHostSpawner);
  let served: Served;
  let browser: Browser;
  let page: Page;

  const points = async (testid: string): Promise<number> => Number(await page.getByTestId(testid).getAttribute('data-points'));
  /** Pixels of the chart's canvas painted in its series' colours (the theme's CSS variables). */
  const seriesPixels = (testid: string, ...cssVars: string[]): Promise<number> =>
    page.getByTestId(testid).evaluate((el, vars) => {
      const canvas = el.querySelector('canvas');
      if (!canvas) return -1;
      const colours = vars.map((v) => {
        const probe = document.createElement('span');
        probe.style.color = getComputedStyle(el).getPropertyValue(v);
        el.append(probe);
        const rgb = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
        probe.remove();
        return rgb;
      });
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] === 255 && colours.some(([r, g, b]) => px[i] === r && px[i + 1] === g && px[i + 2] === b)) n++;
      return n;
    }, cssVars);

  beforeAll(async () => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', DISK, '64M']);
    const xml = tinyGuestXml(NAME, { disk: DISK, memoryMiB: 128 }).replace(/<interface type="user">/, `<interface type="ethernet"><target dev="${TAP}" managed="yes"/>`);
    await admin.api.defineDomain(xml);
    await admin.api.startDomain({ name: NAME });
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(served.url);
  }, 120_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    await removeDomainsWithPrefix(admin, NAME);
    fs.rmSync(DISK, { force: true });
    await admin.close();
  });

  it('draws CPU, memory, disk and network charts of a running guest, and keeps their history across tabs', { timeout: 120_000 }, async () => {
    const row = page.locator(`[data-testid="vm-row"][data-vm-name="${NAME}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.getByTestId('vm-tab-performance').click();

    for (const id of CHARTS) {
      await expect.poll(() => points(id), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      expect(await page.getByTestId(id).locator('canvas').count(), id).toBe(1);
    }
    // Every chart's lines are on its canvas (disk and network too: their series are numbers, maybe
    // all 0, when the written / sent line is drawn over the read / received one).
    await expect.poll(() => seriesPixels('cpu-chart', '--chart-cpu'), { timeout: 10_000 }).toBeGreaterThan(20);
    await expect.poll(() => seriesPixels('memory-chart', '--chart-mem'), { timeout: 10_000 }).toBeGreaterThan(20);
    await expect.poll(() => seriesPixels('disk-chart', '--chart-in', '--chart-out'), { timeout: 10_000 }).toBeGreaterThan(20);
    await expect.poll(() => seriesPixels('network-chart', '--chart-in', '--chart-out'), { timeout: 10_000 }).toBeGreaterThan(20);
    await expect.poll(() => page.getByTestId('perf-net-now').innerText()).toMatch(/\/s/);
    // Screen readers get what the chart shows and the latest value.
    const cpuLabel = await page.getByTestId('cpu-chart').getByRole('img').getAttribute('aria-label');
    expect(cpuLabel).toMatch(/CPU usage over the last \d+ samples\. Now: [\d.]+%/);
    await saveScreenshot(page, 'vm-performance');

    const before = await points('cpu-chart');
    await page.getByTestId('vm-tab-overview').click();
    await page.getByTestId('vm-tab-performance').click();
    expect(await points('cpu-chart')).toBeGreaterThanOrEqual(before);
    expect(await points('network-chart')).toBeGreaterThanOrEqual(before);

    // Back to the list and into the VM again: still the same history.
    await page.getByRole('button', { name: 'Back to list' }).click();
    await row.click();
    await page.getByTestId('vm-tab-performance').click();
    expect(await points('cpu-chart')).toBeGreaterThanOrEqual(before);
    await expect.poll(() => seriesPixels('cpu-chart', '--chart-cpu'), { timeout: 10_000 }).toBeGreaterThan(20);

    // A theme switch (what Settings → Theme does to <html>) repaints in the new theme's colours.
    const lightBlue = await seriesPixels('cpu-chart', '--chart-cpu');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    expect(await page.getByTestId('cpu-chart').evaluate((el) => getComputedStyle(el).getPropertyValue('--chart-cpu').trim())).toBe('#5b8def');
    await expect.poll(() => seriesPixels('cpu-chart', '--chart-cpu'), { timeout: 10_000 }).toBeGreaterThan(20);
    expect(lightBlue).toBeGreaterThan(20);
    await saveScreenshot(page, 'vm-performance-dark');
  });

  it('charts the host CPU and memory on the Host page', { timeout: 60_000 }, async () => {
    await page.getByTestId('nav-host').click();
    await expect.poll(() => points('host-load-chart'), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => seriesPixels('host-load-chart', '--chart-mem'), { timeout: 10_000 }).toBeGreaterThan(20);
    await expect.poll(() => page.getByTestId('host-load-now').innerText()).toMatch(/^CPU [\d.]+%, memory .+ of .+/);
    await saveScreenshot(page, 'host-load');
  });
});
