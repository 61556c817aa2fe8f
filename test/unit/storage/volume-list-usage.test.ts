// volume.list's "in use by" column reads a kept usage scan while nothing changed, and scans
// again when the connection reports a change; volume.delete always scans afresh, so a stale
// column never lets a used volume be deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src-main/api/core';
import { handlerContext, libvirtHandlers } from '../../../src-main/api/handlers';
import type { ApiError, VolumeDetails } from '../../../src-main/contract';
import type { HostClientEvent, LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';
import { OsInfoDb } from '../../../src-main/osinfo/osinfo-db';
import { ListUsageCache, listUsageKey } from '../../../src-main/storage/usage-cache';
import type { StorageUsage } from '../../../src-main/storage/usage-scan';

const POOL = { name: 'p', uuid: 'u', active: true, persistent: true, autostart: true, capacity: 1 << 30, allocation: 0, available: 1 << 30 };
const vol = (name: string) => ({ name, key: `/p/${name}`, path: `/p/${name}`, type: 0, capacity: 1 << 20, allocation: 0 });
const domainUsing = (name: string, file: string) =>
  `<domain type='qemu'><name>${name}</name><uuid>00000000-0000-0000-0000-00000000000${name.length}</uuid><devices><disk type='file' device='disk'><source file='${file}'/><target dev='vda'/></disk></devices></domain>`;

function fakeConnection() {
  const listeners = new Set<(e: HostClientEvent) => void>();
  const calls = { allDomainXml: 0 };
  let records: { name: string; uuid: string; active: boolean; persistent: boolean; xml: string }[] = [];
  const api = {
    listPools: async () => [POOL],
    listVolumes: async () => [vol('a.qcow2'), vol('b.qcow2')],
    volumeXml: async (_p: string, name: string) => `<volume><name>${name}</name><target><format type='qcow2'/></target></volume>`,
    volumeInfo: async (_p: string, name: string) => vol(name),
    deleteVolume: async () => undefined,
    allDomainXml: async () => {
      calls.allDomainXml++;
      return records;
    },
  };
  const client = { api, onEvent: (l: (e: HostClientEvent) => void) => (listeners.add(l), () => listeners.delete(l)) } as unknown as LibvirtHostClient;
  return {
    client,
    calls,
    /** Defines a VM behind the API's back; `notify`: the connection reports it (libvirt's lifecycle event). */
    define(name: string, file: string, notify: boolean) {
      records = [...records, { name, uuid: name, active: false, persistent: true, xml: domainUsing(name, file) }];
      if (notify) for (const l of listeners) l({ type: 'domain-lifecycle', uuid: name, name, event: 'defined', detail: 0 });
    },
  };
}

const usedBy = (list: VolumeDetails[], name: string) => list.find((v) => v.name === name)?.usedBy;

describe('volume.list and the usage scan', () => {
  it('scans once while nothing changed, again after the connection reports a change; delete always scans', async () => {
    const c = fakeConnection();
    const h = libvirtHandlers(handlerContext({ client: async () => ({ uri: 'test:///fake', client: c.client }), osinfo: new OsInfoDb({ dir: null }) }));
    const list = () => h['volume.list']({ pool: 'p' });
    expect(usedBy(await list(), 'a.qcow2')).toEqual([]);
    await list();
    await list();
    expect(c.calls.allDomainXml).toBe(1);

    // A VM defined without an event yet: the kept column does not know…
    c.define('web', '/p/a.qcow2', false);
    expect(usedBy(await list(), 'a.qcow2')).toEqual([]);
    // …but deleting scans afresh and refuses.
    const refused = await h['volume.delete']({ pool: 'p', name: 'a.qcow2' }).then(() => null, (e: ApiError) => e);
    expect(refused?.message).toMatch(/also used by VM 'web'/);
    expect(c.calls.allDomainXml).toBe(2);

    // The event arrives: the next list scans again and names the VM.
    c.define('db', '/p/b.qcow2', true);
    const after = await list();
    expect(usedBy(after, 'a.qcow2')).toEqual(['web']);
    expect(usedBy(after, 'b.qcow2')).toEqual(['db']);
    expect(c.calls.allDomainXml).toBe(3);
  });

  it('the kept scan expires, follows the listed pools and volumes, and a failed scan is not kept', async () => {
    let now = 0;
    const cache = new ListUsageCache(1000, () => now);
    const source = { onEvent: () => () => undefined };
    let scans = 0;
    const scan = async () => {
      scans++;
      return {} as StorageUsage;
    };
    const key = listUsageKey([{ name: 'p', active: true }], ['/p/a']);
    await cache.usage(source, key, scan);
    await cache.usage(source, listUsageKey([{ name: 'p', active: true }], ['/p/a']), scan);
    expect(scans).toBe(1);
    await cache.usage(source, listUsageKey([{ name: 'p', active: true }], ['/p/a', '/p/b']), scan);
    expect(scans).toBe(2);
    await cache.usage(source, listUsageKey([{ name: 'p', active: false }], ['/p/a', '/p/b']), scan);
    expect(scans).toBe(3);
    now = 5000;
    await cache.usage(source, listUsageKey([{ name: 'p', active: false }], ['/p/a', '/p/b']), scan);
    expect(scans).toBe(4);
    await expect(cache.usage(source, 'k', () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    await cache.usage(source, 'k', scan);
    expect(scans).toBe(5);
  });
});

describe('volume.list on test:///default (a real host process and its events)', () => {
  let core: Core | null = null;
  const dirs: string[] = [];
  afterEach(async () => {
    await core?.close();
    core = null;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('names a VM defined after the last list as soon as libvirt reports it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-fileaccess-settings-'));
    dirs.push(dir);
    core = createCore({ spawnHost: nodeHostSpawner, settingsDir: dir });
    const connection = 'test:///default';
    const v = (await core.call('volume.create', { connection, pool: 'default-pool', name: 'vdt-fileaccess-list.img', sizeGiB: 0.01, format: 'raw' })) as VolumeDetails;
    const list = async () => usedBy((await core!.call('volume.list', { connection, pool: 'default-pool' })) as VolumeDetails[], 'vdt-fileaccess-list.img');
    expect(await list()).toEqual([]);
    const { client } = await core.connections.client(connection);
    const defined = new Promise<void>((resolve) => {
      const off = client.onEvent((e) => {
        if (e.type === 'domain-lifecycle' && e.name === 'vdt-fileaccess-user') {
          off();
          resolve();
        }
      });
    });
    await client.api.defineDomain(`<domain type='test'><name>vdt-fileaccess-user</name><memory>65536</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='${v.path}'/><target dev='vda'/></disk></devices></domain>`);
    await defined;
    expect(await list()).toEqual(['vdt-fileaccess-user']);
  });
});
