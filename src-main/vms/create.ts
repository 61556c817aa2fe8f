// Creating a VM: validate everything against the host first (prepare: nothing is created), then
// volume → seed → define → start, removing what this call made when a later step fails.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LibvirtHostClient } from '../libvirt/host-client';
import type { OsDefaults } from '../osinfo/osinfo-db';
import { looksLikeOpticalImage } from '../osinfo/iso';
import { buildDomainXml, type DomainPlan } from '../xml/build-domain';
import { buildVolumeXml } from '../xml/build-storage';
import { readVolumeXml } from '../xml/read-domain';
import { EMPTY_META } from '../xml/virtdesk-meta';
import { checkSpecAgainstHost, planDomain, type PlanDisks } from '../xml/vm-plan';
import { FileCheckError, checkReadableFile, probeDiskImage, qemuAccessWarning } from '../storage/disk-image';
import { vmUsersOf, type StorageUsage } from '../storage/usage-scan';
import { VolumeIndex } from '../storage/usage';
import type { DetectedTree } from '../install/url-tree';
import { copyImageToVolume, downloadAsVolume, seedVolume, type CreatedVolume } from '../install/stage';
import { hashPassword, hostnameFromName, seedContent } from '../cloudinit/seed';
import { osCandidatesFromFileName } from '../osinfo/file-name';
import os from 'node:os';
import { ApiError } from '../contract';
import { removeDomain } from '../clones/clone';
import { poolInfos } from '../storage/pools';
import { toApiError } from '../api/connection-manager';
import { throwIfCancelled } from '../api/cancellation';
import {
  
  type MethodResult,
  type CreateStep,
  type VmSpec } from '../contract';
import type { HandlerContext } from '../api/handlers/context';

import { GiB, errText, fmtGiB, gibToBytes, installTreeOrError, invalid, isLocalConnection, notFound } from '../api/handlers/helpers';
import { requirePool } from '../storage/pools';

interface Prepared {
  plan: DomainPlan;
  xml: string;
  warnings: string[];
  newVolume?: { pool: string; name: string; xml: string; format: 'qcow2' | 'raw'; predictedPath: string; capacityBytes: number; poolPath: string | null };
  /** Network install: the tree, and the pool its boot files go to for the installer boot. */
  install?: { tree: DetectedTree; cmdline: string; pool: string; kernelName: string; initrdName: string };
  /** Cloud image: the image copied into newVolume, and the seed ISO volume to make. */
  cloud?: { image: string; imageBytes: number; seedPool: string; seedName: string; seedPredictedPath: string };
}


export async function fileCheck<T>(field: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FileCheckError) throw invalid(field, e.message);
    throw e;
  }
}

function uniqueVolumeName(base: string, ext: string, taken: (n: string) => boolean): string {
  for (let i = 0; i < 1000; i++) {
    const n = i === 0 ? `${base}${ext}` : `${base}-${i}${ext}`;
    if (!taken(n)) return n;
  }
  return `${base}-${randomUUID().slice(0, 8)}${ext}`;
}

/** What the preparation steps share: the connection, its pools and disk users, the warnings so far. */
interface PrepareEnv {
  api: LibvirtHostClient['api'];
  uri: string;
  local: boolean;
  pools: Awaited<ReturnType<typeof poolInfos>>;
  usage: StorageUsage;
  warnings: string[];
  /** Warns when QEMU of qemu:///system could not open the file. */
  accessWarning(file: string, what: string): Promise<void>;
}

/** The OS: as given, else (like virt-install) from the install tree or the cloud image's name. */
async function resolveOs(ctx: HandlerContext, spec: VmSpec, tree: DetectedTree | null, notes: string[]): Promise<OsDefaults | null> {
  let os: OsDefaults | null = null;
  if (spec.os) {
    os = await ctx.osinfo.osDefaults(spec.os);
    if (!os) throw invalid('spec.os', `unknown OS '${spec.os}' (find ids with os.search)`);
  } else if (tree || spec.source.kind === 'cloud') {
    // Like virt-install: the tree (or the image's name) says which OS it is.
    const candidates = tree ? tree.osCandidates : osCandidatesFromFileName((spec.source as { image: string }).image);
    for (const c of candidates) {
      os = await ctx.osinfo.osDefaults(c);
      if (os) {
        notes.push(`operating system: ${os.os.name} (detected from the ${tree ? 'install tree' : "image's file name"})`);
        break;
      }
    }
  }
  return os;
}

