// Deleting a VM safely: which of its disks may go with it, and why the others may not (used by
// another VM directly or as a backing file, CD-ROM, read-only, shareable, not in a pool).
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';

type Api = LibvirtHostClient['api'];
import { readDomainXml } from '../xml/read-domain';
import { readVirtdeskMeta } from '../xml/virtdesk-meta';
import { recordDisks, type VolumeRef } from '../storage/usage';
import { deleteRefusal } from '../storage/usage-scan';
import { poolInfos } from '../storage/pools';
import { listSnapshots } from '../snapshots/snapshots';
import { asArray, parseXml, text, type XmlNode } from '../xml/parse';
import {
  
  type DeletePlan,
  type DeletePlanDisk,
  type DeletePlanLinkedClone,
  type DeletePlanSnapshot } from '../contract';
import type { HandlerContext } from '../api/handlers/context';



export async function deletePlan(ctx: HandlerContext, uri: string, api: Api, vm: { uuid: string } | { name: string }): Promise<DeletePlan & { poolsByPath: Map<string, VolumeRef> }> {
  const d = await api.lookupDomain(vm);
  let pools = await api.listPools();
  let usage = await ctx.usageOf(uri, api, pools);
  let { records, index } = usage;
  const own = records.find((r) => r.uuid === d.uuid);
  const disks = own ? recordDisks(own) : [];
  // Files created in a pool folder behind libvirt's back are unknown until the pool is refreshed.
  const unknownDirs = new Set(disks.map((x) => index.pathOf(x)).filter((p): p is string => !!p && !index.atPath(p)).map((p) => path.dirname(p)));
  const toRefresh = (unknownDirs.size ? await poolInfos(api) : []).filter((p) => p.active && p.path && unknownDirs.has(p.path));
  if (toRefresh.length) {
    await Promise.all(toRefresh.map((p) => api.refreshPool(p.name).catch(() => undefined)));
    pools = await api.listPools();
    usage = await ctx.usageOf(uri, api, pools);
    ({ records, index } = usage);
  }
  const meta = own ? readVirtdeskMeta(own.inactiveXml ?? own.xml) : undefined;
  const seed = meta?.seed;
  const out: DeletePlanDisk[] = [];
  const seen = new Set<string>();
  for (const disk of disks) {
    const p = index.pathOf(disk);
    if (!p) continue; // network disks and the like: nothing on this host to delete
    if (seen.has(p)) continue;
    seen.add(p);
    const vol = index.atPath(p);
    const base: DeletePlanDisk = { path: p, target: disk.target, device: disk.device, ...(vol ? { pool: vol.pool, volume: vol.volume, sizeBytes: vol.capacity } : {}), deletable: false };
    const inUse = deleteRefusal(usage, p, d.uuid);
    let reason: string | undefined;
    const isOwnSeed = !!seed && seed.path === p && !!vol && vol.pool === seed.pool && vol.volume === seed.volume;
    if (isOwnSeed && !inUse) reason = undefined; // the cloud-init seed Virtdesk made for this VM
    else if (disk.device === 'cdrom' || disk.device === 'floppy') reason = `${disk.device === 'cdrom' ? 'CD-ROM' : 'floppy'} media are never deleted`;
    else if (disk.readonly) reason = 'read-only disk';
    else if (disk.shareable) reason = 'shareable disk (meant for several VMs)';
    else if (inUse) reason = inUse;
    else if (!vol) reason = 'not a volume of a running storage pool; delete the file by hand if you no longer need it';
    out.push(reason ? { ...base, reason } : { ...base, deletable: true });
  }
  const poolsByPath = new Map<string, VolumeRef>();
  for (const x of out) {
    const v = index.atPath(x.path);
    if (v) poolsByPath.set(x.path, v);
  }
  // UEFI VMs get their NVRAM file at first start (firmware autoselection): either sign counts.
  const hasNvram = !!own && [own.xml, own.inactiveXml].some((x) => !!x && (/<nvram[\s>]/.test(x) || readDomainXml(x).firmware === 'uefi'));
  // A driver without snapshot support has none to name: deleting still works.
  const snapshots: DeletePlanSnapshot[] = (await listSnapshots(api, { uuid: d.uuid }).catch(() => [])).map((s) => ({ name: s.name, kind: s.external ? 'external' : 'internal' }));
  let linkedClone: DeletePlanLinkedClone | null = null;
  if (meta?.linkedFrom) {
    const from = meta.linkedFrom;
    const exists = records.some((r) => r.uuid === from.uuid);
    linkedClone = { template: { ...from, exists }, overlays: meta.disks.map((x) => ({ target: x.target, overlay: x.overlay, base: x.base })) };
  }
  return {
    vm: { uuid: d.uuid, name: d.name, state: d.state },
    disks: out,
    running: d.id !== -1,
    hasNvram,
    hasManagedSave: d.hasManagedSave,
    snapshots,
    nvram: hasNvram ? { path: (own && (nvramPath(own.inactiveXml) ?? nvramPath(own.xml))) ?? null } : null,
    linkedClone,
    poolsByPath,
  };
}

/** The text of <os><nvram> (the variable store's file), if the XML names one. */
function nvramPath(xml: string | null | undefined): string | undefined {
  if (!xml) return undefined;
  try {
    const dom = asArray(parseXml(xml).domain as XmlNode[])[0];
    const os = asArray(dom?.os as XmlNode[])[0];
    const nv = asArray(os?.nvram as unknown[])[0];
    return text(nv)?.trim() || undefined;
  } catch {
    return undefined;
  }
}
