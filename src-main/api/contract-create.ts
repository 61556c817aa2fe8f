// The API contract of the New-VM wizard and of storage, network and safe-delete management:
// every method's input schema and result type. Merged into `methods` of contract.ts.
// (This file imports nothing at runtime from contract.ts, so there is no import cycle.)
import { z } from 'zod';
import type { NetworkSummary, PoolSummary, VolumeSummary } from '../libvirt/protocol';
import type { OsDefaults, OsSummary } from '../osinfo/types';

import { method, onConnection, vmRef } from './contract-common';
import { displayNameProblem } from './display-name';

export type { OsDefaults, OsSummary };

// ---- text rules ----
// C0/C1 control characters, DEL, lone surrogates and the XML non-characters U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NAME_FORBIDDEN = /[<>&"'/]/;

export const NAME_MAX_CHARS = 64;
/** libvirt stores <name>.xml (and UEFI <name>_VARS.fd): stay well under the 255-byte file name limit. */
export const NAME_MAX_BYTES = 200;

const codePoints = (s: string): number => [...s].length;
const utf8 = new TextEncoder();

/**
 * Names of VMs, pools, volumes and networks: 1–64 characters; letters of any script, digits,
 * spaces and punctuation except < > & " ' /; no control or invisible characters (display-name.ts);
 * no leading/trailing space.
 */
export function objectName(what: string, max = NAME_MAX_CHARS) {
  return z.string({ error: `${what} must be text` }).superRefine((s, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.length === 0) return fail(`${what} is empty`);
    if (codePoints(s) > max) return fail(`${what} is longer than ${max} characters (${codePoints(s)})`);
    if (utf8.encode(s).length > NAME_MAX_BYTES) return fail(`${what} is longer than ${NAME_MAX_BYTES} bytes in UTF-8`);
    const invisible = displayNameProblem(s, what);
    if (invisible) return fail(invisible);
    if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return fail(`${what} contains a control character or broken Unicode`);
    const bad = NAME_FORBIDDEN.exec(s);
    if (bad) return fail(`${what} must not contain ${JSON.stringify(bad[0])} (not allowed: < > & " ' /)`);
    if (s.trim() !== s) return fail(`${what} must not start or end with a space`);
    if (s === '.' || s === '..') return fail(`${what} cannot be '.' or '..'`);
  });
}

/**
 * The name of something that already exists (created elsewhere, so maybe with characters new
 * names may not use): 1–255 characters, no control characters.
 */
export function existingName(what: string) {
  return z.string({ error: `${what} must be text` }).superRefine((s, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.length === 0) return fail(`${what} is empty`);
    if (s.length > 255) return fail(`${what} is longer than 255 characters`);
    if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return fail(`${what} contains a control character or broken Unicode`);
    if (s.trim() !== s) return fail(`${what} must not start or end with a space`);
  });
}

/** Free text that ends up in XML (kernel command line): no control characters. */
function xmlText(what: string, max: number) {
  return z.string({ error: `${what} must be text` }).trim().max(max, `${what} is longer than ${max} characters`).refine(
    (s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s),
    `${what} contains a control character or broken Unicode`,
  );
}

/** An absolute path on the host, normalized (no '.', '..', '//' parts). */
export function absolutePath(what: string) {
  return z.string({ error: `${what} must be a path` }).superRefine((s, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (s.length === 0) return fail(`${what} is empty`);
    if (s.length > 4096) return fail(`${what} is longer than 4096 characters`);
    if (!s.startsWith('/')) return fail(`${what} must be an absolute path (starting with /)`);
    if (CONTROL.test(s) || LONE_SURROGATE.test(s)) return fail(`${what} contains a control character or broken Unicode`);
    if (s.trim() !== s) return fail(`${what} must not start or end with a space`);
    if (s.split('/').some((part) => part === '.' || part === '..')) return fail(`${what} must not contain '.' or '..' parts`);
  });
}

/** An absolute path that names a file (not '/', no trailing slash). */
export function filePath(what: string) {
  return absolutePath(what).refine((s) => s.length > 1 && !s.endsWith('/'), `${what} must name a file, not a folder (no trailing /)`);
}

