// "Remember in the desktop keyring" against the REAL second host (qemu+ssh with a
// passphrase-protected key) and a REAL Secret Service (gnome-keyring-daemon on a private session
// bus), through the core's API as the app uses it. A "fresh core" on the same settings folder is
// the app started again: the first core's ssh (the connection master) is gone by then.
//
// - remembered after the connection succeeded: the next start connects without asking;
// - a wrong answer is never saved, even with "remember";
// - a saved passphrase that is refused (changed): the user is asked, told so, and may replace it;
// - forget: removed from the keyring, asked again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { ConnectionStatus, CredentialRequest, MethodInput, MethodName, MethodResult, TypedApiEvent } from '../../src-main/contract';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { DesktopKeyring, type SecretSlot } from '../../src-main/remote/keyring';
import { waitFor } from '../support/host-events';
import { startKeyringSession, type KeyringSession } from '../support/keyring-session';
import { startSecondHost, type SecondHost } from '../support/second-host';

let host2: SecondHost;
let session: KeyringSession;
let savedBus: string | undefined;
let dir: string;
const cores: Core[] = [];

type Answer = { value: string; remember?: boolean } | 'cancel';
interface Running {
  core: Core;
  /** What the next credential requests are answered with (then: cancel). */
  answers: Answer[];
  events: TypedApiEvent[];
  requests: () => CredentialRequest[];
}

const call = async <M extends MethodName>(core: Core, method: M, input: MethodInput<M>): Promise<MethodResult<M>> => (await core.call(method, input)) as MethodResult<M>;

/** A core on the shared settings folder that answers each credential request with the next of `answers`. */
function startCore(answers: Answer[] = []): Running {
  const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
  cores.push(core);
  const events: TypedApiEvent[] = [];
  core.onEvent((e) => {
    const ev = e as TypedApiEvent;
    events.push(ev);
    if (ev.type !== 'connection.credentialRequest') return;
    const a = answers.shift() ?? 'cancel';
    const reply = a === 'cancel' ? { id: ev.id, cancel: true } : { id: ev.id, value: a.value, ...(a.remember ? { remember: true } : {}) };
    // Answered after the event returns, as a UI would.
    setTimeout(() => void call(core, 'connections.answerCredential', reply).catch(() => undefined), 10);
  });
  const requests = () => events.filter((e): e is Extract<TypedApiEvent, { type: 'connection.credentialRequest' }> => e.type === 'connection.credentialRequest');
  return { core, answers, events, requests };
}

/** Closes a core and waits until its ssh connection master is gone (else the next core would ride on it). */
async function closeCore(r: Running): Promise<void> {
  await r.core.close();
  cores.splice(cores.indexOf(r.core), 1);
  const cm = path.join(dir, 'ssh', 'cm');
  await waitFor('the ssh master to exit', () => (!fs.existsSync(cm) || fs.readdirSync(cm).length === 0 ? true : undefined), 20_000);
}

const slot = (): SecretSlot => ({ kind: 'ssh-key-passphrase', target: host2.passphraseKeyFile, connection: host2.sshUri });
const keyring = new DesktopKeyring();

async function connect(r: Running): Promise<ConnectionStatus> {
  return call(r.core, 'connections.reconnect', { uri: host2.sshUri });
}

beforeAll(async () => {
  session = await startKeyringSession();
  savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = session.busAddress;
  host2 = await startSecondHost();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-keyring-settings-'));
  // The connection is saved and its host key accepted once; every test starts from here.
  const first = startCore();
  const added = await call(first.core, 'connections.add', { uri: host2.sshUri, keyFile: host2.passphraseKeyFile, label: 'host 2 (keyring)' });
  expect(added.hostKey?.status).toBe('unknown');
  const fingerprint = /(SHA256:\S{43})/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', host2.hostKeyFile], { encoding: 'utf8' }))![1]!;
  const known = path.join(dir, 'ssh', 'known_hosts');
  // Accepting connects, which asks for the passphrase: cancelled here (this only stores the key).
  await call(first.core, 'connections.acceptHostKey', { uri: host2.sshUri, fingerprint });
  expect(fs.readFileSync(known, 'utf8')).toContain(host2.sshHost);
  await closeCore(first);
}, 180_000);

afterAll(async () => {
  for (const c of [...cores]) await c.close();
  await keyring.clearConnection(host2?.sshUri ?? 'none').catch(() => undefined);
  if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  await session?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  await host2?.stop();
}, 120_000);

