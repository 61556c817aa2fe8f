// "Remember in the desktop keyring" in Debian's Chromium (browser mode) against the REAL second
// host over SSH with the passphrase-protected key and a REAL Secret Service (gnome-keyring-daemon
// on a private session bus): the prompt offers the checkbox (unchecked), ticking it saves the
// passphrase once the connection succeeded, and Settings' "Forget saved passphrase" removes it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { ConnectionStatus } from '../../src-main/contract';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { DesktopKeyring } from '../../src-main/remote/keyring';
import type { RunningServer } from '../../src-main/server/server';
import { saveScreenshot } from '../support/browser';
import { startKeyringSession, type KeyringSession } from '../support/keyring-session';
import { startSecondHost, type SecondHost } from '../support/second-host';
import { openUiOnCore } from '../support/ui-on-core';

let host2: SecondHost;
let session: KeyringSession;
let savedBus: string | undefined;
let core: Core;
let server: RunningServer;
let settingsDir: string;
let browser: Browser;
let page: Page;
const keyring = new DesktopKeyring();

beforeAll(async () => {
  session = await startKeyringSession();
  savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = session.busAddress;
  host2 = await startSecondHost();
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-keyring-ui-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  ({ server, browser, page } = await openUiOnCore(core));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await core?.close();
  if (host2) await keyring.clearConnection(host2.sshUri).catch(() => undefined);
  if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  await session?.stop();
  await host2?.stop();
  if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
}, 120_000);

describe('remembering a passphrase', () => {
  it('the prompt offers "Remember in the desktop keyring"; ticked, it is saved; Settings forgets it', { timeout: 180_000 }, async () => {
    const added = (await core.call('connections.add', { uri: host2.sshUri, keyFile: host2.passphraseKeyFile, label: 'host 2 keyring' })) as ConnectionStatus;
    expect(added.hostKey?.status).toBe('unknown');
    const fingerprint = /(SHA256:\S{43})/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', host2.hostKeyFile], { encoding: 'utf8' }))![1]!;
    const connecting = core.call('connections.acceptHostKey', { uri: host2.sshUri, fingerprint }) as Promise<ConnectionStatus>;

    const ask = page.getByTestId('credential-dialog');
    await ask.waitFor({ timeout: 60_000 });
    const remember = ask.getByTestId('credential-remember');
    expect(await remember.isVisible()).toBe(true);
    expect(await remember.isChecked()).toBe(false);
    expect(await ask.getByTestId('credential-no-keyring').count()).toBe(0);
    await ask.locator('#credential-value').fill(host2.passphrase);
    await remember.check();
    await saveScreenshot(page, 'keyring-remember');
    await ask.getByTestId('credential-submit').click();
    expect(await connecting).toMatchObject({ state: 'connected' });
    expect(await keyring.lookup({ kind: 'ssh-key-passphrase', target: host2.passphraseKeyFile, connection: host2.sshUri })).toBe(host2.passphrase);

    await page.evaluate(() => {
      location.hash = '#/settings';
    });
    const row = page.locator(`[data-testid="saved-secret-host"][data-uri="${host2.sshUri}"]`);
    await row.getByTestId('saved-secret-state').filter({ hasText: 'Saved in the keyring' }).waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; the page shows: ${JSON.stringify(await page.locator('main, body').first().innerText())}`);
    });
    await row.getByTestId('forget-secret').click();
    await row.getByTestId('forget-secret-result').filter({ hasText: 'was removed from the desktop keyring' }).waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('saved-secret-state').innerText()).toBe('Nothing saved');
    await saveScreenshot(page, 'keyring-forgotten');
    expect(await keyring.hasAny(host2.sshUri)).toBe(false);
  });
});
