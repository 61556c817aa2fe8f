// Lab operations on containers take the LXC connection's per-connection lock, the one every VM
// operation and container.create take: two `lab up`s of one lab placed on two VM connections
// (each holding only its own VM connection's lock) must not both find the container missing and
// both define it. The VM side is libvirt's test driver; the LXC connection is a fake whose
// define takes a while, so without the lock the two plans always interleave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, methods, type MethodInput, type MethodResult } from '../../../src-main/contract';
import { handlerContext, libvirtHandlers, type LibvirtMethodName } from '../../../src-main/api/handlers';
import { containerConnectionUri } from '../../../src-main/host/container-support';
import { LibvirtHostClient } from '../../../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../../../src-main/libvirt/node-host-spawner';
import type { DomainXmlRecord } from '../../../src-main/libvirt/protocol';
import { TEST_URI } from '../libvirt/helpers';
import { translateServerText } from '../../../src-renderer/i18n';

const LXC_URI = containerConnectionUri();
/** A second VM connection: the test driver again, known under another URI. */
const OTHER_VM_URI = 'qemu:///session';

const CAPS = `<capabilities><host><uuid>00000000-0000-0000-0000-000000000001</uuid><cpu><arch>x86_64</arch></cpu></host>
  <guest><os_type>exe</os_type><arch name='x86_64'><emulator>/usr/lib/libvirt/libvirt_lxc</emulator><domain type='lxc'/></arch></guest></capabilities>`;

/** An LXC connection in memory: what lab up uses of it, a slow define, and each call in order. */
function fakeLxc() {
  const domains = new Map<string, { uuid: string; name: string; xml: string; state: 'shutoff' | 'running' }>();
  const log: string[] = [];
  let n = 0;
  const byRef = (ref: { uuid?: string; name?: string }) => [...domains.values()].find((d) => d.uuid === ref.uuid || d.name === ref.name);
  const api = {
    capabilities: async () => CAPS,
    allDomainXml: async (): Promise<DomainXmlRecord[]> => {
      log.push('read');
      return [...domains.values()].map((d) => ({ uuid: d.uuid, name: d.name, xml: d.xml, inactiveXml: d.xml }) as DomainXmlRecord);
    },
    listDomains: async () => [...domains.values()].map((d) => ({ uuid: d.uuid, name: d.name, state: d.state, id: d.state === 'running' ? 1 : -1 })),
    defineDomain: async (xml: string) => {
      const name = /<name>([^<]+)<\/name>/.exec(xml)![1];
      log.push(`define ${name}`);
      await new Promise((r) => setTimeout(r, 50));
      if (domains.has(name)) throw new Error(`operation failed: domain '${name}' already exists`);
      const d = { uuid: `00000000-0000-0000-0000-${String(++n).padStart(12, '0')}`, name, xml, state: 'shutoff' as const };
      domains.set(name, d);
      return { uuid: d.uuid, name };
    },
    domainState: async (ref: { uuid?: string }) => ({ state: byRef(ref)?.state ?? 'shutoff' }),
    startDomain: async (ref: { uuid?: string }) => {
      const d = byRef(ref);
      if (d) domains.set(d.name, { ...d, state: 'running' });
    },
  };
  return { domains, log, client: { api } as unknown as LibvirtHostClient };
}

const vm = new LibvirtHostClient(TEST_URI, nodeHostSpawner);
let lxc = fakeLxc();
const handlers = libvirtHandlers(
  handlerContext({
    client: async (uri?: string) => (uri === LXC_URI ? { uri, client: lxc.client } : { uri: uri ?? TEST_URI, client: vm }),
    emit: () => undefined,
  }),
);

async function call<M extends LibvirtMethodName>(name: M, input: MethodInput<M>): Promise<MethodResult<M>> {
  const r = methods[name].input.safeParse(input);
  if (!r.success) throw new ApiError('INVALID_INPUT', r.error.issues[0].message, r.error.issues[0].path.join('.'));
  return (handlers[name] as (i: unknown) => Promise<MethodResult<M>>)(r.data);
}

const LAB = ['name: ctlock', 'network: none', 'machines:', '  - { kind: container, name: ct, memoryMiB: 64, command: /bin/sh }'].join('\n');

beforeAll(async () => {
  await vm.connect();
});
afterAll(async () => {
  await vm.close();
});

describe('lab containers and the per-connection lock', () => {
  it('two lab ups of one lab on two VM connections define its container once, one after the other', async () => {
    lxc = fakeLxc();
    const [a, b] = await Promise.allSettled([call('lab.up', { text: LAB, connection: TEST_URI }), call('lab.up', { text: LAB, connection: OTHER_VM_URI })]);
    const failures = [a, b].filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as Error).message);
    expect(failures, 'a lab up failed: both planned the container before either defined it').toEqual([]);
    expect([...lxc.domains.keys()]).toEqual(['ctlock-ct']);
    expect(lxc.log.filter((l) => l.startsWith('define'))).toEqual(['define ctlock-ct']);
    const results = [a, b].map((r) => (r as PromiseFulfilledResult<MethodResult<'lab.up'>>).value);
    expect(results.map((r) => r.created).sort()).toEqual([[], ['ctlock-ct']]);
    expect(results.map((r) => r.existing).sort()).toEqual([[], ['ctlock-ct']]);
    expect(lxc.domains.get('ctlock-ct')?.state).toBe('running');
  });

  it('a lab up waits while another mutation (a container.create) holds the LXC connection', async () => {
    lxc = fakeLxc();
    const ctx = handlerContext({ client: async (uri?: string) => (uri === LXC_URI ? { uri, client: lxc.client } : { uri: uri ?? TEST_URI, client: vm }), emit: () => undefined });
    const h = libvirtHandlers(ctx);
    let release!: () => void;
    // Another mutation on the LXC connection (as container.create runs) holds its lock.
    const holding = ctx.locked(LXC_URI, () => new Promise<void>((r) => (release = r)));
    const up = (h['lab.up'] as (i: unknown) => Promise<MethodResult<'lab.up'>>)(methods['lab.up'].input.parse({ text: LAB }));
    let settled = false;
    void up.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled, 'lab up ran while another mutation held the LXC connection').toBe(false);
    expect(lxc.log.filter((l) => l.startsWith('define'))).toEqual([]);
    release();
    await holding;
    expect((await up).created).toEqual(['ctlock-ct']);
  });

  it('a lab start whose containers sit on a down LXC connection says so (not just "no VMs"), in Japanese too', async () => {
    const down = `Failed to connect socket to '/run/libvirt/virtdesk-lxc/libvirt-sock': Connection refused`;
    const h = libvirtHandlers(
      handlerContext({
        client: async (uri?: string) => {
          if (uri === LXC_URI) throw new ApiError('CONNECTION', down);
          return { uri: uri ?? TEST_URI, client: vm };
        },
        emit: () => undefined,
      }),
    );
    const err = await (h['lab.start'] as (i: unknown) => Promise<unknown>)({ name: 'ctdown' }).then(
      () => null,
      (e: unknown) => e as ApiError,
    );
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: `lab 'ctdown' has no VMs on ${TEST_URI}, and its containers cannot be checked: ${down}` });
    const wire = JSON.parse(JSON.stringify(err));
    expect(wire.key).toBe('error.lab.noVmsLxcDown');
    expect(translateServerText('ja', wire, wire.message)).toBe(`ラボ 'ctdown' の VM は ${TEST_URI} にありません。コンテナーは確認できません:「${down}」`);
  });
});
