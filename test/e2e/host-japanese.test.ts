// The Host page in Japanese, in the browser against the real qemu:///system: the host check's
// titles, details, fixes, headline and explanation come from the server as message keys and show
// in Japanese. Rule (as in test/unit/renderer/server-texts-ja.test.ts): after removing code spans
// (commands), quoted text ("…", '…', 「…」: libvirt's and the OS's own words), <…> XML snippets,
// words with / (paths, URIs), the CPU model, this user's name and the product names, no run of
// 3 or more ASCII letters is left.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';

const NAMES = [
  'KVM', 'QEMU', 'libvirt', 'libvirtd', 'Intel', 'AMD', 'VT-x', 'AMD-V', 'SVM', 'vmx', 'svm', 'UEFI', 'BIOS', 'OVMF', 'PVM',
  'kvm_intel', 'kvm_amd', 'kvm_pvm', 'kvm', 'qemu', 'LXC', 'TCG', 'CPU', 'VMware', 'Hyper-V', 'VirtualBox', 'Linux', 'Windows',
  'Virtdesk', 'MiB', 'YAML', 'systemd', 'x86_64', 'EPT', 'RVI', 'URI', 'udev',
];

function englishLeft(text: string, data: string[]): string[] {
  let rest = text;
  for (const d of data.filter(Boolean)) rest = rest.split(d).join(' ');
  rest = rest.replace(/"[^"]*"|'[^']*'|「[^」]*」|<[^>]*>/g, ' ');
  rest = rest.replace(/\S*\/\S*/g, ' ');
  for (const name of [...NAMES].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
}

describe('the Host page in Japanese (qemu:///system)', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await startServe();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
  });

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
  });

  it('shows every host check, the headline and the explanation in Japanese', { timeout: 90_000 }, async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await page.getByTestId('nav-host').click();
    await page.getByTestId('host-verdict').waitFor({ timeout: 30_000 });
    const checks = page.locator('[data-testid="host-check"]');
    await expect.poll(() => checks.count()).toBeGreaterThan(5);

    // Data shown as it is: commands in <code>, the CPU model, this user's name.
    const code = await page.locator('[data-testid="host-check"] code, [data-testid="host-verdict"] code').allInnerTexts();
    const model = await page.locator('section[aria-labelledby="host-cpu"] dd').first().innerText();
    const data = [...code, model, os.userInfo().username].sort((a, b) => b.length - a.length);

    const texts = [
      await page.getByTestId('host-verdict').innerText(),
      ...(await checks.evaluateAll((els) => els.map((el) => (el.querySelector('.check-body, div') as HTMLElement | null)?.innerText ?? (el as HTMLElement).innerText))),
    ];
    for (const text of texts) {
      expect(text, 'has Japanese').toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(englishLeft(text, data), `English words left in: ${text} (code: ${JSON.stringify(code)})`).toEqual([]);
    }
    await saveScreenshot(page, 'host-japanese');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('en');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  });
});
