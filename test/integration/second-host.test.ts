// A REAL second libvirt host (test/support/second-host.ts) reached over qemu+ssh with the test
// keys, through the core's API as the app uses it: the SSH host key is refused until the user
// accepts the fingerprint shown, a changed key is refused; list, start a tiny guest there, its
// serial console, its graphical console through the SSH tunnel (RFB handshake through the
// ticketed proxy), 5 consoles over ONE SSH connection; a passphrase-protected key is asked for
// through a credentialRequest event, a wrong passphrase gives a clear error, the right one connects.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { ConnectionStatus, CredentialRequest, MethodInput, MethodName, MethodResult, TypedApiEvent } from '../../src-main/contract';
import { browserConsoleUpgrades } from '../../src-main/consoles/server-upgrades';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { generateToken, startServer, type RunningServer } from '../../src-main/server/server';
import { failure } from '../support/api-failure';
import { removeDomainsWithPrefix } from '../support/cleanup';
import { waitFor } from '../support/host-events';
import { sshConnectionsFrom, startSecondHost, type SecondHost } from '../support/second-host';
import { TINY_GUEST_MARKER, tinyGuestXml, uniqueName } from '../support/tiny-guest';
import { RfbClient, wsTransport, type ByteTransport } from '../unit/consoles/rfb-client';

const ID = uniqueName('vdt-h2');
let host2: SecondHost;
let tcp: LibvirtHostClient;
const cores: { core: Core; dir: string; events: TypedApiEvent[] }[] = [];

