// container.create and container.delete: check → (unpack) → define → (start). Nothing is defined
// or unpacked when a check fails; a failed define or start removes what this create made.
import fs from 'node:fs/promises';
import { ApiError, type ContainerCreateResult, type ContainerCreateStep, type ContainerSpec, type GuestKinds } from '../contract';
import { isLocalUri } from '../contract/connection-uri';
import type { HandlerContext } from '../api/handlers/context';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { parseHostCapabilities } from '../domain/capabilities';
import { connectionFileRoots, OutsideRootsError, requireInsideRoots } from '../storage/file-roots';
import { buildContainerXml } from './build-container';
import { checkContainerFiles, checkContainerNames } from './check-spec';
import { readContainerMeta, rootFolderInXml } from './container-meta';
import { unpackTargetProblem, unpackTarball } from './unpack';

type Api = LibvirtHostClient['api'];
const invalid = (field: string, message: string): ApiError => new ApiError('INVALID_INPUT', message, field);

/** Containers: the driver offers 'exe' guests (LXC); machines: 'hvm', 'xen' or 'linux' guests. */
export async function guestKinds(api: Api): Promise<GuestKinds & { emulator?: string }> {
  const caps = parseHostCapabilities(await api.capabilities());
  const exe = caps.guests.find((g) => g.osType === 'exe');
  return {
    containers: !!exe,
    machines: caps.guests.some((g) => ['hvm', 'xen', 'linux'].includes(g.osType)),
    ...(exe?.emulator ? { emulator: exe.emulator } : {}),
  };
}

/** Checks everything and returns the XML to define (the tarball is not unpacked yet). */
export async function prepareContainer(ctx: HandlerContext, uri: string, api: Api, spec: ContainerSpec): Promise<{ xml: string; unpack?: { tarball: string; folder: string } }> {
  const kinds = await guestKinds(api);
  if (!kinds.containers) {
    throw invalid('connection', `connection ${uri} runs virtual machines, not containers (its driver offers no 'exe' guests); connect to lxc:///system for containers`);
  }
  let unpack: { tarball: string; folder: string } | undefined;
  if (spec.kind === 'system' && spec.rootfs.kind === 'tarball') {
    if (!isLocalUri(uri)) throw invalid('spec.rootfs', 'a tarball can be unpacked only for a container on this computer; unpack it on the remote host and give its folder');
    const roots = await connectionFileRoots(ctx.deps, uri);
    try {
      unpack = {
        tarball: await requireInsideRoots(spec.rootfs.tarball, roots, 'tarball'),
        folder: await requireInsideRoots(spec.rootfs.folder, roots, 'folder to unpack into'),
      };
    } catch (e) {
      if (e instanceof OutsideRootsError) throw invalid('spec.rootfs', e.message);
      throw e;
    }
    const st = await fs.stat(unpack.tarball).catch(() => null);
    if (!st?.isFile()) throw invalid('spec.rootfs.tarball', `tarball '${spec.rootfs.tarball}' does not exist or is not a file`);
    const problem = await unpackTargetProblem(unpack.folder);
    if (problem) throw invalid('spec.rootfs.folder', problem);
  }
  if (isLocalUri(uri)) await checkContainerFiles(spec, { unpacking: !!unpack });
  await checkContainerNames(api, spec);
  const xml = buildContainerXml(spec, { ...(unpack ? { unpackedInto: unpack.folder } : {}), ...(kinds.emulator ? { emulator: kinds.emulator } : {}) });
  return { xml, ...(unpack ? { unpack } : {}) };
}

export async function createContainer(ctx: HandlerContext, uri: string, api: Api, spec: ContainerSpec, start: boolean, progressId?: string): Promise<ContainerCreateResult> {
  const step = (s: ContainerCreateStep, extra: { done?: number; total?: number } = {}) => {
    if (progressId) ctx.deps.emit?.({ type: 'container.createProgress', connection: uri, progressId, name: spec.name, step: s, ...extra });
  };
  step('check');
  const { xml, unpack } = await prepareContainer(ctx, uri, api, spec);
  if (unpack) {
    step('unpack', { done: 0, total: 0 });
    await unpackTarball(unpack.tarball, unpack.folder, (done, total) => step('unpack', { done, total }));
    // The init is checked once the root filesystem is there.
    try {
      await checkContainerFiles({ ...spec, rootfs: { kind: 'folder', folder: unpack.folder } } as ContainerSpec, { unpacking: false });
    } catch (e) {
      await fs.rm(unpack.folder, { recursive: true, force: true });
      throw e;
    }
  }
  let uuid: string | undefined;
  try {
    step('define');
    const d = await api.defineDomain(xml);
    uuid = d.uuid;
    if (start) {
      step('start');
      await api.startDomain({ uuid });
    }
    return { vm: { uuid: d.uuid, name: d.name, connection: uri }, ...(unpack ? { unpackedInto: unpack.folder } : {}) };
  } catch (e) {
    if (uuid) await api.undefineDomain({ uuid }).catch(() => undefined);
    if (unpack) await fs.rm(unpack.folder, { recursive: true, force: true });
    throw e;
  }
}

/** Forces off and undefines; deletes the root folder only when asked and only one Virtdesk unpacked. */
export async function deleteContainer(api: Api, ref: { uuid: string } | { name: string }, deleteRoot: boolean): Promise<{ deletedRoot: string | null; keptRoot: string | null }> {
  const d = await api.lookupDomain(ref);
  const xml = await api.domainXml({ uuid: d.uuid }, { inactive: true });
  const root = rootFolderInXml(xml);
  const unpacked = readContainerMeta(xml).unpackedInto ?? null;
  if (deleteRoot && !unpacked) {
    throw invalid('deleteRoot', `Virtdesk did not unpack the root filesystem of '${d.name}'${root ? ` (${root})` : ''}, so it does not delete it; nothing was deleted. Delete it by hand if you no longer need it`);
  }
  if (d.id !== -1) await api.destroyDomain({ uuid: d.uuid });
  if (d.persistent) await api.undefineDomain({ uuid: d.uuid });
  if (deleteRoot && unpacked) {
    await fs.rm(unpacked, { recursive: true, force: true });
    return { deletedRoot: unpacked, keptRoot: null };
  }
  return { deletedRoot: null, keptRoot: unpacked ?? root };
}
