// An explicit reconnect (the user accepted a host key, started a daemon) must not answer with an
// attempt that began before that change: it waits for that attempt, then opens afresh and returns
// the fresh attempt's result. The libvirt host process is faked: each connect() is one "open"
// whose outcome the test decides.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionInfo } from '../../../src-main/libvirt/protocol';
import type { SettingsStore } from '../../../src-main/api/settings-store';
import { opens } from '../../support/fake-host-client';

vi.mock('../../../src-main/libvirt/host-client', async () => (await import('../../support/fake-host-client')).hostClientModule);

const { ConnectionManager } = await import('../../../src-main/api/connection-manager');

const URI = 'qemu+ssh://admin@lab-host.example/system';
const INFO = { uri: URI, hostname: 'lab-host', libVersion: 9_000_000, hypervisorVersion: 8_000_000 } as unknown as ConnectionInfo;
const settings = { settings: { connections: [{ uri: URI }], browseFolders: [] }, refusedConnections: [] } as unknown as SettingsStore;

/** Resolves once `n` opens have started (the manager awaits a few steps before opening). */
async function opened(n: number): Promise<void> {
  await vi.waitFor(() => expect(opens.length).toBeGreaterThanOrEqual(n), { timeout: 2000, interval: 5 });
}

describe('ConnectionManager.reconnect', () => {
  let manager: InstanceType<typeof ConnectionManager> | undefined;
  afterEach(async () => {
    await manager?.close();
    opens.length = 0;
  });

  it('an explicit reconnect does not join an older attempt: it waits for it, then returns a fresh attempt', async () => {
    manager = new ConnectionManager(() => {
      throw new Error('no host process in this test');
    }, () => undefined, settings);
    // The first attempt (begun before the user accepted the host key) is still in flight.
    const first = manager.add(URI);
    await opened(1);

    let reconnected = false;
    const again = manager.reconnect(URI).then((s) => {
      reconnected = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(reconnected, 'reconnect answered before the older attempt ended').toBe(false);
    expect(opens.length, 'reconnect opened a second connection while the first was still in flight').toBe(1);

    // The older attempt ends with what ssh said before the key was accepted.
    opens[0].reject(new Error('Host key verification failed.'));
    expect((await first).state).toBe('failed');

    // reconnect then opens afresh, and answers with that attempt.
    await opened(2);
    opens[1].resolve(INFO);
    const status = await again;
    expect(status.state).toBe('connected');
    expect(status.error).toBeUndefined();
    expect(opens).toHaveLength(2);
  });

  it('a reconnect while nothing is in flight opens once', async () => {
    manager = new ConnectionManager(() => {
      throw new Error('no host process in this test');
    }, () => undefined, settings);
    const first = manager.add(URI);
    await opened(1);
    opens[0].reject(new Error('ssh: connect to host lab-host.example port 22: Connection refused'));
    expect((await first).state).toBe('failed');

    const again = manager.reconnect(URI);
    await opened(2);
    opens[1].resolve(INFO);
    expect((await again).state).toBe('connected');
    expect(opens).toHaveLength(2);
  });
});