function newCore(): { core: Core; dir: string; events: TypedApiEvent[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-h2-settings-'));
  const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
  const events: TypedApiEvent[] = [];
  core.onEvent((e) => events.push(e as TypedApiEvent));
  const c = { core, dir, events };
  cores.push(c);
  return c;
}
const call = async <M extends MethodName>(core: Core, method: M, input: MethodInput<M>): Promise<MethodResult<M>> => (await core.call(method, input)) as MethodResult<M>;

function hostKeyFingerprint(): string {
  return /(SHA256:\S{43})/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', host2.hostKeyFile], { encoding: 'utf8' }))![1];
}

const sshConnectionsFromHere = (): number => sshConnectionsFrom(host2);

/** Adds the SSH connection; the first attempt stops at the unknown host key. */
async function addAndAccept(c: { core: Core }, keyFile: string): Promise<ConnectionStatus> {
  const first = await call(c.core, 'connections.add', { uri: host2.sshUri, keyFile, label: 'host 2' });
  expect(first.state).toBe('failed');
  expect(first.hostKey).toMatchObject({ status: 'unknown', host: host2.sshHost, port: host2.sshPort });
  return first;
}

beforeAll(async () => {
  host2 = await startSecondHost();
  tcp = new LibvirtHostClient(host2.tcpUri, nodeHostSpawner);
  await tcp.connect();
}, 180_000);

afterAll(async () => {
  if (tcp) await removeDomainsWithPrefix(tcp, ID);
  for (const c of cores) {
    await c.core.close();
    fs.rmSync(c.dir, { recursive: true, force: true });
  }
  await tcp?.close();
  await host2?.stop();
}, 120_000);

describe('the second host over qemu+ssh', () => {
  const name = `${ID}-guest`;
  let main: ReturnType<typeof newCore>;
  let server: RunningServer;

  beforeAll(async () => {
    main = newCore();
    let running: RunningServer | null = null;
    running = await startServer({ dispatcher: main.core, staticDir: main.dir, port: 0, token: generateToken(), onOtherUpgrade: browserConsoleUpgrades(main.core.vncProxy, () => running) });
    server = running;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses an unknown host key until the user accepts the fingerprint shown', async () => {
    const first = await addAndAccept(main, host2.keyFile);
    const fingerprint = hostKeyFingerprint();
    expect(first.hostKey!.keys.map((k) => k.fingerprint)).toContain(fingerprint);
    expect(first.error).toMatch(/host key of 127\.0\.0\.2:2222 is not known yet .*SHA256:/);
    // Nothing reaches libvirt meanwhile: a call says why.
    const refused = await failure(call(main.core, 'vm.list', { connection: host2.sshUri }));
    expect(refused.message).toMatch(/not known yet/);
    // A fingerprint that is not the host's adds nothing.
    const wrong = await failure(call(main.core, 'connections.acceptHostKey', { uri: host2.sshUri, fingerprint: `SHA256:${'A'.repeat(43)}` }));
    expect(wrong.message).toMatch(/another fingerprint/);
    expect(fs.readFileSync(path.join(main.dir, 'ssh', 'known_hosts'), 'utf8')).toBe('');

    const ok = await call(main.core, 'connections.acceptHostKey', { uri: host2.sshUri, fingerprint });
    expect(ok).toMatchObject({ state: 'connected', keyFile: host2.keyFile });
    expect(ok.hostKey).toBeUndefined();
    expect(ok.info?.hostname).toBe(host2.hostname);
  }, 60_000);

  it('lists and starts a tiny guest on host 2, whose serial console prints its marker', async () => {
    const { client } = await main.core.connections.client(host2.sshUri);
    await client.api.defineDomain(tinyGuestXml(name));
    const listed = await call(main.core, 'vm.list', { connection: host2.sshUri });
    expect(listed.find((v) => v.name === name)).toMatchObject({ connection: host2.sshUri, state: 'shutoff' });
    await call(main.core, 'vm.start', { connection: host2.sshUri, vm: { name } });
    expect((await tcp.api.lookupDomain({ name })).state).toBe('running');

    const { sessionId } = await call(main.core, 'console.open', { connection: host2.sshUri, vm: { name } });
    const text = () =>
      main.events
        .filter((e): e is Extract<TypedApiEvent, { type: 'console.data' }> => e.type === 'console.data' && e.sessionId === sessionId)
        .map((e) => Buffer.from(e.data, 'base64').toString('latin1'))
        .join('');
    await waitFor('the tiny guest marker on host 2', () => text().includes(TINY_GUEST_MARKER), 150_000, 200);
    await call(main.core, 'console.close', { sessionId });
  }, 200_000);

  it('shows its screen through the SSH tunnel, and 5 open consoles use ONE SSH connection', async () => {
    const base = `ws://127.0.0.1:${server.port}`;
    expect(sshConnectionsFromHere()).toBe(1); // the libvirt connection itself
    const open: ByteTransport[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const issued = await call(main.core, 'console.vncTicket', { connection: host2.sshUri, vm: { name } });
        const t = await wsTransport(base + issued.path);
        open.push(t);
        const rfb = await RfbClient.handshake(t);
        expect(rfb.init.version).toBe('RFB 003.008');
        expect(rfb.init.width).toBeGreaterThan(0);
        if (i === 0) {
          rfb.setEncodings([0]);
          rfb.requestUpdate(false);
          const rects = await rfb.readUpdate();
          expect(rects.some((r) => r.encoding === 0 && r.w > 0 && r.h > 0)).toBe(true);
        }
      }
      expect(main.core.vncProxy.activeSessions).toBe(5);
      expect(sshConnectionsFromHere()).toBe(1);
    } finally {
      for (const t of open) t.close();
    }
    // The forwards' private sockets go away once their consoles opened (cancelled in the background).
    await waitFor('the forwards to be cancelled', () => fs.readdirSync(path.join(main.dir, 'ssh')).every((f) => !f.startsWith('fw-')), 10_000);
  }, 120_000);
});

