// libvirt's memory units (docs: formatdomain "Memory Allocation"): no unit means KiB; single
// letters and *iB are powers of 1024, *B (KB, MB, …) powers of 1000, "b"/"bytes" are bytes.
import { DomainXmlError } from './xml';

const SCALE: Record<string, number> = {
  b: 1, bytes: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
  t: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4,
  p: 1024 ** 5, pib: 1024 ** 5, pb: 1000 ** 5,
  e: 1024 ** 6, eib: 1024 ** 6, eb: 1000 ** 6,
};

/**
 * A libvirt memory value in KiB. libvirt rounds up to whole KiB, and so does this.
 * Throws DomainXmlError for a value or unit libvirt would refuse.
 */
export function toKiB(value: string | number, unit?: string | null): number {
  const v = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(v) || v < 0 || !Number.isInteger(v) || String(value).trim() === '') {
    throw new DomainXmlError(`Memory size '${value}' is not a whole non-negative number.`);
  }
  const scale = SCALE[(unit ?? 'KiB').trim().toLowerCase()];
  if (!scale) throw new DomainXmlError(`Memory unit '${unit}' is not one libvirt knows (use b, KiB, MiB, GiB, TiB, KB, MB, GB, …).`);
  return Math.ceil((v * scale) / 1024);
}