/** The source's files: checked (on this computer), and which disks they become. */
async function prepareSource(env: PrepareEnv, spec: VmSpec, disks: PlanDisks): Promise<{ bytes: number; virtualBytes: number } | undefined> {
  const { api, uri, local, warnings, accessWarning } = env;
  const index = env.usage.index;
  const usedByOthers = (p: string): string[] => vmUsersOf(env.usage, p);
  let cloudImage: { bytes: number; virtualBytes: number } | undefined;
  const src = spec.source;
  if (!local && (src.kind === 'iso' || src.kind === 'kernel' || src.kind === 'import')) {
    warnings.push(`the files named are on the host of ${uri}; they could not be checked from here`);
  }
  switch (src.kind) {
    case 'iso':
      if (local) {
        await fileCheck('spec.source.path', () => checkReadableFile(src.path, 'ISO image'));
        if (!(await looksLikeOpticalImage(src.path))) warnings.push(`'${src.path}' does not look like an ISO 9660/UDF image; the VM may not boot from it`);
        await accessWarning(src.path, 'ISO image');
      }
      disks.cdrom = src.path;
      break;
    case 'import': {
      const users = usedByOthers(src.path);
      if (users.length) throw invalid('spec.source.path', `disk image '${src.path}' is already used by VM ${users.map((n) => `'${n}'`).join(', ')}`);
      let format: 'qcow2' | 'raw';
      if (local) {
        format = (await fileCheck('spec.source.path', () => probeDiskImage(src.path, 'disk image'))).format;
        await accessWarning(src.path, 'disk image');
      } else {
        const vol = index.atPath(src.path);
        const f = vol ? readVolumeXml(await api.volumeXml(vol.pool, vol.volume)).format : undefined;
        if (f !== 'qcow2' && f !== 'raw') throw invalid('spec.source.path', `the format of '${src.path}' cannot be checked on a remote host unless it is a qcow2/raw volume of a storage pool there`);
        format = f;
      }
      disks.bootImage = { path: src.path, format };
      break;
    }
    case 'kernel':
      if (local) {
        await fileCheck('spec.source.kernel', () => checkReadableFile(src.kernel, 'kernel'));
        await accessWarning(src.kernel, 'kernel');
        if (src.initrd) {
          await fileCheck('spec.source.initrd', () => checkReadableFile(src.initrd!, 'initrd'));
          await accessWarning(src.initrd, 'initrd');
        }
      }
      break;
    case 'url':
      // Checked above (installTreeOrError); the boot files are fetched at create time.
      warnings.push('the installer runs once; when it finishes and reboots, Virtdesk starts the VM again from its disk (if Virtdesk is not running then, start the VM yourself)');
      break;
    case 'cloud': {
      if (local) {
        const info = await fileCheck('spec.source.image', () => probeDiskImage(src.image, 'cloud image'));
        if (info.backingFile) throw invalid('spec.source.image', `cloud image '${src.image}' is an overlay on '${info.backingFile}'; use a standalone image`);
        cloudImage = { bytes: (await fs.stat(src.image)).size, virtualBytes: info.virtualSizeBytes };
      } else {
        const vol = index.atPath(src.image);
        if (!vol) throw invalid('spec.source.image', `the cloud image '${src.image}' must be a volume of a storage pool on the remote host`);
        const info = await api.volumeInfo(vol.pool, vol.volume);
        cloudImage = { bytes: info.allocation, virtualBytes: info.capacity };
      }
      break;
    }
    case 'none':
      break;
  }

  return cloudImage;
}

