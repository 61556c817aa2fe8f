// Storage pool and volume XML from validated specs (see xml/build.ts for the escaping rules).
import { buildXml, el, textEl } from './build';

export interface DirPoolSpec {
  name: string;
  /** Absolute folder the pool keeps its volumes in. */
  path: string;
}

export interface VolumeSpec {
  name: string;
  capacityBytes: number;
  format: 'qcow2' | 'raw';
}

/** A directory pool: `<pool type='dir'>` with its target folder. */
export function buildDirPoolXml(p: DirPoolSpec): string {
  return buildXml({ pool: el({ type: 'dir' }, { name: p.name, target: { path: p.path } }) });
}

/** A sparse volume (allocation 0): qcow2 grows as the guest writes, raw is a sparse file. */
export function buildVolumeXml(v: VolumeSpec): string {
  if (!Number.isSafeInteger(v.capacityBytes) || v.capacityBytes <= 0) throw new RangeError(`volume capacity must be a positive whole number of bytes (got ${v.capacityBytes})`);
  return buildXml({
    volume: {
      name: v.name,
      capacity: textEl(v.capacityBytes, { unit: 'bytes' }),
      allocation: textEl(0, { unit: 'bytes' }),
      target: { format: el({ type: v.format }) },
    },
  });
}
