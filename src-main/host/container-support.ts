// Whether this computer can run OS containers (libvirt LXC) now, and if not, the first reason a
// user can act on: the driver package is missing, the kernel's memory cgroup controller is off,
// the cgroup layout is the "hybrid" one libvirt's LXC driver cannot use (v1 controllers plus a
// cgroup2 mount at /sys/fs/cgroup/unified), or the connection is refused to a non-root user.
// On a hybrid host Virtdesk's private daemon (scripts/start-lxc-daemon.sh) runs containers; when
// it answers, containers are available through it.
import fs from 'node:fs';
import type { HostSpawner } from '../libvirt/host-channel';
import { LibvirtHostClient } from '../libvirt/host-client';

export const PRIVATE_LXC_URI = 'lxc:///system?socket=/run/libvirt/virtdesk-lxc/libvirt-sock';
export type ContainerBlocker = 'driver' | 'memory-cgroup' | 'cgroup-hybrid' | 'not-root';
export type CgroupLayout = 'v2' | 'v1' | 'hybrid' | 'none';

export interface ContainerProbe {
  available: boolean;
  error?: string;
  reason?: ContainerBlocker;
  /** The connection that runs them when it is not lxc:/// (the private daemon). */
  via?: string;
}

const DRIVER_DIRS = ['/usr/lib/x86_64-linux-gnu/libvirt/connection-driver', '/usr/lib/aarch64-linux-gnu/libvirt/connection-driver', '/usr/lib64/libvirt/connection-driver', '/usr/lib/libvirt/connection-driver'];

/** The cgroup layout from /proc/self/mounts text. */
export function cgroupLayout(mounts: string): CgroupLayout {
  const lines = mounts.split('\n').map((l) => l.split(' '));
  const v1 = lines.some((f) => f[2] === 'cgroup');
  const v2 = lines.some((f) => f[2] === 'cgroup2');
  return v1 && v2 ? 'hybrid' : v2 ? 'v2' : v1 ? 'v1' : 'none';
}

/** Whether /proc/cgroups lists the memory controller as enabled. */
export function memoryControllerEnabled(procCgroups: string): boolean {
  return procCgroups.split('\n').some((l) => /^memory\s+\d+\s+\d+\s+1\s*$/.test(l.trim()));
}

async function opens(uri: string, spawnHost: HostSpawner): Promise<{ ok: true } | { ok: false; error: string }> {
  const client = new LibvirtHostClient(uri, spawnHost, { startTimeoutMs: 15_000 });
  try {
    await client.connect();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    await client.close();
  }
}

const read = (p: string): string => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};

/** The LXC connection that runs containers here: lxc:///system, or the private daemon on a hybrid-cgroup host. */
export function containerConnectionUri(): string {
  return cgroupLayout(read('/proc/self/mounts')) === 'hybrid' ? PRIVATE_LXC_URI : 'lxc:///system';
}

export async function probeContainers(spawnHost: HostSpawner): Promise<ContainerProbe> {
  if (!DRIVER_DIRS.some((d) => fs.existsSync(`${d}/libvirt_driver_lxc.so`))) return { available: false, reason: 'driver', error: 'libvirt_driver_lxc.so is not installed' };
  const procCgroups = read('/proc/cgroups');
  if (procCgroups && !memoryControllerEnabled(procCgroups)) return { available: false, reason: 'memory-cgroup', error: 'the memory cgroup controller is not enabled' };
  if (cgroupLayout(read('/proc/self/mounts')) === 'hybrid') {
    if ((await opens(PRIVATE_LXC_URI, spawnHost)).ok) return { available: true, via: PRIVATE_LXC_URI };
    return { available: false, reason: 'cgroup-hybrid', error: 'cgroup v1 controllers plus cgroup2 at /sys/fs/cgroup/unified' };
  }
  const system = await opens('lxc:///', spawnHost);
  if (system.ok) return { available: true };
  const denied = /permission denied|authentication|access denied|polkit/i.test(system.error);
  if (denied && process.getuid?.() !== 0) return { available: false, reason: 'not-root', error: system.error };
  return { available: false, reason: 'driver', error: system.error };
}