describe('SSH credentials and host keys', () => {
  it('asks for the passphrase of a protected key: a wrong one fails clearly, the right one connects', async () => {
    const c = newCore();
    await addAndAccept(c, host2.passphraseKeyFile);
    const requests = () => c.events.filter((e): e is Extract<TypedApiEvent, { type: 'connection.credentialRequest' }> => e.type === 'connection.credentialRequest');
    // Accepting the host key connects: ssh asks for the passphrase; every answer is wrong.
    let answered = 0;
    const wrong = setInterval(() => {
      for (const r of requests().slice(answered)) {
        answered++;
        void call(c.core, 'connections.answerCredential', { id: r.id, value: 'not-the-passphrase' }).catch(() => undefined);
      }
    }, 50);
    let failed: ConnectionStatus;
    try {
      failed = await call(c.core, 'connections.acceptHostKey', { uri: host2.sshUri, fingerprint: hostKeyFingerprint() });
    } finally {
      clearInterval(wrong);
    }
    const first: CredentialRequest = requests()[0];
    expect(first).toMatchObject({ uri: host2.sshUri, kind: 'passphrase', secret: true });
    expect(first.prompt).toContain(host2.passphraseKeyFile);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/authentication failed on 127\.0\.0\.2/);

    const before = requests().length;
    const connecting = call(c.core, 'connections.reconnect', { uri: host2.sshUri });
    const ask = await waitFor('a passphrase request', () => requests()[before], 30_000);
    await call(c.core, 'connections.answerCredential', { id: ask.id, value: host2.passphrase });
    expect(await connecting).toMatchObject({ state: 'connected', info: { hostname: host2.hostname } });
    expect(c.events.some((e) => e.type === 'connection.credentialDone' && e.id === ask.id)).toBe(true);
    // Nothing was stored: not in the settings, not in Virtdesk's folder.
    for (const f of fs.readdirSync(c.dir, { recursive: true }) as string[]) {
      const p = path.join(c.dir, f);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p, 'utf8')).not.toContain(host2.passphrase);
    }
    await call(c.core, 'connections.remove', { uri: host2.sshUri });
  }, 120_000);

  it("libvirt's own credential callback (virConnectOpenAuth, libssh transport) asks through the app: wrong passphrase fails, the right one connects", async () => {
    // libssh reads the user's default key from $HOME/.ssh: a home of the test's own with the protected key.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-h2-home-'));
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    for (const [from, to] of [[host2.passphraseKeyFile, 'id_ed25519'], [`${host2.passphraseKeyFile}.pub`, 'id_ed25519.pub']]) {
      fs.copyFileSync(from, path.join(home, '.ssh', to));
      fs.chmodSync(path.join(home, '.ssh', to), 0o600);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-h2-settings-'));
    const core = createCore({ spawnHost: (env) => nodeHostSpawner({ ...env, HOME: home }), settingsDir: dir });
    const events: TypedApiEvent[] = [];
    core.onEvent((e) => events.push(e as TypedApiEvent));
    cores.push({ core, dir, events });
    const uri = `qemu+libssh://root@${host2.sshHost}:${host2.sshPort}/system?known_hosts_verify=ignore&sshauth=privkey`;
    const requests = () => events.filter((e): e is Extract<TypedApiEvent, { type: 'connection.credentialRequest' }> => e.type === 'connection.credentialRequest');
    try {
      const adding = call(core, 'connections.add', { uri });
      const first = await waitFor('a passphrase request from libvirt', () => requests()[0], 30_000);
      expect(first).toMatchObject({ kind: 'passphrase', secret: true });
      await call(core, 'connections.answerCredential', { id: first.id, value: 'wrong' });
      const failed = await adding;
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/authentication failed|Authentication failed/);

      const again = call(core, 'connections.reconnect', { uri: failed.uri });
      const second = await waitFor('a second passphrase request', () => requests()[1], 30_000);
      await call(core, 'connections.answerCredential', { id: second.id, value: host2.passphrase });
      expect(await again).toMatchObject({ state: 'connected', info: { hostname: host2.hostname } });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a changed host key with a warning, and accepting it changes nothing', async () => {
    const c = newCore();
    const other = path.join(c.dir, 'other-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const knownHosts = path.join(c.dir, 'ssh', 'known_hosts');
    const stale = `[${host2.sshHost}]:${host2.sshPort} ${fs.readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
    fs.writeFileSync(knownHosts, stale);
    const connectionsBefore = sshConnectionsFromHere();
    const st = await call(c.core, 'connections.add', { uri: host2.sshUri, keyFile: host2.keyFile });
    expect(st.state).toBe('failed');
    expect(st.hostKey).toMatchObject({ status: 'changed' });
    expect(st.error).toMatch(/WARNING: the SSH host key of 127\.0\.0\.2:2222 has CHANGED/);
    const accept = await failure(call(c.core, 'connections.acceptHostKey', { uri: host2.sshUri, fingerprint: hostKeyFingerprint() }));
    expect(accept.message).toMatch(/CHANGED since you accepted it: refused/);
    expect(fs.readFileSync(knownHosts, 'utf8')).toBe(stale);
    expect(sshConnectionsFromHere()).toBe(connectionsBefore); // no SSH connection was made
  }, 60_000);
});