const wholeNumber = (what: string, min: number, max: number, unit = '') =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}${unit}`)
    .max(max, `${what} must be at most ${max}${unit}`);

/** Disk sizes in GiB: positive, up to 64 TiB, at MiB resolution. */
const sizeGiB = (what: string) =>
  z
    .number({ error: `${what} must be a number of GiB` })
    .refine((n) => Number.isFinite(n), `${what} must be a finite number`)
    .refine((n) => n > 0, `${what} must be more than 0 GiB`)
    .refine((n) => n <= 65536, `${what} must be at most 65536 GiB`)
    .refine((n) => n * 1024 >= 1, `${what} must be at least 1 MiB (0.0009765625 GiB)`);

const osId = z
  .string({ error: 'os must be an osinfo short id such as debian12, or null' })
  .min(1, 'os is empty (use null for none)')
  .max(200, 'os is longer than 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/+-]*$/, 'os must be an osinfo id such as debian12 or http://debian.org/debian/12');

/** An http(s) URL of an install tree or a file. */
export const installUrl = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .max(2048, `${what} is longer than 2048 characters`)
    .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, `${what} must be an http:// or https:// URL`);

// ---- cloud-init (NoCloud seed) ----
const RESERVED_USERS = new Set(['root', 'daemon', 'bin', 'sys', 'sync', 'nobody', 'libvirt-qemu']);
/** OpenSSH public key line: type, base64 blob, optional comment. */
const SSH_KEY = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
/** RFC 1123 host name: labels of letters, digits and '-' (not at either end), at most 253 chars. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const cloudInitSchema = z
  .object({
    /** The login created in the guest (sudo without password, like the cloud images' default user). */
    user: z
      .string({ error: 'cloudInit.user must be text' })
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'cloudInit.user must be a Linux user name: 1–32 lower-case letters, digits, _ or -, not starting with a digit or -')
      .refine((u) => !RESERVED_USERS.has(u), 'cloudInit.user must not be a system account such as root (log in as your own user; it can use sudo)'),
    /** Stored in the seed only as a SHA-512 crypt hash. */
    password: z
      .string({ error: 'cloudInit.password must be text' })
      .min(1, 'cloudInit.password is empty (leave it out to log in with the SSH key only)')
      .refine((s) => utf8.encode(s).length <= 255, 'cloudInit.password is longer than 255 bytes (in UTF-8)')
      .refine((s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s), 'cloudInit.password contains a control character or broken Unicode')
      .optional(),
    sshKey: z
      .string({ error: 'cloudInit.sshKey must be text' })
      .trim()
      .max(16384, 'cloudInit.sshKey is longer than 16384 characters')
      .refine((s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s) && !/[\u2028\u2029]/.test(s), 'cloudInit.sshKey contains a tab, a line break or another control character')
      .regex(SSH_KEY, 'cloudInit.sshKey must be one OpenSSH public key line such as "ssh-ed25519 AAAA… me@host" (the contents of ~/.ssh/id_ed25519.pub)')
      .optional(),
    /** Default: the VM name made into a host name. */
    hostname: z.string({ error: 'cloudInit.hostname must be text' }).regex(HOSTNAME, 'cloudInit.hostname must be a host name: letters, digits and - in dot-separated parts (at most 63 each), such as web-1').optional(),
  })
  .strict()
  .refine((c) => c.password !== undefined || c.sshKey !== undefined, { message: 'cloudInit needs a password or an SSH key, else nobody can log in to the VM', path: ['password'] });
export type CloudInit = z.infer<typeof cloudInitSchema>;

// ---- VmSpec ----
const kinds = (field: string, list: string, extra = '') => ({
  error: (iss: { code?: string; input?: unknown }) =>
    iss.code === 'invalid_union'
      ? `${field} must be one of ${list}${extra}${iss.input && typeof iss.input === 'object' && 'kind' in iss.input ? ` (got ${JSON.stringify((iss.input as { kind: unknown }).kind)})` : ''}`
      : undefined,
});

export const vmSourceSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('iso'), path: filePath('source.path (the ISO image)') }).strict(),
    z.object({ kind: z.literal('import'), path: filePath('source.path (the disk image)') }).strict(),
    z.object({
      kind: z.literal('kernel'),
      kernel: filePath('source.kernel'),
      initrd: filePath('source.initrd').optional(),
      cmdline: xmlText('source.cmdline', 4096).optional(),
    }).strict(),
    z.object({
      kind: z.literal('url'),
      url: installUrl('source.url'),
      /** Extra kernel arguments for the installer (virt-install's --extra-args), e.g. console=ttyS0. */
      cmdline: xmlText('source.cmdline', 2048).optional(),
    }).strict(),
    z.object({
      kind: z.literal('cloud'),
      /** A cloud image (qcow2/raw). It stays untouched: the VM gets a copy (spec.storage 'new'). */
      image: filePath('source.image (the cloud image)'),
      cloudInit: cloudInitSchema,
    }).strict(),
    z.object({ kind: z.literal('none') }).strict(),
  ],
  kinds('source.kind', "'iso', 'import', 'kernel', 'url', 'cloud' or 'none'"),
);
export type VmSource = z.infer<typeof vmSourceSchema>;

