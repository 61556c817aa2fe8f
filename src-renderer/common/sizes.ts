// Pure size helpers of the New-VM wizard and the storage screen: parsing what people type
// ("2", "1.5 GiB", "512M", "2,5 G") and formatting sizes back. Units are binary (1 GiB =
// 1024 MiB), as in libvirt; "GB"/"MB" are read as GiB/MiB, which is what people mean here.
import { formatBytes } from './format';

export type SizeUnit = 'MiB' | 'GiB';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

const SIZE = /^(\d+(?:[.,]\d*)?|[.,]\d+)\s*([kmgt])?(?:i?b)?$/i;
const FACTOR_MIB: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 };

/**
 * A typed size in MiB (not rounded), or null when it is not a size. A number without a unit
 * is in `unit`; a unit typed after it wins: parseSizeMiB('2', 'GiB') = 2048,
 * parseSizeMiB('512 MiB', 'GiB') = 512, parseSizeMiB('1,5g', 'MiB') = 1536.
 */
export function parseSizeMiB(text: string, unit: SizeUnit): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  const value = Number((m[1] as string).replace(',', '.'));
  if (!Number.isFinite(value)) return null;
  const factor = m[2] ? (FACTOR_MIB[m[2].toLowerCase()] as number) : unit === 'GiB' ? 1024 : 1;
  return value * factor;
}

/** Memory as whole MiB (what libvirt stores), or null. "1.5" GiB → 1536; "0" → 0. */
export function parseMemoryMiB(text: string, unit: SizeUnit): number | null {
  const mib = parseSizeMiB(text, unit);
  return mib === null ? null : Math.round(mib);
}

/** A disk size in GiB at MiB resolution (what the API takes), or null. "512M" → 0.5. */
export function parseDiskGiB(text: string): number | null {
  const mib = parseSizeMiB(text, 'GiB');
  return mib === null ? null : Math.round(mib) / 1024;
}

/** 2 → "2", 1.5 → "1.5", 0.3333 → "0.33": at most two decimals, no trailing zeros. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return String(Math.round(n * 100) / 100);
}

/** 2048 MiB → "2 GiB", 512 → "512 MiB". */
export function formatMiB(mib: number | null | undefined): string {
  if (mib === null || mib === undefined) return '—';
  return formatBytes(mib * MiB);
}

/** 21474836480 bytes → 20 (GiB, two decimals at most). */
export function bytesToGiB(bytes: number): number {
  return Math.round((bytes / GiB) * 100) / 100;
}

/** The text of a memory field in the other unit: ('2048', 'MiB', 'GiB') → '2'. Unparsable text stays. */
export function convertSizeText(text: string, from: SizeUnit, to: SizeUnit): string {
  if (from === to) return text;
  const mib = parseSizeMiB(text, from);
  if (mib === null) return text;
  return formatNumber(to === 'GiB' ? mib / 1024 : mib);
}

/** How a memory amount is best shown in the wizard: whole GiB in GiB, anything else in MiB. */
export function memoryField(mib: number): { text: string; unit: SizeUnit } {
  return mib >= 1024 && mib % 1024 === 0 ? { text: String(mib / 1024), unit: 'GiB' } : { text: String(mib), unit: 'MiB' };
}

/** Share of a capacity that is used, 0..1 (0 when the capacity is unknown). */
export function usedFraction(used: number, capacity: number): number {
  if (!Number.isFinite(used) || !Number.isFinite(capacity) || capacity <= 0) return 0;
  return Math.min(1, Math.max(0, used / capacity));
}
