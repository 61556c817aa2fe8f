// The connection list's "Accept key…" in Debian's Chromium (browser mode), against the REAL
// second host over SSH (test/support/second-host.ts): a saved connection that failed on an
// unknown host key gets the button; it opens the host-key dialog with the fingerprint; Refuse
// leaves the connection failed and nothing accepted; Accept connects it, without adding the host again.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/api/core';
import type { ConnectionStatus } from '../../src-main/contract';
import { saveScreenshot } from '../support/browser';
import type { SecondHost } from '../support/second-host';
import { uniqueName } from '../support/tiny-guest';
import { hostKeyFingerprint, TwoHostUi } from '../support/two-host-ui';

const ui = new TwoHostUi(uniqueName('vdt-hostkey-list')); // creates no domains
let host2: SecondHost;
let core: Core;
let page: Page;

beforeAll(async () => {
  host2 = await ui.startSecond();
  ({ core, page } = await ui.openUi('vdt-hostkey-list-', async (c) => {
    // Saved, but its key never accepted (a fresh settings folder knows no host key).
    const added = (await c.call('connections.add', { uri: host2.sshUri, keyFile: host2.keyFile })) as ConnectionStatus;
    expect(added).toMatchObject({ state: 'failed', hostKey: { status: 'unknown' } });
  }));
}, 180_000);

afterAll(() => ui.close(), 120_000);

describe('connection list: Accept key…', () => {
  it('opens the host-key dialog for a saved host with an unknown key; Refuse changes nothing, Accept connects', { timeout: 180_000 }, async () => {
    const conn = page.locator(`[data-testid="connection"][data-uri="${host2.sshUri}"]`);
    await conn.waitFor({ timeout: 60_000 });
    expect(await conn.getAttribute('data-state')).toBe('failed');
    const acceptKey = conn.getByTestId('connection-accept-key');
    expect(await acceptKey.innerText()).toBe('Accept key…');
    // Reconnecting would only fail on the same key: the key is what to act on.
    expect(await conn.getByRole('button', { name: /^Reconnect/ }).count()).toBe(0);
    const knownHosts = path.join(ui.settingsDir!, 'ssh/known_hosts');
    const knownBefore = fs.existsSync(knownHosts) ? fs.readFileSync(knownHosts, 'utf8') : '';

    await acceptKey.click();
    const dialog = page.getByTestId('host-key-dialog');
    await dialog.waitFor();
    const fingerprint = hostKeyFingerprint(host2);
    expect(await dialog.getByTestId('host-key-fingerprints').innerText()).toContain(fingerprint);
    await dialog.getByTestId('host-key-refuse').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await conn.getAttribute('data-state')).toBe('failed');
    expect(fs.existsSync(knownHosts) ? fs.readFileSync(knownHosts, 'utf8') : '').toBe(knownBefore);
    expect(core.settings.settings.connections.map((c) => c.uri)).toContain(host2.sshUri);

    await acceptKey.click();
    await dialog.waitFor();
    await saveScreenshot(page, 'connection-list-accept-key');
    await dialog.getByTestId('host-key-accept').click();
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    await dialog.waitFor({ state: 'detached' });
    expect(await conn.getByTestId('connection-accept-key').count()).toBe(0);
    expect(fs.readFileSync(knownHosts, 'utf8')).not.toBe(knownBefore);
  });
});