export const vmStorageSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('new'),
      pool: existingName('storage.pool'),
      sizeGiB: sizeGiB('storage.sizeGiB'),
      format: z.enum(['qcow2', 'raw'], { error: "storage.format must be 'qcow2' or 'raw'" }).default('qcow2'),
      /** Volume name; default: the VM name + .qcow2/.img (made unique in the pool). */
      name: objectName('storage.name', 128).optional(),
    }).strict(),
    z.object({ kind: z.literal('existing'), pool: existingName('storage.pool'), volume: existingName('storage.volume') }).strict(),
    z.object({ kind: z.literal('none') }).strict(),
  ],
  kinds('storage.kind', "'new', 'existing' or 'none'"),
);
export type VmStorage = z.infer<typeof vmStorageSchema>;

const port = (what: string) => wholeNumber(what, 1, 65535);
export const vmNetworkSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('user'),
      portForwards: z
        .array(z.object({ host: port('host port'), guest: port('guest port'), protocol: z.enum(['tcp', 'udp'], { error: "protocol must be 'tcp' or 'udp'" }).default('tcp') }).strict())
        .max(32, 'at most 32 port forwards')
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((f, i) => {
            const key = `${f.protocol}/${f.host}`;
            if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'host'], message: `host port ${f.protocol} ${f.host} is forwarded twice` });
            seen.add(key);
          });
        })
        .optional(),
    }).strict(),
    z.object({ kind: z.literal('network'), name: existingName('network.name') }).strict(),
    z.object({ kind: z.literal('bridge'), name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'network.name must be a host bridge interface name such as br0 (1–15 letters, digits, . _ -)') }).strict(),
    z.object({ kind: z.literal('none') }).strict(),
  ],
  kinds('network.kind', "'user', 'network', 'bridge' or 'none'"),
);
export type VmNetwork = z.infer<typeof vmNetworkSchema>;

export const vmSpecSchema = z
  .object({
    name: objectName('name'),
    memoryMiB: wholeNumber('memoryMiB', 64, 16 * 1024 * 1024, ' MiB'),
    vcpus: wholeNumber('vcpus', 1, 4096),
    source: vmSourceSchema,
    /** osinfo short id (debian12) or full id; null/absent: none (generic defaults). */
    os: osId.nullable().default(null),
    storage: vmStorageSchema.default({ kind: 'none' }),
    network: vmNetworkSchema.default({ kind: 'user' }),
    /** Absent: what the OS needs (UEFI only when the OS supports nothing else), else BIOS. */
    firmware: z.enum(['bios', 'uefi'], { error: "firmware must be 'bios' or 'uefi'" }).optional(),
    tpm: z.boolean({ error: 'tpm must be true or false' }).default(false),
    domainType: z.enum(['auto', 'qemu', 'kvm'], { error: "domainType must be 'auto', 'qemu' or 'kvm'" }).default('auto'),
    /** Overrides of what the OS preset picks. */
    diskBus: z.enum(['virtio', 'sata'], { error: "diskBus must be 'virtio' or 'sata'" }).optional(),
    nicModel: z.enum(['virtio', 'e1000', 'e1000e', 'rtl8139'], { error: "nicModel must be 'virtio', 'e1000', 'e1000e' or 'rtl8139'" }).optional(),
  })
  .strict();
export type VmSpec = z.output<typeof vmSpecSchema>;
export type VmSpecInput = z.input<typeof vmSpecSchema>;

// ---- networks ----
const ipv4 = (what: string) => z.string().regex(/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, `${what} must be an IPv4 address such as 192.168.150.1`);

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

