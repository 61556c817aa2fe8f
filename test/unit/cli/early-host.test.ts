// The CLI forks the named connection's host process before loading the core: it must hand that
// process to the core exactly once, lose nothing it said meanwhile, and never start one for a URI
// the policy refuses.
import { describe, expect, it } from 'vitest';
import { earlyHostSpawner } from '../../../src-main/cli/early-host';
import type { HostChannel } from '../../../src-main/libvirt/host-channel';
import { HOST_URI_ENV } from '../../../src-main/libvirt/protocol';

function fakeSpawn() {
  const started: { env: Record<string, string>; say: (m: unknown) => void; exit: () => void; killed: boolean }[] = [];
  const spawn = (env: Record<string, string>): HostChannel => {
    const msg: ((m: unknown) => void)[] = [];
    const ex: ((c: number | null, s: string | null) => void)[] = [];
    const entry = { env, say: (m: unknown) => msg.forEach((l) => l(m)), exit: () => ex.forEach((l) => l(0, null)), killed: false };
    started.push(entry);
    return { send: () => undefined, onMessage: (l) => msg.push(l), onExit: (l) => ex.push(l), kill: () => (entry.killed = true) };
  };
  return { spawn, started };
}

describe('earlyHostSpawner', () => {
  it('starts the named URI at once and hands it out once, with what it said before anyone listened', async () => {
    const f = fakeSpawn();
    const e = earlyHostSpawner(f.spawn, 'TEST:///default');
    expect(f.started.map((s) => s.env)).toEqual([{ [HOST_URI_ENV]: 'test:///default' }]);
    f.started[0].say({ kind: 'ready' });
    const got: unknown[] = [];
    const channel = e.spawner({ [HOST_URI_ENV]: 'test:///default' });
    channel.onMessage((m) => got.push(m));
    await Promise.resolve();
    f.started[0].say({ kind: 'result', id: 1 });
    expect(got).toEqual([{ kind: 'ready' }, { kind: 'result', id: 1 }]);
    // A second request (a respawn) gets a new process; dispose leaves the one in use alone.
    e.spawner({ [HOST_URI_ENV]: 'test:///default' });
    expect(f.started).toHaveLength(2);
    e.dispose();
    expect(f.started[0].killed).toBe(false);
  });

  it('reports an exit that happened before the core listened', async () => {
    const f = fakeSpawn();
    const e = earlyHostSpawner(f.spawn, 'test:///default');
    f.started[0].exit();
    const exits: unknown[] = [];
    e.spawner({ [HOST_URI_ENV]: 'test:///default' }).onExit((code) => exits.push(code));
    await Promise.resolve();
    expect(exits).toEqual([0]);
  });

  it('kills an early process nobody took; other URIs get their own', () => {
    const f = fakeSpawn();
    const e = earlyHostSpawner(f.spawn, 'test:///default');
    e.spawner({ [HOST_URI_ENV]: 'qemu:///session' });
    expect(f.started.map((s) => s.env[HOST_URI_ENV])).toEqual(['test:///default', 'qemu:///session']);
    e.dispose();
    expect(f.started[0].killed).toBe(true);
  });

  it('starts nothing for a URI the policy refuses, a test-driver file, or no URI', () => {
    for (const uri of ['qemu+ext:///system?command=/bin/sh', 'qemu:///system?keyfile=/etc/shadow', 'test:///etc/passwd', 'not a uri', undefined]) {
      const f = fakeSpawn();
      earlyHostSpawner(f.spawn, uri);
      expect(f.started, String(uri)).toEqual([]);
    }
  });
});
