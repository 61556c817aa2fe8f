// OS containers (libvirt LXC, e.g. lxc:///system): creating one, deleting one with or without
// the root filesystem Virtdesk unpacked, and what a connection's driver can run. Lifecycle,
// listing and the serial console are the vm.* and console.* methods: a container is a domain.
import { z } from 'zod';
import { method, onConnection, onVm } from './common';
import { absolutePath, existingName, objectName, wholeNumber, xmlText } from './fields';

/** An application container runs one command; a system container boots an init from a root filesystem. */
export type ContainerKind = 'application' | 'system';

const mountSchema = z
  .object({
    host: absolutePath('mount host folder'),
    guest: absolutePath('mount folder inside the container'),
    readonly: z.boolean().default(true),
  })
  .strict();
export type ContainerMount = z.infer<typeof mountSchema>;

/** Where a system container's root filesystem comes from: a prepared folder, or a tarball unpacked into a new folder. */
const rootfsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), folder: absolutePath('root folder') }).strict(),
  z.object({ kind: z.literal('tarball'), tarball: absolutePath('root filesystem tarball'), folder: absolutePath('folder to unpack into') }).strict(),
]);

const networkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('network'), name: existingName('network name') }).strict(),
]);

const idmapSchema = z
  .object({
    /** The host uid/gid that root (0) inside the container becomes. */
    target: wholeNumber('idmap target', 1, 2 ** 31 - 1),
    count: wholeNumber('idmap count', 1, 2 ** 31 - 1).default(65536),
  })
  .strict();

const commonSpec = {
  name: objectName('name'),
  memoryMiB: z
    .number({ error: 'memory limit must be a number of MiB' })
    .int('memory limit must be a whole number of MiB')
    .refine((n) => n !== 0, 'memory limit must be more than 0 MiB (a container without memory cannot run anything); give e.g. 64')
    .refine((n) => n >= 8, 'memory limit must be at least 8 MiB')
    .refine((n) => n <= 16 * 1024 * 1024, 'memory limit must be at most 16 TiB'),
  vcpus: wholeNumber('vCPUs', 1, 4096).default(1),
  /** CPU weight against other containers (cgroup cpu.shares, default 1024). */
  cpuShares: wholeNumber('CPU shares', 2, 262144).optional(),
  /** At most this share of one CPU, in percent (100 = one whole CPU; cgroup quota/period). */
  cpuQuotaPercent: wholeNumber('CPU quota', 1, 409600, ' %').optional(),
  mounts: z.array(mountSchema).max(32, 'at most 32 mounts').default([]),
  network: networkSchema.default({ kind: 'none' }),
};

export const containerSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('application'),
      ...commonSpec,
      command: absolutePath('command'),
      args: z.array(xmlText('argument', 4096)).max(64, 'at most 64 arguments').default([]),
      /** The container's root filesystem; absent: the host's own (read-only by default in libvirt's view of /). */
      root: absolutePath('root folder').optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('system'),
      ...commonSpec,
      rootfs: rootfsSchema,
      init: absolutePath('init').default('/sbin/init'),
      initArgs: z.array(xmlText('init argument', 4096)).max(64, 'at most 64 init arguments').default([]),
      idmap: idmapSchema.optional(),
    })
    .strict(),
]);
export type ContainerSpec = z.infer<typeof containerSpecSchema>;
export type ContainerSpecInput = z.input<typeof containerSpecSchema>;

export type ContainerCreateStep = 'check' | 'unpack' | 'define' | 'start';

export type ContainerEventMap = {
  /** Progress of a container.create given a progressId (done/total in bytes while unpacking). */
  'container.createProgress': { connection: string; progressId: string; name: string; step: ContainerCreateStep; done?: number; total?: number };
};

export interface ContainerCreateResult {
  vm: { uuid: string; name: string; connection: string };
  /** The folder Virtdesk unpacked the tarball into (kept on delete unless asked). */
  unpackedInto?: string;
}

/** What a connection's driver runs, from its capabilities (guest os_type): containers ('exe') and/or machines ('hvm', 'xen', 'linux'). */
export interface GuestKinds {
  containers: boolean;
  machines: boolean;
}

/** One startup measure: start → first console marker, in ms (null with `error` when it could not be measured). */
export interface StartupMeasure {
  connection: string | null;
  ms: number | null;
  error?: string;
  /** The VM's domain type (kvm: hardware virtualization, qemu: emulation). */
  kind?: 'kvm' | 'qemu';
}

export const containerMethods = {
  'container.create': method(
    z
      .object({
        ...onConnection,
        spec: containerSpecSchema,
        start: z.boolean().default(true),
        progressId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -').optional(),
      })
      .strict(),
    {} as ContainerCreateResult,
  ),
  /** The domain XML container.create would define (same checks; nothing is created or unpacked). */
  'container.preview': method(z.object({ ...onConnection, spec: containerSpecSchema }).strict(), {} as { xml: string }),
  /** Forces off and undefines a container; its root folder goes too only when asked and only if Virtdesk unpacked it. */
  'container.delete': method(z.object({ ...onVm, deleteRoot: z.boolean().default(false) }).strict(), {} as { deletedRoot: string | null; keptRoot: string | null }),
  'container.guestKinds': method(z.object(onConnection).strict(), {} as GuestKinds),
  /**
   * Starts the tiny test VM on `connection` (default: the default connection) and a busybox
   * container on this computer's LXC connection, each once, and says how long each took to its
   * console marker; both are removed afterwards.
   */
  'container.measureStartup': method(z.object(onConnection).strict(), {} as { vm: StartupMeasure; container: StartupMeasure }),
  /** The container's root folder (null: the host's own) and the folder Virtdesk unpacked it into, if it did (what container.delete may delete). */
  'container.info': method(z.object(onVm).strict(), {} as { root: string | null; unpackedInto: string | null }),
};
