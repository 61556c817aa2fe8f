// Editing an existing VM: memory, vCPUs, title/description/autostart, name, tags, disks, CD-ROM
// media, NICs, link state, the whole definition, and restoring a managed save. Every change says
// where it applied (the domain model's hotplug table and the VM's state decide).
import { z } from 'zod';
import { method, onVm } from './common';
import { CONTROL, LONE_SURROGATE, filePath, objectName, sizeGiB, wholeNumber } from './fields';

export interface EditResult {
  /** live: the running VM only; config: the definition only (next boot); both. */
  applied: 'live' | 'config' | 'both';
  /** The VM runs and (part of) the change waits for it to be shut down and started again. */
  pendingUntilShutdown: boolean;
}

export interface AttachDiskResult extends EditResult {
  target: string;
  path: string;
  /** The volume made for it (source newVolume). */
  createdVolume?: { pool: string; name: string; path: string };
}

export interface DetachDiskResult extends EditResult {
  /** The image file was deleted (deleteVolume). */
  deletedVolume?: { pool: string; name: string; path: string };
}

export interface AttachNicResult extends EditResult {
  mac: string;
}

/** virsh's --live / --config: neither given = live and config while running, config while shut off. */
const where = { live: z.boolean().optional(), config: z.boolean().optional() };

const MAX_MIB = 16 * 1024 * 1024;
const memoryMiB = (what: string) => wholeNumber(what, 16, MAX_MIB, ' MiB');
const vcpuCount = (what: string) => wholeNumber(what, 1, 4096);

/** Free text stored in the definition (title, description): no control characters but the allowed line breaks. */
function freeText(what: string, max: number, lineBreaks: boolean) {
  return z.string({ error: `${what} must be text` }).max(max, `${what} is longer than ${max} characters`).superRefine((s, ctx) => {
    const rest = lineBreaks ? s.replace(/[\n\t]/g, ' ') : s;
    if (CONTROL.test(rest) || LONE_SURROGATE.test(rest)) ctx.addIssue({ code: 'custom', message: `${what} contains a ${lineBreaks ? 'control character' : 'line break or control character'} or broken Unicode` });
  });
}

/** A disk target such as vdb, sdc, hdc. */
export const diskTarget = z.string({ error: 'target must be text' }).regex(/^(vd|sd|hd|xvd)[a-z]{1,3}$/, 'target must be a disk name such as vdb, sdb or hdc');
export const macAddressField = (what: string) => z
  .string({ error: `${what} must be text` })
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, `${what} must be a MAC address such as 52:54:00:12:34:56`)
  .refine((m) => (parseInt(m.slice(0, 2), 16) & 1) === 0, `${what} must be a unicast address (the first byte must be even), e.g. 52:54:00:12:34:56`);
export const macAddress = macAddressField('mac');
const tag = z
  .string({ error: 'a tag must be text' })
  .min(1, 'a tag is empty')
  .max(64, 'a tag is longer than 64 characters')
  .refine((t) => !CONTROL.test(t) && !LONE_SURROGATE.test(t) && t.trim() === t, 'a tag must not contain control characters or start or end with a space');

const diskSource = z.union([
  z.object({ pool: objectName('pool'), volume: objectName('volume', 255) }).strict(),
  z.object({ path: filePath('path'), format: z.enum(['raw', 'qcow2', 'iso'], { error: 'format must be raw, qcow2 or iso' }).optional() }).strict(),
  z.object({ newVolume: z.object({ pool: objectName('pool'), sizeGiB: sizeGiB('sizeGiB'), format: z.enum(['qcow2', 'raw'], { error: 'format must be qcow2 or raw' }).default('qcow2') }).strict() }).strict(),
], { error: 'source must be {pool, volume}, {path} or {newVolume: {pool, sizeGiB, format}}' });

export const nicSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('network'), network: objectName('network') }).strict(),
  z.object({ type: z.literal('bridge'), bridge: z.string().regex(/^[A-Za-z0-9_.:-]{1,15}$/, 'bridge must be a host bridge name such as br0') }).strict(),
  z.object({ type: z.literal('user') }).strict(),
], { error: "source must be {type: 'network', network}, {type: 'bridge', bridge} or {type: 'user'}" });

