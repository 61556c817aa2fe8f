// The Labs page when the containers' LXC connection is down (browser mode, Debian's Chromium):
// a saved LXC connection whose daemon does not answer (its socket does not exist) makes the page
// say that the labs' containers are not listed and how to bring the connection back — in
// English, and in Japanese after switching the language (the sidebar's reason and tooltip too). The VM connection is the real
// qemu:///system; nothing is created.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot } from '../support/browser';
import { startServe, type Served } from '../support/serve';
import { SYSTEM_URI } from '../support/tiny-guest';
import { checkConnectionUri } from '../../src-main/contract/connection-uri';

const LXC_DOWN = 'lxc:///system?socket=/run/libvirt/vdt-lxcdown-nodaemon/libvirt-sock';
/** The spelling the app knows the connection by (the socket path percent-encoded). */
const CANONICAL = (() => {
  const r = checkConnectionUri(LXC_DOWN);
  if (!r.ok) throw new Error(r.reason);
  return r.uri;
})();

describe('Labs page: LXC connection down', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-lxcdown-ui-'));
    fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ defaultConnection: SYSTEM_URI, connections: [{ uri: SYSTEM_URI }, { uri: LXC_DOWN, label: 'containers' }] }));
    served = await startServe({ settingsDir });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
  }, 120_000);

  afterAll(async () => {
    await page?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await served?.stop();
    if (served) fs.rmSync(served.settingsDir, { recursive: true, force: true });
  });

  it('says the containers are missing and names the down connection, in English and Japanese', { timeout: 120_000 }, async () => {
    await page.locator(`[data-testid="connection"][data-uri="${CANONICAL}"][data-state="failed"]`).waitFor({ timeout: 60_000 });
    await page.locator(`[data-testid="connection"][data-uri="${SYSTEM_URI}"] button`).first().click();
    await page.getByTestId('nav-labs').click();
    const note = page.getByTestId('labs-lxc-down');
    await note.waitFor({ timeout: 30_000 });
    const en = await note.innerText();
    expect(en).toContain(`The container connection ${CANONICAL} is down`);
    expect(en).toContain("the labs' containers are not listed");
    await saveScreenshot(page, 'labs-lxc-down');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await page.getByTestId('nav-labs').click();
    const ja = await page.getByTestId('labs-lxc-down').innerText();
    expect(ja).toContain(`コンテナー用の接続 ${CANONICAL} が切断されています`);
    expect(ja).toContain('コンテナーだけのラボ');
    // The sidebar says why the connection failed in Japanese too, in its line and its tooltip.
    const row = page.locator(`[data-testid="connection"][data-uri="${CANONICAL}"]`);
    const why = await row.getByTestId('connection-error').innerText();
    expect(why).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(await row.locator('button.conn-main').getAttribute('title')).toBe(`${CANONICAL}\n${why}`);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language-select').selectOption('en');
  });
});
