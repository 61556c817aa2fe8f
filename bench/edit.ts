// Benchmark group for editing a running VM on the REAL qemu:///system daemon (tiny guest):
// from the API call to the change being visible in the live XML (editLiveMs, median of 10) for
// attaching a disk, changing a CD-ROM medium and setting the memory, next to virsh making the
// same change (attach-disk --persistent, change-media --update --live --config, setmem --live
// --config) until it is visible the same way, and the floor: the same libvirt call made directly
// through the host process (what libvirt and QEMU take; the rest is Virtdesk's). Measured
// alternately so all see the same load. editVsVirsh: virsh ms / ours, the smaller of the attach
// disk and change media ratios. Set memory is reported but not in the ratio: the live XML shows a
// new balloon size only when QEMU reports it (BALLOON_CHANGE, at most once a second), so both
// take ~1 s whatever the caller does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { handlerContext, libvirtHandlers } from '../src-main/api/handlers';
import { validateInput, type MethodInput, type MethodName } from '../src-main/contract';
import { parseDomain, type DiskDevice } from '../src-main/domain';
import { LibvirtHostClient } from '../src-main/libvirt/host-client';
import { nodeHostSpawner } from '../src-main/libvirt/node-host-spawner';
import { ninepGuestFiles } from '../test/support/ninep-guest';
import { tinyGuestXml } from '../test/support/tiny-guest';
import { type GroupResult, type Metrics, type Row, fmtMs, median, now, round } from './lib';

const URI = 'qemu:///system';

