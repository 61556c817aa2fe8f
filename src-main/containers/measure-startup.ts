// How long a VM and a container take to start on this computer, measured by the app on request
// (the Host page's "Measure"): each from virDomainCreate to the first marker on its console, the
// same measure as the `containers` benchmark group.
// - VM: the tiny test guest (a kernel + busybox initramfs that prints a marker on the serial
//   console; scripts/build-tiny-guest.sh builds it into the fixtures folder), KVM when the host
//   check says KVM works, else TCG.
// - Container: an application container running this computer's busybox, printing a marker until
//   someone reads the console (LXC drops console output nobody reads yet).
// Both are defined under a unique name and removed afterwards, whatever happens.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { StartupMeasure } from '../contract';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { virtualizationFor } from '../host/create-facts';
import { buildXml, el, textEl } from '../xml/build';
import { buildContainerXml } from './build-container';
import { guestKinds } from './create-container';

export const TINY_GUEST_DIR = process.env.VIRTDESK_FIXTURES ?? '/var/lib/libvirt/images/virtdesk-fixtures';
const VM_MARKER = 'VIRTDESK-TINY-GUEST-READY';
const CONTAINER_MARKER = 'VIRTDESK-CONTAINER-READY';
const BUSYBOX = '/bin/busybox';
const TIMEOUT_MS = 120_000;

type Conn = { uri: string; client: LibvirtHostClient };
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Starts `name` and waits for `marker` on its console; the time in ms. The domain is forced off afterwards. */
async function startToMarker(client: LibvirtHostClient, name: string, marker: string): Promise<number> {
  let text = '';
  let streamId = -1;
  const dec = new TextDecoder();
  const stop = client.onEvent((e) => {
    if (e.type === 'stream-data' && e.streamId === streamId) text += dec.decode(e.data, { stream: true });
  });
  try {
    const t0 = performance.now();
    await client.api.startDomain({ name });
    streamId = (await client.api.openConsole({ name }, { force: true })).streamId;
    const until = Date.now() + TIMEOUT_MS;
    while (!text.includes(marker)) {
      if (Date.now() > until) throw new Error(`no start marker on the console of '${name}' within ${TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - t0;
    await client.api.streamClose(streamId).catch(() => undefined);
    return Math.round(ms);
  } finally {
    stop();
  }
}

async function measureOne(c: Conn, name: string, xml: string, marker: string): Promise<StartupMeasure> {
  try {
    await c.client.api.defineDomain(xml);
    return { connection: c.uri, ms: await startToMarker(c.client, name, marker) };
  } catch (e) {
    return { connection: c.uri, ms: null, error: errText(e) };
  } finally {
    await c.client.api.destroyDomain({ name }).catch(() => undefined);
    await c.client.api.undefineDomain({ name }).catch(() => undefined);
  }
}

function tinyVmXml(name: string, domainType: 'kvm' | 'qemu', kernel: string, initrd: string): string {
  return buildXml({
    domain: el({ type: domainType }, {
      name: textEl(name),
      memory: textEl(192, { unit: 'MiB' }),
      vcpu: textEl(1),
      os: { type: textEl('hvm', { arch: 'x86_64', machine: 'pc' }), kernel: textEl(kernel), initrd: textEl(initrd), cmdline: textEl('console=ttyS0 quiet') },
      on_poweroff: textEl('destroy'),
      devices: { serial: el({ type: 'pty' }, { target: el({ port: 0 }) }), console: el({ type: 'pty' }, { target: el({ type: 'serial', port: 0 }) }) },
    }),
  });
}

/** The VM measure on `vm` (a QEMU connection). */
export async function measureVmStartup(vm: Conn): Promise<StartupMeasure> {
  const kernel = path.join(TINY_GUEST_DIR, 'vmlinuz');
  const initrd = path.join(TINY_GUEST_DIR, 'initrd.gz');
  if (!fs.existsSync(kernel) || !fs.existsSync(initrd)) {
    return { connection: vm.uri, ms: null, error: `the tiny test guest is not in ${TINY_GUEST_DIR}: build it with scripts/build-tiny-guest.sh (npm run setup does)` };
  }
  const domainType = (await virtualizationFor(vm.uri, vm.client).catch(() => null))?.verdict === 'kvm' ? 'kvm' : 'qemu';
  const name = `virtdesk-startup-vm-${randomUUID().slice(0, 8)}`;
  return { ...(await measureOne(vm, name, tinyVmXml(name, domainType, kernel, initrd), VM_MARKER)), kind: domainType };
}

/** The container measure on `lxc` (an LXC connection). */
export async function measureContainerStartup(lxc: Conn): Promise<StartupMeasure> {
  if (!fs.existsSync(BUSYBOX)) return { connection: lxc.uri, ms: null, error: `${BUSYBOX} is missing: apt install busybox-static` };
  const kinds = await guestKinds(lxc.client.api);
  if (!kinds.containers) return { connection: lxc.uri, ms: null, error: `connection ${lxc.uri} runs no containers` };
  const name = `virtdesk-startup-ct-${randomUUID().slice(0, 8)}`;
  const xml = buildContainerXml(
    { kind: 'application', name, command: BUSYBOX, args: ['sh', '-c', `while ! read -t 0.02 line; do echo ${CONTAINER_MARKER}; done`], memoryMiB: 64, vcpus: 1, mounts: [], network: { kind: 'none' } },
    kinds.emulator ? { emulator: kinds.emulator } : {},
  );
  return measureOne(lxc, name, xml, CONTAINER_MARKER);
}
