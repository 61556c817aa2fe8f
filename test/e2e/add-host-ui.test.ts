// Adding a remote host through the add-host dialog in Debian's Chromium (browser mode), against
// the REAL second host (test/support/second-host.ts) over SSH with the passphrase-protected test
// key: the fields spell the URI, the unknown host key is shown with its fingerprint and accepted,
// the passphrase is asked in the app's dialog, and the host's VM appears in the list.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/api/core';
import { saveScreenshot } from '../support/browser';
import type { SecondHost } from '../support/second-host';
import { tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { hostKeyFingerprint, TwoHostUi } from '../support/two-host-ui';

const ID = uniqueName('vdt-h2-ui');
const VM = `${ID}-vm`;
const ui = new TwoHostUi(ID);
let host2: SecondHost;
let core: Core;
let page: Page;

beforeAll(async () => {
  const { second, host2: tcp } = await ui.connectHost2();
  host2 = second;
  await tcp.api.defineDomain(tinyGuestXml(VM));
  // The app has no connection to host 2 yet: the test adds it through the dialog.
  ({ core, page } = await ui.openUi('vdt-h2-ui-', async () => undefined));
}, 180_000);

afterAll(() => ui.close(), 120_000);

describe('add-host dialog', () => {
  it('adds host 2 over SSH: URI from the fields, host key accepted after its fingerprint, passphrase asked, its VM listed', { timeout: 180_000 }, async () => {
    await page.getByTestId('add-connection').click();
    const dlg = page.getByTestId('add-connection-dialog');
    await dlg.waitFor();
    await dlg.getByTestId('add-host-transport').selectOption('ssh');
    await dlg.getByTestId('add-host-target').fill(`root@${host2.sshHost}`);
    await dlg.getByTestId('add-host-port').fill(String(host2.sshPort));
    expect(await dlg.locator('#add-conn-uri').inputValue()).toBe(host2.sshUri);
    await dlg.getByTestId('add-host-key').fill(host2.passphraseKeyFile);
    expect(await dlg.getByTestId('add-host-at-start').isChecked()).toBe(true);
    await dlg.getByTestId('add-connection-submit').click();

    const keyDialog = page.getByTestId('host-key-dialog');
    await keyDialog.waitFor({ timeout: 60_000 });
    const fingerprint = hostKeyFingerprint(host2);
    expect(await keyDialog.getByTestId('host-key-fingerprints').innerText()).toContain(fingerprint);
    await saveScreenshot(page, 'add-host-key');
    await keyDialog.getByTestId('host-key-accept').click();

    const ask = page.getByTestId('credential-dialog');
    await ask.waitFor({ timeout: 60_000 }).catch(async (e: Error) => {
      const shown = await page.locator('[role="alert"], .error, [data-testid="connection"]').allInnerTexts().catch(() => []);
      throw new Error(`${e.message}; the page shows: ${JSON.stringify(shown)}; connection status: ${JSON.stringify(await core.call('connections.list', {}).catch((x: Error) => x.message))}`);
    });
    expect(await ask.getByTestId('credential-prompt').innerText()).toContain(host2.passphraseKeyFile);
    expect(await ask.locator('#credential-value').getAttribute('type')).toBe('password');
    await ask.locator('#credential-value').fill(host2.passphrase);
    await ask.getByTestId('credential-submit').click();

    const conn = page.locator(`[data-testid="connection"][data-uri="${host2.sshUri}"]`);
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await conn.click();
    await page.locator(`[data-testid="vm-row"][data-vm-name="${VM}"]`).waitFor({ timeout: 60_000 });
    expect(core.settings.settings.connections.find((c) => c.uri === host2.sshUri)).toEqual({ uri: host2.sshUri, keyFile: host2.passphraseKeyFile, connectAtStart: true });
    await saveScreenshot(page, 'add-host-listed');
  });
});