export async function editGroup(o: { runs?: number } = {}): Promise<GroupResult> {
  const runs = o.runs ?? 10;
  const tag = `vdbench-edit-${process.pid}`;
  const dir = path.join('/var/lib/libvirt/images', tag);
  const client = new LibvirtHostClient(URI, nodeHostSpawner);
  try {
    try {
      await client.connect();
    } catch (e) {
      throw new Error(`the edit benchmark needs libvirtd with ${URI} (see scripts/start-daemons.sh): ${(e as Error).message}`);
    }
    fs.mkdirSync(dir, { recursive: true });
    const files = Array.from({ length: 3 * runs }, (_, i) => path.join(dir, `d${i}.img`));
    for (const f of files) fs.writeFileSync(f, Buffer.alloc(1024 * 1024));
    const isos = [path.join(dir, 'a.iso'), path.join(dir, 'b.iso')];
    for (const f of isos) fs.writeFileSync(f, Buffer.alloc(64 * 1024));
    // A guest with the balloon driver: without it the running VM's memory never changes.
    const guest = ninepGuestFiles();
    const d = parseDomain(tinyGuestXml(tag, { memoryMiB: 256 }));
    d.os.kernel = guest.kernel;
    d.os.initrd = guest.initrd;
    d.addDevice("<controller type='pci' index='0' model='pci-root'/>");
    d.addDevice("<controller type='pci' index='1' model='pci-bridge'/>"); // slots for the 3 × runs hot-added disks
    d.addDevice("<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>");
    const uuid = (await client.api.defineDomain(d.toXml())).uuid;
    await client.api.startDomain({ uuid });

    const handlers = libvirtHandlers(handlerContext({ client: async () => ({ uri: URI, client }) }));
    const call = async <M extends MethodName>(m: M, input: MethodInput<M>) => {
      const v = validateInput(m, input);
      if (!v.ok) throw new Error(v.message);
      return (handlers as unknown as Record<string, (x: unknown) => Promise<unknown>>)[m](v.value);
    };
    const virsh = (...args: string[]) => {
      const r = spawnSync('virsh', ['-q', '-c', URI, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`virsh ${args.join(' ')}: ${r.stderr.trim()}`);
    };
    const visible = async (ok: (x: ReturnType<typeof parseDomain>) => boolean, timeoutMs = 30_000) => {
      for (const until = now() + timeoutMs; now() < until; ) if (ok(parseDomain(await client.api.domainXml({ uuid })))) return;
      throw new Error(`a change did not show in the live XML within ${timeoutMs / 1000} s`);
    };
    const timed = async (change: () => Promise<unknown> | void, ok: (x: ReturnType<typeof parseDomain>) => boolean) => {
      const t0 = now();
      await change();
      await visible(ok);
      return now() - t0;
    };
    const vm = { connection: URI, vm: { uuid } };
    const target = (i: number) => `vd${i < 25 ? String.fromCharCode(98 + i) : `a${String.fromCharCode(97 + i - 25)}`}`;
    const diskXml = (file: string, t: string) => `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${file}'/><target dev='${t}' bus='virtio'/></disk>`;
    const cdromXml = (file: string) => `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${file}'/><target dev='hdc' bus='ide'/><readonly/></disk>`;
    const hasDisk = (t: string) => (x: ReturnType<typeof parseDomain>) => !!x.device(`disk:${t}`);
    const media = (p: string) => (x: ReturnType<typeof parseDomain>) => (x.device('disk:hdc') as DiskDevice | undefined)?.source === p;
    const memory = (mib: number) => (x: ReturnType<typeof parseDomain>) => x.currentMemoryKiB === mib * 1024;

    // The running VM's memory changes when the guest's balloon driver answers: wait until it has booted.
    await client.api.setDomainMemory({ uuid }, 250 * 1024, { flags: 1 });
    await visible(memory(250), 180_000);

    type Op = { key: string; what: string; ours: (i: number) => Promise<number>; virsh: (i: number) => Promise<number>; floor?: (i: number) => Promise<number> };
    const ops: Op[] = [
      {
        key: 'AttachDisk', what: 'attach disk',
        ours: (i) => timed(() => call('vm.attachDisk', { ...vm, source: { path: files[3 * i] }, bus: 'virtio', target: target(3 * i) }), hasDisk(target(3 * i))),
        virsh: (i) => timed(() => virsh('attach-disk', tag, files[3 * i + 1], target(3 * i + 1), '--targetbus', 'virtio', '--persistent'), hasDisk(target(3 * i + 1))),
        floor: (i) => timed(() => client.api.attachDevice({ uuid }, diskXml(files[3 * i + 2], target(3 * i + 2)), 3), hasDisk(target(3 * i + 2))),
      },
      {
        key: 'ChangeMedia', what: 'change media',
        ours: (i) => timed(() => call('vm.changeMedia', { ...vm, target: 'hdc', path: isos[i % 2] }), media(isos[i % 2])),
        virsh: (i) => timed(() => virsh('change-media', tag, 'hdc', isos[(i + 1) % 2], '--update', '--live', '--config'), media(isos[(i + 1) % 2])),
        floor: (i) => timed(() => client.api.updateDevice({ uuid }, cdromXml(isos[i % 2]), 3), media(isos[i % 2])),
      },
      {
        key: 'SetMemory', what: 'set memory',
        ours: (i) => timed(() => call('vm.setMemory', { ...vm, memoryMiB: 200 + i }), memory(200 + i)),
        virsh: (i) => timed(() => virsh('setmem', tag, `${220 + i}M`, '--live', '--config'), memory(220 + i)),
      },
    ];
    const metrics: Metrics = {};
    const rows: Row[] = [];
    const ratios: number[] = [];
    for (const op of ops) {
      const ours: number[] = [];
      const theirs: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < runs; i++) {
        const named = (who: string) => (e: Error) => Promise.reject(new Error(`${op.what} (${who}): ${e.message}`));
        ours.push(await op.ours(i).catch(named('Virtdesk')));
        theirs.push(await op.virsh(i).catch(named('virsh')));
        if (op.floor) floor.push(await op.floor(i).catch(named('direct call')));
      }
      const [m, v] = [median(ours), median(theirs)];
      metrics[`editLive${op.key}Ms`] = round(m);
      metrics[`virsh${op.key}Ms`] = round(v);
      rows.push({ what: `${op.what}: API → live XML`, value: fmtMs(m), note: `median of ${runs}` }, { what: `${op.what}: virsh → live XML`, value: fmtMs(v), note: `virsh / ours = ${round(v / m, 1)}` });
      if (op.floor) {
        ratios.push(v / m);
        metrics[`editFloor${op.key}Ms`] = round(median(floor));
        rows.push({ what: `${op.what}: direct libvirt call → live XML`, value: fmtMs(median(floor)), note: `Virtdesk adds ${fmtMs(m - median(floor))}` });
      }
    }
    metrics.editLiveMs = round(median(ops.filter((op) => op.floor).map((op) => metrics[`editLive${op.key}Ms`])));
    metrics.editVsVirsh = round(Math.min(...ratios), 1);
    rows.push({ what: 'editVsVirsh (attach disk, change media: smaller virsh / ours)', value: String(metrics.editVsVirsh), note: 'target ≥ 10; bounded by what libvirt and QEMU take (direct call rows)' });
    return { metrics, rows };
  } finally {
    await client.api.destroyDomain({ name: tag }).catch(() => undefined);
    await client.api.undefineDomain({ name: tag }, { nvram: true, managedSave: true }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await client.close();
  }
}
