// Small helpers shared by the benchmark groups: timing, medians and the human-readable table.

export type Metrics = Record<string, number>;

/** One line of the human-readable table. */
export interface Row {
  what: string;
  value: string;
  note?: string;
}

/** What a measurement group returns: numbers for the JSON line, rows for the table. */
export interface GroupResult {
  metrics: Metrics;
  rows: Row[];
}

export type BenchGroup = () => Promise<GroupResult>;

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Rounds for display and for the JSON line (3 significant decimals are plenty here). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function fmtUs(us: number): string {
  return us >= 1000 ? `${round(us / 1000, 2)} ms` : `${round(us, 2)} µs`;
}

export function fmtMs(ms: number): string {
  return `${round(ms, 2)} ms`;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const w1 = Math.max(4, ...rows.map((r) => r.what.length));
  const w2 = Math.max(5, ...rows.map((r) => r.value.length));
  const line = `${'-'.repeat(w1 + 2)}+${'-'.repeat(w2 + 2)}+${'-'.repeat(30)}`;
  console.log(`\n${title}`);
  console.log(line);
  console.log(` ${'what'.padEnd(w1)} | ${'value'.padStart(w2)} | note`);
  console.log(line);
  for (const r of rows) console.log(` ${r.what.padEnd(w1)} | ${r.value.padStart(w2)} | ${r.note ?? ''}`);
  console.log(line);
}