/** The VM's disk: a new volume (name, size, free space checked) or an existing one nobody uses. */
async function prepareStorage(env: PrepareEnv, spec: VmSpec, disks: PlanDisks, cloudImage: { virtualBytes: number } | undefined): Promise<Prepared['newVolume']> {
  const { api, local, pools } = env;
  const index = env.usage.index;
  const usedByOthers = (p: string): string[] => vmUsersOf(env.usage, p);
  let newVolume: Prepared['newVolume'];
  const st = spec.storage;
  if (st.kind === 'new') {
    const pool = requirePool(pools, st.pool, 'spec.storage.pool');
    const bytes = gibToBytes(st.sizeGiB);
    if (cloudImage && bytes < cloudImage.virtualBytes) {
      throw invalid('spec.storage.sizeGiB', `disk size ${fmtGiB(bytes)} is smaller than the cloud image itself (${fmtGiB(cloudImage.virtualBytes)}); choose at least ${Math.ceil((cloudImage.virtualBytes / GiB) * 10) / 10} GiB`);
    }
    if (bytes > pool.available) {
      throw invalid('spec.storage.sizeGiB', `disk size ${fmtGiB(bytes)} is more than the free space of storage pool '${pool.name}' (${fmtGiB(pool.available)})`);
    }
    const ext = st.format === 'qcow2' ? '.qcow2' : '.img';
    const taken = (n: string) => !!index.named(pool.name, n) || (!!pool.path && index.atPath(path.join(pool.path, n)) !== undefined);
    let volName: string;
    if (st.name) {
      if (taken(st.name)) throw invalid('spec.storage.name', `a volume named '${st.name}' already exists in storage pool '${pool.name}'`);
      volName = st.name;
    } else {
      volName = uniqueVolumeName(spec.name, ext, taken);
    }
    if (local && pool.path) {
      // A file libvirt does not know yet (created behind its back) would make the create fail late.
      const exists = await fs.stat(path.join(pool.path, volName)).then(() => true, () => false);
      if (exists) {
        if (st.name) throw invalid('spec.storage.name', `a file named '${volName}' already exists in the folder of storage pool '${pool.name}'`);
        volName = uniqueVolumeName(spec.name, ext, (n) => taken(n) || n === volName);
      }
    }
    const predictedPath = pool.path ? path.join(pool.path, volName) : `${pool.name}/${volName}`;
    newVolume = { pool: pool.name, name: volName, format: st.format, xml: buildVolumeXml({ name: volName, capacityBytes: bytes, format: st.format }), predictedPath, capacityBytes: bytes, poolPath: pool.path };
    disks.volume = { path: predictedPath, format: st.format };
  } else if (st.kind === 'existing') {
    const pool = requirePool(pools, st.pool, 'spec.storage.pool');
    const vol = index.named(pool.name, st.volume);
    if (!vol) throw notFound('spec.storage.volume', `no volume named '${st.volume}' in storage pool '${pool.name}'`);
    const users = usedByOthers(vol.path);
    if (users.length) throw invalid('spec.storage.volume', `volume '${st.volume}' is already used by VM ${users.map((n) => `'${n}'`).join(', ')}`);
    const f = readVolumeXml(await api.volumeXml(pool.name, vol.volume)).format;
    if (f !== 'qcow2' && f !== 'raw') throw invalid('spec.storage.volume', `volume '${st.volume}' has format '${f ?? 'unknown'}'; supported: qcow2, raw`);
    disks.volume = { path: vol.path, format: f };
  }

  return newVolume;
}

