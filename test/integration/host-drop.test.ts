// A remote host whose libvirt daemon stops and comes back, with REAL daemons: a host like the
// second host (scripts/start-second-host.sh) but its own instance on 127.0.0.3, so stopping its
// libvirtd disturbs no other test that uses host 2. The core reports the connection lost
// ('reconnecting', with the reason) within seconds, and once the daemon is back it reconnects by
// itself (backoff retries) and lists the host's VM again: no user action.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import type { ConnectionStatus, VmSummary } from '../../src-main/contract';
import { LibvirtHostClient } from '../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { waitFor } from '../support/host-events';
import { tinyGuestXml, uniqueName } from '../support/tiny-guest';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '../../scripts/start-second-host.sh');
const ID = uniqueName('vdt-hostdrop');
const STATE_DIR = `/run/${ID}`;
const ENV = { ...process.env, VIRTDESK_HOST2_DIR: STATE_DIR, VIRTDESK_HOST2_ADDR: '127.0.0.3', VIRTDESK_HOST2_TCP_PORT: '16511', VIRTDESK_HOST2_SSH_PORT: '2223' };
const URI = 'qemu+tcp://127.0.0.3:16511/system';
const VM = `${ID}-vm`;
const script = (action: string) => run('bash', [SCRIPT, action], { env: ENV, timeout: 120_000 });

let core: Core;
let settingsDir: string;
const states: ConnectionStatus[] = [];

beforeAll(async () => {
  expect((await script('start')).stdout).toMatch(/^started\nTCP_URI=qemu\+tcp:\/\/127\.0\.0\.3:16511\/system/);
  const admin = new LibvirtHostClient(URI, nodeHostSpawner);
  await admin.api.defineDomain(tinyGuestXml(VM));
  await admin.close();
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-hostdrop-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir });
  core.onEvent((e) => {
    if (e.type === 'connection.state' && (e as unknown as ConnectionStatus).uri === URI) states.push(e as unknown as ConnectionStatus);
  });
  expect(await core.call('connections.add', { uri: URI })).toMatchObject({ state: 'connected' });
}, 180_000);

afterAll(async () => {
  await core?.close();
  await script('start-libvirtd').catch(() => undefined);
  await script('stop').catch(() => undefined);
  fs.rmSync(STATE_DIR, { recursive: true, force: true });
  fs.rmSync(`${STATE_DIR}.lock`, { force: true });
  if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
}, 120_000);

describe('a remote host whose daemon drops', () => {
  it('is shown as lost (reconnecting, with the reason) and reconnects by itself when the daemon is back; its VMs are listed again', { timeout: 120_000 }, async () => {
    const names = async () => ((await core.call('vm.list', { connection: URI })) as VmSummary[]).map((v) => v.name);
    expect(await names()).toEqual([VM]);
    const seen = states.length;

    await script('stop-libvirtd');
    const lost = await waitFor('a reconnecting state', () => states.slice(seen).find((s) => s.state === 'reconnecting'), 30_000);
    expect(lost.error).toContain(`lost connection to ${URI} — reconnecting`);
    const listed = (await core.call('connections.list', {})) as ConnectionStatus[];
    expect(listed.find((c) => c.uri === URI)?.state).toBe('reconnecting');
    await expect(core.call('vm.list', { connection: URI })).rejects.toThrow();

    await script('start-libvirtd');
    await waitFor('connected again without user action', () => states.at(-1)?.state === 'connected', 60_000);
    expect(await names()).toEqual([VM]);
  });
});
