// The desktop keyring module against a REAL Secret Service: gnome-keyring-daemon on a private
// session bus (test/support/keyring-session.ts). Store, look up, replace, clear; the secret never
// appears on secret-tool's command line (what `ps` shows of it); no bus or no secret-tool: not available.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesktopKeyring, type SecretSlot } from '../../src-main/remote/keyring';
import { startKeyringSession, type KeyringSession } from '../support/keyring-session';

let session: KeyringSession;
let savedBus: string | undefined;
const SECRET = `vdt pass 'with "quotes" $(and) spaces ${process.pid}`;
const slot: SecretSlot = { kind: 'ssh-key-passphrase', target: '/home/u/.ssh/id_vdt_keyring', connection: 'qemu+ssh://u@vdt-keyring.example:2222/system' };

beforeAll(async () => {
  session = await startKeyringSession();
  savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = session.busAddress;
}, 30_000);

afterAll(async () => {
  if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  await session?.stop();
});

describe('the desktop keyring through secret-tool', () => {
  it('is available only with secret-tool installed and a Secret Service on the session bus', async () => {
    expect(await new DesktopKeyring().available()).toBe(true);
    expect(await new DesktopKeyring({ tool: '/nonexistent/secret-tool' }).available()).toBe(false);
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(session.home, 'no-such-bus')}`;
    try {
      expect(await new DesktopKeyring().available()).toBe(false);
    } finally {
      process.env.DBUS_SESSION_BUS_ADDRESS = session.busAddress;
    }
  });

  it('stores, looks up, replaces and clears a secret, per connection', async () => {
    const keyring = new DesktopKeyring();
    expect(await keyring.lookup(slot)).toBeNull();
    expect(await keyring.hasAny(slot.connection)).toBe(false);
    await keyring.store(slot, SECRET, 'Virtdesk test');
    expect(await keyring.lookup(slot)).toBe(SECRET);
    expect(await keyring.hasAny(slot.connection)).toBe(true);
    // Another connection with the same key file has its own item.
    const other = { ...slot, connection: 'qemu+ssh://u@vdt-keyring-other.example/system' };
    expect(await keyring.lookup(other)).toBeNull();
    await keyring.store(slot, 'the new one', 'Virtdesk test');
    expect(await keyring.lookup(slot)).toBe('the new one');
    expect(await keyring.clearConnection(slot.connection)).toBe(true);
    expect(await keyring.lookup(slot)).toBeNull();
    expect(await keyring.hasAny(slot.connection)).toBe(false);
    expect(await keyring.clearConnection(slot.connection)).toBe(false);
  });

  it('gives secret-tool the secret on stdin, never on its command line', async () => {
    // A wrapper records what ps shows of the process (its own pid) and then becomes secret-tool.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-keyring-argv-'));
    const seen = path.join(dir, 'seen');
    const wrapper = path.join(dir, 'secret-tool');
    fs.writeFileSync(wrapper, `#!/bin/sh\nps -o args= -p $$ >> '${seen}'\nexec secret-tool "$@"\n`, { mode: 0o755 });
    try {
      const keyring = new DesktopKeyring({ tool: wrapper });
      await keyring.store(slot, SECRET, 'Virtdesk test');
      expect(await keyring.lookup(slot)).toBe(SECRET);
      const argv = fs.readFileSync(seen, 'utf8');
      expect(argv).toContain(`store --label=Virtdesk test application virtdesk kind ssh-key-passphrase target ${slot.target}`);
      expect(argv).not.toContain(SECRET);
      expect(argv).not.toContain('quotes');
    } finally {
      await new DesktopKeyring().clearConnection(slot.connection);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