/** The network exists (and runs, when the VM is to start now), or the bridge does. */
async function checkNetwork(env: PrepareEnv, spec: VmSpec, forStart: boolean): Promise<void> {
  const { api, local, warnings } = env;
  const net = spec.network;
  if (net.kind === 'network') {
    const nets = await api.listNetworks();
    const n = nets.find((x) => x.name === net.name);
    if (!n) throw notFound('spec.network.name', `no virtual network named '${net.name}'${nets.length ? ` (networks: ${nets.map((x) => x.name).join(', ')})` : ''}`);
    if (!n.active) {
      if (forStart) throw invalid('spec.network.name', `virtual network '${net.name}' is not running: start it first (network.start), or create the VM without starting it`);
      warnings.push(`virtual network '${net.name}' is not running; start it before starting the VM`);
    }
  } else if (net.kind === 'bridge' && local) {
    const isBridge = await fs.stat(`/sys/class/net/${net.name}/bridge`).then(() => true, () => false);
    if (!isBridge) throw invalid('spec.network.name', `there is no bridge interface named '${net.name}' on this host`);
  }

}

/** What prepare's disk checks read, for a VM without disks (they never run). */
const NO_DISK_USAGE = (): StorageUsage => ({ records: [], index: new VolumeIndex([]), backingOf: new Map(), users: new Map() });

export async function prepare(ctx: HandlerContext, uri: string, client: LibvirtHostClient, spec: VmSpec, forStart: boolean): Promise<Prepared> {
  const api = client.api;
  const facts = await ctx.hostFacts(uri, client);
  const tree = spec.source.kind === 'url' ? await installTreeOrError(spec.source.url, 'spec.source.url', ctx.deps.urlTimeoutMs ?? 5000, ctx.deps.urlPolicy?.()) : null;
  const detectedNote: string[] = [];
  const os = await resolveOs(ctx, spec, tree, detectedNote);
  const pools = await poolInfos(api);
  // The storage-usage scan (every volume's header, qemu-img for disk files outside pools) answers
  // "does another VM use this image" and volume-name clashes: only a VM that gets a disk or
  // imports an image needs it; for the others the VM names are enough.
  const needsUsage = spec.storage.kind !== 'none' || spec.source.kind === 'import';
  const usage = needsUsage ? await ctx.usageOf(uri, api, pools) : NO_DISK_USAGE();
  const index = usage.index;
  const vmNames = needsUsage ? usage.records.map((r) => r.name) : (await api.listDomains()).map((d) => d.name);
  const check = checkSpecAgainstHost(spec, facts, os, new Set(vmNames));
  if (check.problems.length) throw invalid(check.problems[0].field, check.problems[0].message);
  const warnings = [...detectedNote, ...check.warnings];
  const systemQemu = facts.local && /^qemu:\/\/\/system/.test(uri);
  const env: PrepareEnv = {
    api,
    uri,
    local: facts.local,
    pools,
    usage,
    warnings,
    async accessWarning(file, what) {
      if (!systemQemu) return;
      const w = await qemuAccessWarning(file, what);
      if (w) warnings.push(w);
    },
  };
  const disks: PlanDisks = {};
  const src = spec.source;
  const st = spec.storage;
  const cloudImage = await prepareSource(env, spec, disks);
  const newVolume = await prepareStorage(env, spec, disks, cloudImage);
  await checkNetwork(env, spec, forStart);

  // Extra volumes: the installer's boot files, the cloud-init seed (in the disk's pool).
  const diskPool = st.kind === 'none' ? null : requirePool(pools, st.pool, 'spec.storage.pool');
  const reserved = new Set<string>(newVolume ? [newVolume.name] : []);
  const extraName = (suffix: string): string => {
    const n = uniqueVolumeName(`${spec.name}-${suffix}`, '', (x) => reserved.has(x) || !!index.named(diskPool!.name, x));
    reserved.add(n);
    return n;
  };
  let install: Prepared['install'];
  if (tree && diskPool) {
    const cmdline = [tree.cmdline, spec.source.kind === 'url' ? spec.source.cmdline ?? '' : ''].filter(Boolean).join(' ');
    install = { tree, cmdline, pool: diskPool.name, kernelName: extraName('install-kernel'), initrdName: extraName('install-initrd') };
  }
  let cloud: Prepared['cloud'];
  if (src.kind === 'cloud' && diskPool && cloudImage) {
    const seedName = extraName('cidata.iso');
    const seedPredictedPath = diskPool.path ? path.join(diskPool.path, seedName) : `${diskPool.name}/${seedName}`;
    cloud = { image: src.image, imageBytes: cloudImage.bytes, seedPool: diskPool.name, seedName, seedPredictedPath };
    disks.cdrom = seedPredictedPath;
  }

  const plan = planDomain(spec, check.choices, facts, os, disks, randomUUID());
  if (cloud) plan.virtdesk = { template: false, tags: [], disks: [], seed: { pool: cloud.seedPool, volume: cloud.seedName, path: cloud.seedPredictedPath } };
  return { plan, xml: buildDomainXml(plan), warnings, ...(newVolume ? { newVolume } : {}), ...(install ? { install } : {}), ...(cloud ? { cloud } : {}) };
}

