// Pure helpers of TimeSeriesChart (the uPlot wrapper): data columns, y-axis bounds and steps,
// theme colours with transparency. No DOM, so they are unit-tested in Node.
import { niceMax } from './chart';

export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour, e.g. '--chart-cpu' (read at draw time: themes switch live). */
  color: string;
  values: readonly (number | null)[];
}

/** uPlot's column data: x in seconds since the epoch, then one column per series (null = gap). */
export function plotData(timesMs: readonly number[], series: readonly ChartSeries[]): [number[], ...(number | null)[][]] {
  const n = timesMs.length;
  const col = (s: ChartSeries): (number | null)[] => {
    const out: (number | null)[] = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      out[i] = v === null || v === undefined || !Number.isFinite(v) ? null : v;
    }
    return out;
  };
  return [timesMs.map((t) => t / 1000), ...series.map(col)];
}

/**
 * Top of the y axis: `fixed` when given; else, for binary units (bytes), the next power of two
 * at or above the data (at least `floor`); else a "nice" 1/2/2.5/5 × 10ⁿ bound.
 */
export function yTop(max: number, o: { fixed?: number; binary?: boolean; floor?: number } = {}): number {
  if (o.fixed !== undefined && o.fixed > 0) return o.fixed;
  const v = Math.max(Number.isFinite(max) ? max : 0, o.floor ?? 1);
  if (o.binary) return 2 ** Math.ceil(Math.log2(v));
  return niceMax(v);
}

/** Axis steps for binary units: 1, 2, 4 … 512 × 1024ⁿ, so labels read "256 KiB", "1 MiB". */
export const BINARY_STEPS: readonly number[] = Array.from({ length: 6 * 10 }, (_, i) => 2 ** i);

/** Time-axis steps in seconds: whole seconds at least (samples are seconds apart), up to an hour. */
export const TIME_STEPS: readonly number[] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** `color` (#rgb, #rrggbb or rgb()) with alpha `a`; other notations are returned unchanged. */
export function withAlpha(color: string, a: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  if (m) return `rgba(${parseInt(m[1]! + m[1]!, 16)}, ${parseInt(m[2]! + m[2]!, 16)}, ${parseInt(m[3]! + m[3]!, 16)}, ${a})`;
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (m) return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${a})`;
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(c);
  if (m) return `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${a})`;
  return c;
}
