// What container.create checks before anything is defined or unpacked: the root folder exists,
// the command (or init) exists inside it and can be run, mounted host folders exist, the network
// is one of the connection's, the name is free. Each failure names the field and what to do.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError, type ContainerSpec } from '../contract';
import { LibvirtError } from '../libvirt/errors';
import type { LibvirtHostClient } from '../libvirt/host-client';
import { englishText, message as M, type MessageRef } from '../contract/messages';

type Api = LibvirtHostClient['api'];
const invalid = (field: string, message: string): ApiError => new ApiError('INVALID_INPUT', message, field);
/** A refusal whose text quotes other messages: the key goes along as built, so the UI translates every part. */
const refused = (field: string, text: MessageRef): ApiError => new ApiError('INVALID_INPUT', englishText(text), field, undefined, text);

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `inside` (an absolute path as the container sees it) resolved to a host path below `root`,
 * following symlinks the way the container would (absolute targets start at the root); null
 * when a part is missing or links loop.
 */
export async function resolveInsideRoot(root: string, inside: string, hops = 0): Promise<string | null> {
  const parts = inside.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${cur}/${parts[i]}`;
    let st;
    try {
      st = await fs.lstat(path.join(root, next));
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      if (hops >= 40) return null;
      const target = await fs.readlink(path.join(root, next));
      const rest = parts.slice(i + 1).join('/');
      const base = target.startsWith('/') ? target : path.posix.join(cur || '/', target);
      return resolveInsideRoot(root, path.posix.normalize(`/${base}/${rest}`), hops + 1);
    }
    cur = next;
  }
  return path.join(root, cur || '/');
}

/** Why `command` cannot be run inside `root`, or null when it can. */
async function commandProblem(root: string, command: string): Promise<MessageRef | null> {
  const where = root === '/' ? M('container.where.here') : M('container.where.root', { root });
  const real = await resolveInsideRoot(root, command);
  if (!real) return M('container.problem.missing', { command, where });
  const st = await fs.stat(real).catch(() => null);
  if (!st?.isFile()) return M('container.problem.notFile', { command, where });
  if ((st.mode & 0o111) === 0) return M('container.problem.notExecutable', { command, where });
  return null;
}

/** Checks the files a spec names (local connections only: they are this computer's files). */
export async function checkContainerFiles(spec: ContainerSpec, o: { unpacking: boolean }): Promise<void> {
  if (spec.kind === 'application') {
    if (spec.root && !(await isDirectory(spec.root))) throw invalid('spec.root', `root folder '${spec.root}' does not exist or is not a folder; make it first or leave it out to use this computer's /`);
    const problem = await commandProblem(spec.root ?? '/', spec.command);
    if (problem) throw refused('spec.command', M('error.container.commandProblem', { problem }));
  } else if (spec.rootfs.kind === 'folder') {
    const root = spec.rootfs.folder;
    if (!(await isDirectory(root))) {
      throw invalid('spec.rootfs.folder', `root folder '${root}' does not exist or is not a folder; make a root filesystem there first (e.g. with debootstrap) or unpack a tarball; nothing was created`);
    }
    const problem = await commandProblem(root, spec.init);
    if (problem) throw refused('spec.init', M('error.container.initProblem', { problem }));
  } else if (!o.unpacking) {
    const st = await fs.stat(spec.rootfs.tarball).catch(() => null);
    if (!st?.isFile()) throw invalid('spec.rootfs.tarball', `tarball '${spec.rootfs.tarball}' does not exist or is not a file`);
  }
  for (const [i, m] of spec.mounts.entries()) {
    if (!(await isDirectory(m.host))) throw invalid(`spec.mounts.${i}.host`, `host folder '${m.host}' to mount does not exist or is not a folder; nothing was created`);
  }
}

/** The name is free and the network exists on the connection. */
export async function checkContainerNames(api: Api, spec: ContainerSpec): Promise<void> {
  try {
    await api.lookupDomain({ name: spec.name });
    throw invalid('spec.name', `a VM or container named '${spec.name}' already exists on this connection; choose another name`);
  } catch (e) {
    if (!(e instanceof LibvirtError) || e.code !== 42) throw e;
  }
  if (spec.network.kind === 'network') {
    const name = spec.network.name;
    const networks = await api.listNetworks();
    if (!networks.some((n) => n.name === name)) {
      const names = networks.length ? networks.map((n) => n.name).join(', ') : M('container.networks.none');
      throw refused('spec.network.name', M('error.container.noNetwork', { name, names }));
    }
  }
}
