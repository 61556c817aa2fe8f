// Two `lab up`s of one lab of containers at the same time, against the REAL LXC daemon (the
// system one where it runs containers, else the private one): the lab is placed once on
// qemu:///system and once on the demo connection test:///default, so each call holds a different
// VM connection's lock — only the LXC connection's lock keeps them from both finding the
// container missing and both defining it. Both succeed; the daemon has the container once; lab
// down leaves nothing behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/api/core';
import { nodeHostSpawner } from '../../src-main/libvirt/node-host-spawner';
import { lxcConnection, type LxcTarget } from '../support/lxc-daemon';
import { SYSTEM_URI } from '../support/tiny-guest';

const LAB = `vdt-ctlock-${Math.random().toString(36).slice(2, 8)}`;
const BUSYBOX = '/bin/busybox';
const DEMO_URI = 'test:///default';

let lxc: LxcTarget;
let core: Core;
let settingsDir: string;
const virshLxc = (...args: string[]) => execFileSync('virsh', ['-c', lxc.uri, ...args], { encoding: 'utf8' });
const ours = () => virshLxc('list', '--all', '--name').split('\n').map((s) => s.trim()).filter((n) => n.startsWith(LAB)).sort();

beforeAll(() => {
  if (!fs.existsSync(BUSYBOX)) throw new Error('busybox is missing: apt install busybox-static (npm run setup does)');
  lxc = lxcConnection();
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-ctlock-settings-'));
  core = createCore({ spawnHost: nodeHostSpawner, settingsDir, namedConnection: lxc.uri });
}, 120_000);

afterAll(async () => {
  for (const name of lxc ? ours() : []) {
    try { virshLxc('destroy', name); } catch { /* not running */ }
    try { virshLxc('undefine', name); } catch { /* gone */ }
  }
  await core?.close();
  if (settingsDir) fs.rmSync(settingsDir, { recursive: true, force: true });
  lxc?.release();
}, 120_000);

describe('lab containers and the LXC connection lock (real LXC daemon)', () => {
  it('two lab ups placed on two VM connections define the container once; both succeed', { timeout: 180_000 }, async () => {
    const text = [`name: ${LAB}`, 'network: none', 'machines:', `  - { kind: container, name: ct, memoryMiB: 64, command: ${BUSYBOX}, args: [sh] }`].join('\n');
    const ups = await Promise.allSettled([
      core.call('lab.up', { connection: SYSTEM_URI, text }),
      core.call('lab.up', { connection: DEMO_URI, text }),
    ]);
    const failed = ups.flatMap((u) => (u.status === 'rejected' ? [(u.reason as Error).message] : []));
    expect(failed, 'a lab up failed: both planned the container as missing').toEqual([]);
    const results = ups.map((u) => (u as PromiseFulfilledResult<{ created: string[]; existing: string[] }>).value);
    expect(results.map((r) => r.created).sort()).toEqual([[], [`${LAB}-ct`]]);
    expect(results.map((r) => r.existing).sort()).toEqual([[], [`${LAB}-ct`]]);
    expect(ours()).toEqual([`${LAB}-ct`]);

    await core.call('lab.down', { connection: SYSTEM_URI, name: LAB });
    expect(ours()).toEqual([]);
  });
});