export const diskBus = z.enum(['virtio', 'sata', 'scsi'], { error: 'bus must be virtio, sata or scsi' });
export const diskCache = z.enum(['default', 'none', 'writethrough', 'writeback', 'directsync', 'unsafe'], { error: 'cache must be default, none, writethrough, writeback, directsync or unsafe' });
/** The serial number the guest sees (/dev/disk/by-id). */
export const diskSerial = z.string({ error: 'serial must be text' }).regex(/^[A-Za-z0-9_.+-]{1,20}$/, 'serial must be 1–20 letters, digits, _ . + -');
export const nicModel = z.enum(['virtio', 'e1000e', 'e1000', 'rtl8139'], { error: 'model must be virtio, e1000e, e1000 or rtl8139' });

export const vmEditMethods = {
  'vm.setMemory': method(
    z.object({ ...onVm, memoryMiB: memoryMiB('memoryMiB').optional(), maxMemoryMiB: memoryMiB('maxMemoryMiB').optional(), ...where }).strict()
      .refine((i) => i.memoryMiB !== undefined || i.maxMemoryMiB !== undefined, 'give memoryMiB, maxMemoryMiB or both'),
    undefined as unknown as EditResult,
  ),
  'vm.setVcpus': method(
    z.object({ ...onVm, vcpus: vcpuCount('vcpus').optional(), maxVcpus: vcpuCount('maxVcpus').optional(), ...where }).strict()
      .refine((i) => i.vcpus !== undefined || i.maxVcpus !== undefined, 'give vcpus, maxVcpus or both'),
    undefined as unknown as EditResult,
  ),
  'vm.setGeneral': method(
    z.object({ ...onVm, title: freeText('title', 256, false).optional(), description: freeText('description', 4096, true).optional(), autostart: z.boolean().optional() }).strict()
      .refine((i) => i.title !== undefined || i.description !== undefined || i.autostart !== undefined, 'give title, description or autostart'),
    undefined as unknown as EditResult,
  ),
  'vm.rename': method(z.object({ ...onVm, name: objectName('name') }).strict(), undefined as unknown as EditResult),
  'vm.setTags': method(z.object({ ...onVm, tags: z.array(tag).max(32, 'at most 32 tags') }).strict(), undefined as unknown as EditResult),
  'vm.attachDisk': method(
    z.object({
      ...onVm,
      source: diskSource,
      bus: diskBus.default('virtio'),
      target: diskTarget.optional(),
      readonly: z.boolean().optional(),
      cache: diskCache.optional(),
      /** unmap: the guest's TRIM frees space in the image; ignore: it does not. */
      discard: z.enum(['unmap', 'ignore'], { error: 'discard must be unmap or ignore' }).optional(),
      /** Several VMs may use the image at once (needs a cluster file system in the guests; cache none). */
      shareable: z.boolean().optional(),
      serial: diskSerial.optional(),
      ...where,
    }).strict(),
    undefined as unknown as AttachDiskResult,
  ),
  'vm.detachDisk': method(z.object({ ...onVm, target: diskTarget, deleteVolume: z.boolean().default(false), ...where }).strict(), undefined as unknown as DetachDiskResult),
  'vm.changeMedia': method(z.object({ ...onVm, target: diskTarget, path: filePath('path').nullable() }).strict(), undefined as unknown as EditResult),
  'vm.attachNic': method(
    z.object({ ...onVm, source: nicSource, model: nicModel.default('virtio'), mac: macAddress.optional(), ...where }).strict(),
    undefined as unknown as AttachNicResult,
  ),
  'vm.detachNic': method(z.object({ ...onVm, mac: macAddress, ...where }).strict(), undefined as unknown as EditResult),
  'vm.setLinkState': method(z.object({ ...onVm, mac: macAddress, up: z.boolean({ error: 'up must be true or false' }) }).strict(), undefined as unknown as EditResult),
  'vm.defineXml': method(z.object({ ...onVm, xml: z.string({ error: 'xml must be text' }).min(1, 'xml is empty').max(1024 * 1024, 'xml is longer than 1 MiB') }).strict(), undefined as unknown as EditResult),
  'vm.restore': method(z.object(onVm).strict(), undefined as void),
};