export const networkCreateSchema = z
  .object({
    ...onConnection,
    name: objectName('name'),
    mode: z.enum(['nat', 'isolated'], { error: "mode must be 'nat' or 'isolated'" }),
    ipv4: z
      .object({
        address: ipv4('ipv4.address'),
        prefix: wholeNumber('ipv4.prefix', 8, 30),
        dhcpStart: ipv4('ipv4.dhcpStart'),
        dhcpEnd: ipv4('ipv4.dhcpEnd'),
      })
      .strict()
      .superRefine((v, ctx) => {
        const mask = v.prefix === 0 ? 0 : (0xffffffff << (32 - v.prefix)) >>> 0;
        const net = (ipToInt(v.address) & mask) >>> 0;
        const bcast = (net | (~mask >>> 0)) >>> 0;
        const inNet = (ip: string) => ((ipToInt(ip) & mask) >>> 0) === net;
        const a = ipToInt(v.address);
        if (a === net || a === bcast) ctx.addIssue({ code: 'custom', path: ['address'], message: `ipv4.address ${v.address} is the network or broadcast address of /${v.prefix}` });
        for (const k of ['dhcpStart', 'dhcpEnd'] as const) {
          if (!inNet(v[k])) ctx.addIssue({ code: 'custom', path: [k], message: `ipv4.${k} ${v[k]} is not in the subnet of ${v.address}/${v.prefix}` });
          else if (ipToInt(v[k]) === net || ipToInt(v[k]) === bcast) ctx.addIssue({ code: 'custom', path: [k], message: `ipv4.${k} ${v[k]} is the network or broadcast address` });
        }
        if (ipToInt(v.dhcpStart) >= ipToInt(v.dhcpEnd)) ctx.addIssue({ code: 'custom', path: ['dhcpEnd'], message: `ipv4.dhcpStart ${v.dhcpStart} must be lower than ipv4.dhcpEnd ${v.dhcpEnd}` });
        else if (a >= ipToInt(v.dhcpStart) && a <= ipToInt(v.dhcpEnd)) ctx.addIssue({ code: 'custom', path: ['address'], message: `ipv4.address ${v.address} must be outside the DHCP range` });
      }),
    start: z.boolean().default(true),
    autostart: z.boolean().default(false),
  })
  .strict();

// ---- results ----
export interface OsDetectResult {
  os: OsSummary | null;
  /** How the OS was found: the ISO's volume descriptor, or the file name (disk and cloud images). */
  detectedBy: 'volume-id' | 'file-name' | null;
  /** ISO 9660 identifiers ('' for files that are not ISO images). */
  volumeId: string;
  systemId: string;
  publisherId: string;
  applicationId: string;
}

export interface UrlTreeInfo {
  /** The tree's root as used (a Debian mirror root is resolved to its installer folder). */
  url: string;
  family: 'debian' | 'ubuntu' | 'redhat' | 'suse';
  /** Distribution name and version as the tree states them, e.g. "Fedora 39", "Debian bookworm". */
  name: string;
  os: OsSummary | null;
  kernelUrl: string;
  initrdUrl: string;
  /** Kernel arguments the installer needs to find its packages (e.g. inst.repo=…); may be ''. */
  cmdline: string;
}

/** A step of vm.create, in order; not every create has every step. */
export type CreateStep = 'check' | 'download-kernel' | 'download-initrd' | 'copy-image' | 'seed' | 'volume' | 'define' | 'start' | 'cleanup';

export type CreateEventMap = {
  /**
   * Progress of a vm.create that was given a progressId: each step as it begins (done/total
   * in bytes for downloads and copies, when known).
   */
  'vm.createProgress': { connection: string; progressId: string; name: string; step: CreateStep; detail?: string; done?: number; total?: number };
};

export interface VmCreateResult {
  vm: { uuid: string; name: string; connection: string };
  warnings: string[];
  /** The volume created for the VM, if any. */
  createdVolume?: { pool: string; name: string; path: string };
  started: boolean;
}

export interface DeletePlanDisk {
  path: string;
  target: string;
  device: string;
  /** The storage pool and volume the path belongs to, when it is one. */
  pool?: string;
  volume?: string;
  sizeBytes?: number;
  deletable: boolean;
  /** Why it cannot be deleted (read-only, CD-ROM, used by another VM, not in a storage pool, …). */
  reason?: string;
}

export interface DeletePlan {
  vm: { uuid: string; name: string; state: string };
  disks: DeletePlanDisk[];
  /** The VM runs: it is forced off before it is deleted. */
  running: boolean;
  hasNvram: boolean;
  hasManagedSave: boolean;
}

export interface VmDeleteResult {
  deletedDisks: string[];
  /** Disks that could not be deleted after the VM was (the VM itself is gone). */
  failedDisks: { path: string; error: string }[];
}

export interface PoolDetails extends PoolSummary {
  type: string | null;
  /** Target folder (dir pools). */
  path: string | null;
}