export async function createVm(ctx: HandlerContext, uri: string, client: LibvirtHostClient, spec: VmSpec, start: boolean, progressId?: string, signal?: AbortSignal): Promise<MethodResult<'vm.create'>> {
  const api = client.api;
  const progress = (step: CreateStep, extra: { detail?: string; done?: number; total?: number } = {}) => {
    // A new step begins: the place to stop when vm.cancel was called (byte progress is not).
    if (extra.done === undefined) throwIfCancelled(signal);
    if (progressId) ctx.deps.emit?.({ type: 'vm.createProgress', connection: uri, progressId, name: spec.name, step, ...extra });
  };
  progress('check');
  if (spec.source.kind === 'url' && !start) {
    throw invalid('start', 'a network install boots its installer once, right when the VM is created: create it with start');
  }
  const prepared = await prepare(ctx, uri, client, spec, start);
  const done: string[] = [];
  let step = 'validate';
  /** Volumes made so far, removed again when a later step fails. */
  const made: CreatedVolume[] = [];
  let volume: CreatedVolume | undefined;
  let uuid: string | undefined;
  let started = false;
  const paths = new Map<string, string>();
  const planWithPaths = (plan: DomainPlan): DomainPlan => ({ ...plan, disks: plan.disks.map((d) => ({ ...d, path: paths.get(d.path) ?? d.path })), ...(plan.virtdesk?.seed ? { virtdesk: { ...plan.virtdesk, seed: { ...plan.virtdesk.seed, path: paths.get(plan.virtdesk.seed.path) ?? plan.virtdesk.seed.path } } } : {}) });
  const bytes = (p: { done: number; total?: number }) => ({ done: p.done, ...(p.total !== undefined ? { total: p.total } : {}) });
  try {
    const { install, cloud, newVolume } = prepared;
    let boot: { kernel: CreatedVolume; initrd: CreatedVolume } | undefined;
    if (install) {
      step = `download the installer kernel ${install.tree.kernelUrl}`;
      progress('download-kernel', { detail: install.tree.kernelUrl });
      const kernel = await downloadAsVolume(api, install.tree.kernelUrl, install.pool, install.kernelName, (p) => progress('download-kernel', { detail: install.tree.kernelUrl, ...bytes(p) }), ctx.deps.urlPolicy?.());
      made.push(kernel);
      step = `download the installer initrd ${install.tree.initrdUrl}`;
      progress('download-initrd', { detail: install.tree.initrdUrl });
      const initrd = await downloadAsVolume(api, install.tree.initrdUrl, install.pool, install.initrdName, (p) => progress('download-initrd', { detail: install.tree.initrdUrl, ...bytes(p) }), ctx.deps.urlPolicy?.());
      made.push(initrd);
      boot = { kernel, initrd };
    }
    if (newVolume) {
      if (cloud) {
        step = `copy the cloud image '${cloud.image}' into pool '${newVolume.pool}'`;
        progress('copy-image', { detail: cloud.image, done: 0, total: cloud.imageBytes });
        volume = await copyImageToVolume(
          api,
          { image: cloud.image, pool: newVolume.pool, poolPath: newVolume.poolPath, name: newVolume.name, format: newVolume.format, capacityBytes: newVolume.capacityBytes, local: isLocalConnection(uri), sourceBytes: cloud.imageBytes },
          (p) => progress('copy-image', { detail: cloud.image, ...bytes(p) }),
        );
      } else {
        step = `create the disk volume '${newVolume.name}' in pool '${newVolume.pool}'`;
        progress('volume', { detail: newVolume.name });
        const v = await api.createVolume(newVolume.pool, newVolume.xml);
        volume = { pool: newVolume.pool, name: v.name, path: v.path };
      }
      made.push(volume);
      paths.set(newVolume.predictedPath, volume.path);
    }
    if (cloud && spec.source.kind === 'cloud') {
      step = `build the cloud-init seed ISO '${cloud.seedName}'`;
      progress('seed', { detail: cloud.seedName });
      const ci = spec.source.cloudInit;
      const content = seedContent(ci, {
        instanceId: `iid-${prepared.plan.uuid}`,
        hostname: ci.hostname ?? hostnameFromName(spec.name),
        ...(ci.password !== undefined ? { passwordHash: await hashPassword(ci.password) } : {}),
      });
      const seed = await seedVolume(api, cloud.seedPool, cloud.seedName, content);
      made.push(seed);
      paths.set(cloud.seedPredictedPath, seed.path);
    }
    const finalPlan = planWithPaths(prepared.plan);
    const xml = buildDomainXml(finalPlan);
    step = 'define the VM';
    progress('define');
    const defined = await api.defineDomain(ctx.deps.hooks?.beforeDefine ? ctx.deps.hooks.beforeDefine(xml) : xml);
    uuid = defined.uuid;
    if (boot && install) {
      step = 'start the installer';
      progress('start');
      // The definition boots from disk; this one boot runs the installer (virt-install's way).
      await api.createDomain(
        buildDomainXml({
          ...finalPlan,
          kernel: { path: boot.kernel.path, initrd: boot.initrd.path, ...(install.cmdline ? { cmdline: install.cmdline } : {}) },
          bootOrder: [],
          onReboot: 'destroy',
          virtdesk: { ...(finalPlan.virtdesk ?? EMPTY_META), installer: true },
        }),
      );
      started = true;
      // QEMU has read the kernel and initrd: they are not needed any more.
      progress('cleanup');
      for (const v of [boot.kernel, boot.initrd]) {
        await api.deleteVolume(v.pool, v.name).catch(() => undefined);
        made.splice(made.indexOf(v), 1);
      }
    } else if (start) {
      step = 'start the VM';
      progress('start');
      await api.startDomain({ uuid });
      started = true;
    }
  } catch (e) {
    const failed = toApiError(e);
    const problems: string[] = [];
    if (uuid) {
      try {
        await removeDomain(api, { uuid });
        done.push('removed the VM definition');
      } catch (u) {
        problems.push(`the VM definition could not be removed: ${errText(u)}`);
      }
    }
    for (const v of made.reverse()) {
      try {
        await api.deleteVolume(v.pool, v.name);
        done.push(`deleted the volume '${v.name}'`);
      } catch (u) {
        problems.push(`the volume '${v.path}' could not be deleted: ${errText(u)}`);
      }
    }
    const rolled = done.length || problems.length ? ` Rolled back: ${[...done, ...problems].join('; ')}.` : ' Nothing had been created.';
    if (failed.code === 'CANCELLED') throw new ApiError('CANCELLED', `creating VM '${spec.name}' was cancelled before step '${step}'.${rolled}`);
    throw new ApiError(failed.code === 'NOT_FOUND' ? 'LIBVIRT' : failed.code, `creating VM '${spec.name}' failed at step '${step}': ${failed.message}.${rolled}`, failed.field, failed.libvirtCode);
  }
  return { vm: { uuid: uuid!, name: spec.name, connection: uri }, warnings: prepared.warnings, ...(volume ? { createdVolume: volume } : {}), started };
}
