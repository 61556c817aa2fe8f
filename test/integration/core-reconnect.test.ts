// Connection loss on the real daemon: the core notices, reports 'reconnecting' with the
// reason, reconnects by itself, and the VM list is right again without user action.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/api/core';
import type { ConnectionStatus, VmSummary } from '../../src-main/contract';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { SYSTEM_URI } from '../support/tiny-guest';
import { waitFor } from '../support/host-events';

describe('core reconnects to qemu:///system', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdtest-reconnect-'));
  const core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
  afterAll(async () => {
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the loss and comes back by itself when the host process dies', { timeout: 60_000 }, async () => {
    const states: ConnectionStatus[] = [];
    core.onEvent((e) => {
      if (e.type === 'connection.state') states.push(e as unknown as ConnectionStatus);
    });
    const before = (await core.call('vm.list', {})) as VmSummary[];
    const { client } = await core.connections.client(SYSTEM_URI);
    client.killHost();
    const lost = await waitFor('a reconnecting state', () => states.find((s) => s.state === 'reconnecting'), 10_000);
    expect(lost.uri).toBe(SYSTEM_URI);
    expect(lost.error).toMatch(/lost connection to qemu:\/\/\/system — reconnecting/);
    await waitFor('connected again', () => states.at(-1)?.state === 'connected', 20_000);
    const after = (await core.call('vm.list', {})) as VmSummary[];
    expect(after.map((v) => v.uuid).sort()).toEqual(before.map((v) => v.uuid).sort());
  });
});