export interface VolumeDetails extends VolumeSummary {
  format: string | null;
  /** Names of VMs whose disks use this volume (as disk or backing file). */
  usedBy: string[];
}

export interface NetworkDetails extends NetworkSummary {
  forward: string | null;
  bridge: string | null;
  ipv4: { address: string; prefix: number; dhcpStart?: string; dhcpEnd?: string } | null;
  usedBy: string[];
}

export interface CreateOptions {
  connection: string;
  /** Domain capabilities list a UEFI loader / firmware. */
  uefi: boolean;
  /** A TPM 2.0 emulator (swtpm) backend is available. */
  tpm: boolean;
  /** KVM works (domain capabilities list kvm AND the host check says verdict 'kvm'). */
  kvm: boolean;
  /** What domainType 'auto' picks, and which types are allowed. */
  domainTypes: ('qemu' | 'kvm')[];
  defaultDomainType: 'qemu' | 'kvm';
  machines: string[];
  memoryTotalMiB: number;
  memoryFreeMiB: number;
  cpus: number;
  pools: PoolDetails[];
  networks: NetworkDetails[];
  /** Port forwarding with user networking (needs passt on the host). */
  portForwarding: boolean;
  /** Whether the paths given are checked on this computer (local connection). */
  local: boolean;
  osinfo: { source: 'osinfo-db' | 'fallback'; count: number };
}

export interface FsEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
}

export interface FsBrowseResult {
  /** The folder listed (symlinks resolved); null: the list of allowed roots. */
  path: string | null;
  parent: string | null;
  roots: string[];
  entries: FsEntry[];
  truncated: boolean;
}

const poolName = existingName('pool');
const newPoolName = objectName('name');
const volumeName = existingName('name');
const newVolumeName = objectName('name', 128);
const networkName = existingName('name');

