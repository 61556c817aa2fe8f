// Storage pools and their volumes.
import { z } from 'zod';
import { method, onConnection } from './common';
import { absolutePath, existingName, objectName, sizeGiB } from './fields';
import type { PoolSummary, VolumeSummary } from './libvirt-types';

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

const poolName = existingName('pool');
const newPoolName = objectName('name');
const volumeName = existingName('name');
const newVolumeName = objectName('name', 128);
/** A libvirt XML document the user edited (checked for well-formedness and by libvirt). */
const editedXml = z.string({ error: 'xml must be text' }).min(1, 'xml is empty: pass the XML text of the document').max(1024 * 1024, 'xml is longer than 1 MiB');

export const storageMethods = {
  'pool.list': method(z.object(onConnection).strict(), [] as PoolDetails[]),
  /** Defines a directory pool (the folder is created if missing), starts it unless start: false. */
  'pool.define': method(
    z.object({ ...onConnection, name: newPoolName, path: absolutePath('path'), autostart: z.boolean().default(true), start: z.boolean().default(true) }).strict(),
    {} as PoolDetails,
  ),
  'pool.start': method(z.object({ ...onConnection, pool: poolName }).strict(), undefined as void),
  'pool.stop': method(z.object({ ...onConnection, pool: poolName }).strict(), undefined as void),
  'pool.refresh': method(z.object({ ...onConnection, pool: poolName }).strict(), undefined as void),
  'pool.setAutostart': method(z.object({ ...onConnection, pool: poolName, autostart: z.boolean() }).strict(), undefined as void),
  /**
   * Stops and undefines a pool (its folder and files stay). Refuses while VMs use its volumes, unless
   * force. removeFolder also removes the pool's folder: only a directory pool on this computer whose
   * folder holds nothing at all (refused otherwise, before anything changes; never recursive).
   */
  'pool.delete': method(
    z.object({ ...onConnection, pool: poolName, force: z.boolean().default(false), removeFolder: z.boolean({ error: 'removeFolder must be true or false' }).default(false) }).strict(),
    undefined as void,
  ),
  /** The pool's XML; inactive: the persistent definition (what pool.defineXml replaces). */
  'pool.xml': method(z.object({ ...onConnection, name: existingName('name'), inactive: z.boolean({ error: 'inactive must be true or false' }).optional() }).strict(), '' as string),
  /**
   * Replaces the pool's persistent definition with xml (validated by libvirt); the name and uuid
   * must stay. A running pool keeps its old settings until it is restarted.
   */
  'pool.defineXml': method(z.object({ ...onConnection, name: existingName('name'), xml: editedXml }).strict(), undefined as void),
  'volume.list': method(z.object({ ...onConnection, pool: poolName }).strict(), [] as VolumeDetails[]),
  'volume.create': method(
    z.object({ ...onConnection, pool: poolName, name: newVolumeName, sizeGiB: sizeGiB('sizeGiB'), format: z.enum(['qcow2', 'raw'], { error: "format must be 'qcow2' or 'raw'" }).default('qcow2') }).strict(),
    {} as VolumeDetails,
  ),
  /** Refuses while a VM uses the volume. */
  'volume.delete': method(z.object({ ...onConnection, pool: poolName, name: volumeName }).strict(), undefined as void),
  /** Grows a volume (never shrinks); refuses while a running VM uses it. */
  'volume.resize': method(z.object({ ...onConnection, pool: poolName, name: volumeName, sizeGiB: sizeGiB('sizeGiB') }).strict(), {} as VolumeDetails),
} as const;
