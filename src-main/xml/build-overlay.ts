// Volume XML for linked clones and lab machines: a qcow2 overlay whose backing file is the base
// disk (libvirt runs `qemu-img create -b base -F fmt`). The base is only ever read. Paths are
// values in the tree, never concatenated (see build.ts).
import { buildXml, textEl } from './build';

export interface OverlaySpec {
  name: string;
  /** Virtual size: the base's (an overlay cannot be smaller than its backing file). */
  capacityBytes: number;
  backingPath: string;
  backingFormat: 'qcow2' | 'raw';
}

export function buildOverlayVolumeXml(o: OverlaySpec): string {
  if (!Number.isSafeInteger(o.capacityBytes) || o.capacityBytes <= 0) throw new RangeError(`overlay capacity must be a positive whole number of bytes (got ${o.capacityBytes})`);
  if (!o.backingPath.startsWith('/')) throw new RangeError(`the backing file of an overlay must be an absolute path (got '${o.backingPath}')`);
  return buildXml({
    volume: {
      name: o.name,
      capacity: textEl(o.capacityBytes, { unit: 'bytes' }),
      allocation: textEl(0, { unit: 'bytes' }),
      // compat 1.1 (qcow2 v3): libvirt otherwise writes the old 0.10 format.
      target: { format: { '@_type': 'qcow2' }, compat: '1.1' },
      backingStore: { path: o.backingPath, format: { '@_type': o.backingFormat } },
    },
  });
}

/** A full copy's volume (virStorageVolCreateXMLFrom converts into this): qcow2 v3, sparse. */
export function buildCopyVolumeXml(o: { name: string; capacityBytes: number }): string {
  if (!Number.isSafeInteger(o.capacityBytes) || o.capacityBytes <= 0) throw new RangeError(`volume capacity must be a positive whole number of bytes (got ${o.capacityBytes})`);
  return buildXml({
    volume: {
      name: o.name,
      capacity: textEl(o.capacityBytes, { unit: 'bytes' }),
      allocation: textEl(0, { unit: 'bytes' }),
      target: { format: { '@_type': 'qcow2' }, compat: '1.1' },
    },
  });
}

/** The overlay / copy volume name of a VM's disk: `<vm>-<target>.qcow2`. */
export function cloneVolumeName(vmName: string, target: string): string {
  return `${vmName}-${target}.qcow2`;
}