export const createMethods = {
  /**
   * Creates a VM from a validated spec. Everything is checked first (nothing is created on any
   * error); then the volume (if new) → the domain definition → start (if asked). If a step
   * fails, everything created so far is removed and the error names the step.
   */
  'vm.create': method(
    z.object({
      ...onConnection,
      spec: vmSpecSchema,
      start: z.boolean().default(false),
      /** Chosen by the caller; vm.createProgress events carry it. */
      progressId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'progressId must be 1–64 letters, digits, _ or -').optional(),
    }).strict(),
    {} as VmCreateResult,
  ),
  /** The domain XML vm.create would define (same checks; nothing is created). */
  'vm.createPreview': method(z.object({ ...onConnection, spec: vmSpecSchema }).strict(), {} as { xml: string; warnings: string[] }),
  /** The VM's disks and whether each may be deleted with it. */
  'vm.deletePlan': method(z.object({ ...onConnection, vm: vmRef }).strict(), {} as DeletePlan),
  /**
   * Deletes a VM (forced off first when running; NVRAM, managed save and snapshot metadata go
   * with it) and the disks listed in deleteDisks — each must be deletable in vm.deletePlan,
   * else nothing is done.
   */
  'vm.delete': method(
    z.object({ ...onConnection, vm: vmRef, deleteDisks: z.array(filePath('deleteDisks[]')).max(64, 'at most 64 disks').default([]) }).strict(),
    {} as VmDeleteResult,
  ),

  'os.search': method(z.object({ query: z.string().max(200, 'query is longer than 200 characters'), limit: wholeNumber('limit', 1, 1000).optional() }).strict(), [] as OsSummary[]),
  'os.defaults': method(z.object({ id: osId }).strict(), {} as OsDefaults),
  /** Reads an ISO's volume descriptor (on this computer) and matches it against osinfo-db. */
  /**
   * Only files inside the folders the app may read (file-roots.ts; connection: whose storage pool
   * folders count, default the default connection); else INVALID_INPUT on 'path'.
   */
  'os.detect': method(z.object({ ...onConnection, path: filePath('path') }).strict(), {} as OsDetectResult),
  /**
   * Looks at an install tree (the way virt-install does: Debian/Ubuntu installer trees, .treeinfo
   * of Fedora/RHEL/CentOS/Alma/Rocky, openSUSE) and says which kernel and initrd it would boot.
   * INVALID_INPUT on 'url' when the URL does not answer or is no install tree it knows.
   */
  'os.detectUrl': method(z.object({ url: installUrl('url') }).strict(), {} as UrlTreeInfo),

  'host.createOptions': method(z.object(onConnection).strict(), {} as CreateOptions),

  'storage.pools': method(z.object(onConnection).strict(), [] as PoolDetails[]),
  /** Defines a directory pool (the folder is created if missing), starts it unless start: false. */
  'storage.definePool': method(
    z.object({ ...onConnection, name: newPoolName, path: absolutePath('path'), autostart: z.boolean().default(true), start: z.boolean().default(true) }).strict(),
    {} as PoolDetails,
  ),
  'storage.startPool': method(z.object({ ...onConnection, pool: poolName }).strict(), undefined as void),
  'storage.stopPool': method(z.object({ ...onConnection, pool: poolName }).strict(), undefined as void),
  'storage.refreshPool': method(z.object({ ...onConnection, pool: poolName }).strict(), undefined as void),
  'storage.setPoolAutostart': method(z.object({ ...onConnection, pool: poolName, autostart: z.boolean() }).strict(), undefined as void),
  /** Stops and undefines a pool (its folder and files stay). Refuses while VMs use its volumes, unless force. */
  'storage.deletePool': method(z.object({ ...onConnection, pool: poolName, force: z.boolean().default(false) }).strict(), undefined as void),
  'storage.volumes': method(z.object({ ...onConnection, pool: poolName }).strict(), [] as VolumeDetails[]),
  'storage.createVolume': method(
    z.object({ ...onConnection, pool: poolName, name: newVolumeName, sizeGiB: sizeGiB('sizeGiB'), format: z.enum(['qcow2', 'raw'], { error: "format must be 'qcow2' or 'raw'" }).default('qcow2') }).strict(),
    {} as VolumeDetails,
  ),
  /** Refuses while a VM uses the volume. */
  'storage.deleteVolume': method(z.object({ ...onConnection, pool: poolName, name: volumeName }).strict(), undefined as void),
  /** Grows a volume (never shrinks); refuses while a running VM uses it. */
  'storage.resizeVolume': method(z.object({ ...onConnection, pool: poolName, name: volumeName, sizeGiB: sizeGiB('sizeGiB') }).strict(), {} as VolumeDetails),

  'network.list': method(z.object(onConnection).strict(), [] as NetworkDetails[]),
  'network.create': method(networkCreateSchema, {} as NetworkDetails),
  'network.start': method(z.object({ ...onConnection, name: networkName }).strict(), undefined as void),
  'network.stop': method(z.object({ ...onConnection, name: networkName, force: z.boolean().default(false) }).strict(), undefined as void),
  'network.setAutostart': method(z.object({ ...onConnection, name: networkName, autostart: z.boolean() }).strict(), undefined as void),
  /** Stops and undefines a network; refuses while VMs are attached to it, unless force. */
  'network.delete': method(z.object({ ...onConnection, name: networkName, force: z.boolean().default(false) }).strict(), undefined as void),

  /**
   * Server-side file chooser for browser mode: lists a folder under the allowed roots
   * (file-roots.ts: /var/lib/libvirt/images, the user's home, the storage pool folders of local
   * QEMU/LXC connections and the folders in settings.browseFolders, minus system folders). No
   * path: the roots. Symlinks are resolved before the check.
   */
  'fs.browse': method(z.object({ ...onConnection, path: absolutePath('path').optional(), showHidden: z.boolean().default(false) }).strict(), {} as FsBrowseResult),
} as const;

export type CreateMethodName = keyof typeof createMethods;
export type CreateMethodInput<M extends CreateMethodName> = z.input<(typeof createMethods)[M]['input']>;
export type CreateMethodParsed<M extends CreateMethodName> = z.output<(typeof createMethods)[M]['input']>;
export type CreateMethodResult<M extends CreateMethodName> = (typeof createMethods)[M]['result'];

/** The first problem of an input as { field, message } (the shape contract.ts's parseInput reports). */
export function firstIssue(error: z.ZodError): { field?: string; message: string } {
  const issue = error.issues[0];
  const field = issue.path.join('.') || undefined;
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
  return { field: field ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined), message: field && !message.startsWith(field.replace(/\.\d+$/, '')) ? `${field}: ${message}` : message };
}

/** Validates a method's input without throwing: the parsed value, or the first problem. */
export function validateCreateInput<M extends CreateMethodName>(
  name: M,
  input: unknown,
): { ok: true; value: CreateMethodParsed<M> } | { ok: false; field?: string; message: string } {
  const r = createMethods[name].input.safeParse(input ?? {});
  if (r.success) return { ok: true, value: r.data as CreateMethodParsed<M> };
  return { ok: false, ...firstIssue(r.error) };
}
