// The New-VM spec: what vm.create and vm.createPreview take (validated before anything is made).
import { z } from 'zod';
import { CONTROL, LONE_SURROGATE, existingName, filePath, installUrl, objectName, osId, sizeGiB, utf8, wholeNumber, xmlText } from './fields';

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