describe('remembering a passphrase in the desktop keyring', () => {
  it('never saves a wrong answer, even with "remember"; saves nothing without it', async () => {
    const r = startCore([{ value: 'not-the-passphrase', remember: true }, { value: host2.passphrase }]);
    const failed = await connect(r);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/authentication failed on 127\.0\.0\.2/);
    expect(r.requests()[0]).toMatchObject({ kind: 'passphrase', canRemember: true });
    expect(r.requests()[0]!.savedRefused).toBeUndefined();
    expect(r.requests()[0]!.noKeyring).toBeUndefined();
    expect(await keyring.lookup(slot())).toBeNull();
    expect(await connect(r)).toMatchObject({ state: 'connected' });
    expect(r.requests()).toHaveLength(2);
    expect(await keyring.lookup(slot())).toBeNull();
    expect(r.events.some((e) => e.type === 'connection.secretSaved')).toBe(false);
    expect(await call(r.core, 'connections.savedSecret', { uri: host2.sshUri })).toEqual({ available: true, saved: false });
    await closeCore(r);
  }, 120_000);

  it('saves it once the connection succeeded; the next start connects without asking', async () => {
    const r = startCore([{ value: host2.passphrase, remember: true }]);
    expect(await connect(r)).toMatchObject({ state: 'connected' });
    expect(r.requests()).toHaveLength(1);
    expect(r.events).toContainEqual({ type: 'connection.secretSaved', uri: host2.sshUri, kind: 'ssh-key-passphrase', saved: true });
    expect(await keyring.lookup(slot())).toBe(host2.passphrase);
    expect(await call(r.core, 'connections.savedSecret', { uri: host2.sshUri })).toEqual({ available: true, saved: true });
    // Nothing of it in Virtdesk's own files.
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p, 'utf8')).not.toContain(host2.passphrase);
    }
    await closeCore(r);

    const next = startCore(); // would cancel any prompt
    const st = await connect(next);
    expect(st).toMatchObject({ state: 'connected', info: { hostname: host2.hostname } });
    expect(next.requests()).toHaveLength(0);
    await closeCore(next);
  }, 120_000);

  it('a saved passphrase that is refused: the user is asked, told so, and may replace it', async () => {
    await keyring.store(slot(), 'an-old-passphrase', 'Virtdesk test');
    const r = startCore([{ value: host2.passphrase, remember: true }]);
    expect(await connect(r)).toMatchObject({ state: 'connected' });
    expect(r.requests()).toHaveLength(1);
    expect(r.requests()[0]).toMatchObject({ kind: 'passphrase', canRemember: true, savedRefused: true });
    expect(await keyring.lookup(slot())).toBe(host2.passphrase);
    await closeCore(r);

    // Refused and the user cancels: the attempt fails clearly, and the saved one stays (nothing deleted silently).
    await keyring.store(slot(), 'an-old-passphrase', 'Virtdesk test');
    const c = startCore(['cancel']);
    const failed = await connect(c);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/authentication failed on 127\.0\.0\.2/);
    expect(c.requests()[0]).toMatchObject({ savedRefused: true });
    expect(await keyring.lookup(slot())).toBe('an-old-passphrase');
    // Trying again asks at once (with the note) instead of trying the refused one again.
    c.answers.push({ value: host2.passphrase });
    expect(await connect(c)).toMatchObject({ state: 'connected' });
    expect(c.requests()).toHaveLength(2);
    expect(c.requests()[1]).toMatchObject({ savedRefused: true });
    expect(await keyring.lookup(slot())).toBe('an-old-passphrase'); // not asked to remember: unchanged
    await closeCore(c);
  }, 180_000);

  it('forget: removed from the keyring, and the next connection asks again', async () => {
    await keyring.store(slot(), host2.passphrase, 'Virtdesk test');
    const r = startCore();
    expect(await call(r.core, 'connections.forgetSecret', { uri: host2.sshUri })).toEqual({ forgotten: true });
    expect(await keyring.lookup(slot())).toBeNull();
    expect(await call(r.core, 'connections.savedSecret', { uri: host2.sshUri })).toEqual({ available: true, saved: false });
    expect(await call(r.core, 'connections.forgetSecret', { uri: host2.sshUri })).toEqual({ forgotten: false });
    await closeCore(r);

    const next = startCore([{ value: host2.passphrase }]);
    expect(await connect(next)).toMatchObject({ state: 'connected' });
    expect(next.requests()).toHaveLength(1);
    expect(next.requests()[0]!.savedRefused).toBeUndefined();
    await closeCore(next);
  }, 120_000);

  it('without a desktop keyring: the prompt cannot offer to remember, and forgetting says why', async () => {
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${path.join(session.home, 'no-such-bus')}`;
    try {
      const r = startCore([{ value: host2.passphrase, remember: true }]);
      expect(await connect(r)).toMatchObject({ state: 'connected' });
      expect(r.requests()[0]).toMatchObject({ canRemember: false, noKeyring: true });
      expect(await call(r.core, 'connections.savedSecret', { uri: host2.sshUri })).toEqual({ available: false, saved: false });
      await expect(call(r.core, 'connections.forgetSecret', { uri: host2.sshUri })).rejects.toThrow(/no desktop keyring \(Secret Service\) answers here/);
      await closeCore(r);
    } finally {
      process.env.DBUS_SESSION_BUS_ADDRESS = session.busAddress;
    }
    expect(await keyring.lookup(slot())).toBeNull();
  }, 120_000);
});
