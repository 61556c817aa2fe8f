// The New-container form as plain data, and the container.create spec it asks for. Every check
// of the spec itself is the contract's (validateInput) and the core's (files, names).
import type { ContainerSpecInput } from '../../src-main/contract';

export interface MountRow {
  host: string;
  guest: string;
  readonly: boolean;
}

export interface ContainerForm {
  kind: 'application' | 'system';
  name: string;
  command: string;
  args: string;
  appRoot: string;
  rootSource: 'folder' | 'tarball';
  rootFolder: string;
  tarball: string;
  unpackInto: string;
  init: string;
  idmap: boolean;
  idmapTarget: string;
  idmapCount: string;
  memoryMiB: string;
  vcpus: string;
  cpuShares: string;
  cpuQuota: string;
  mounts: MountRow[];
  /** '' = none. */
  network: string;
}

export function emptyContainerForm(): ContainerForm {
  return {
    kind: 'application',
    name: '',
    command: '/bin/sh',
    args: '',
    appRoot: '',
    rootSource: 'folder',
    rootFolder: '',
    tarball: '',
    unpackInto: '',
    init: '/sbin/init',
    idmap: false,
    idmapTarget: '100000',
    idmapCount: '65536',
    memoryMiB: '256',
    vcpus: '1',
    cpuShares: '',
    cpuQuota: '',
    mounts: [],
    network: '',
  };
}

/** A number field: '' → undefined, digits → the number, anything else → NaN (the contract names the field). */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : /^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

export function specFromForm(f: ContainerForm): ContainerSpecInput {
  const cpuShares = num(f.cpuShares);
  const cpuQuotaPercent = num(f.cpuQuota);
  const common = {
    name: f.name.trim(),
    memoryMiB: num(f.memoryMiB) ?? Number.NaN,
    vcpus: num(f.vcpus) ?? 1,
    ...(cpuShares !== undefined ? { cpuShares } : {}),
    ...(cpuQuotaPercent !== undefined ? { cpuQuotaPercent } : {}),
    mounts: f.mounts.map((m) => ({ host: m.host.trim(), guest: m.guest.trim(), readonly: m.readonly })),
    network: f.network ? { kind: 'network' as const, name: f.network } : { kind: 'none' as const },
  };
  if (f.kind === 'application') {
    const args = f.args.trim() ? f.args.trim().split(/\s+/) : [];
    return { kind: 'application', ...common, command: f.command.trim(), args, ...(f.appRoot.trim() ? { root: f.appRoot.trim() } : {}) };
  }
  const rootfs = f.rootSource === 'tarball' ? { kind: 'tarball' as const, tarball: f.tarball.trim(), folder: f.unpackInto.trim() } : { kind: 'folder' as const, folder: f.rootFolder.trim() };
  const idmap = f.idmap ? { idmap: { target: num(f.idmapTarget) ?? Number.NaN, count: num(f.idmapCount) ?? 65536 } } : {};
  return { kind: 'system', ...common, rootfs, init: f.init.trim() || '/sbin/init', ...idmap };
}

/** Where a tarball is unpacked unless the user says otherwise. */
export function defaultUnpackFolder(name: string): string {
  const safe = name.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '');
  return safe ? `/var/lib/libvirt/images/${safe}-root` : '';
}
