// Pure formatting helpers (no DOM, no Svelte): memory units, libvirt versions, percentages,
// and splitting `code` spans out of the server's plain-text help messages.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 268435456 → "256 MiB", 2147483648 → "2 GiB", 1610612736 → "1.5 GiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal at most, and none when it would be ".0"; big numbers are rounded.
  const rounded = value >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  if (rounded >= 1024 && unit < UNITS.length - 1) return `1 ${UNITS[unit + 1]}`;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${UNITS[unit]}`;
}

/** libvirt reports memory in KiB. */
export function formatKiB(kib: number | null | undefined): string {
  if (kib === null || kib === undefined) return '—';
  return formatBytes(kib * 1024);
}

/** libvirt's version encoding (major·10⁶ + minor·10³ + release) → "x.y.z". */
export function formatVersion(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v) || v <= 0) return '—';
  const n = Math.floor(v);
  return `${Math.floor(n / 1_000_000)}.${Math.floor((n % 1_000_000) / 1000)}.${n % 1000}`;
}

/** 3.14159 → "3.1%", 42.6 → "43%", null → "—". */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const v = Math.max(0, p);
  return v < 10 ? `${(Math.round(v * 10) / 10).toString()}%` : `${Math.round(v)}%`;
}

/**
 * vm.stats reports CPU in percent of one host CPU × vCPUs (0..100·vcpus). The UI shows the
 * share of the VM's own allocation (0..100), which is what "CPU %" means to most people.
 */
export function cpuShare(cpuPercent: number | null | undefined, vcpus: number): number | null {
  if (cpuPercent === null || cpuPercent === undefined || !Number.isFinite(cpuPercent)) return null;
  const share = cpuPercent / Math.max(1, vcpus);
  return Math.min(100, Math.max(0, share));
}

/** 2400 MHz → "2.4 GHz". */
export function formatMHz(mhz: number | null | undefined): string {
  if (!mhz || !Number.isFinite(mhz)) return '—';
  return mhz >= 1000 ? `${(Math.round(mhz / 100) / 10).toString()} GHz` : `${mhz} MHz`;
}

export interface TextSegment {
  text: string;
  code: boolean;
}

/**
 * The server's help texts mark commands with backticks: "run `sudo apt install x`, then…".
 * Splits them so commands can be shown as <code>. An unmatched backtick stays literal.
 */
export function splitCode(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  const re = /`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), code: false });
    out.push({ text: m[1] as string, code: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), code: false });
  return out;
}
