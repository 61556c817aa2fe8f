// Pure SVG path building for the VM list's sparklines, and the "nice" axis bound the charts use.

export interface ChartPaths {
  /** Stroke path ("" when there is nothing to draw). */
  line: string;
  /** Closed fill path under the line. */
  area: string;
}

/**
 * Lays `values` into `capacity` slots across `width` (newest at the right edge); null
 * values break the line. y = 0 at the bottom, `max` at `top` px from the top.
 */
export function buildPaths(values: readonly (number | null)[], capacity: number, max: number, width: number, height: number, top = 1): ChartPaths {
  const slots = Math.max(2, capacity);
  const shown = values.slice(-slots);
  const offset = slots - shown.length;
  const step = width / (slots - 1);
  const span = Math.max(1, height - top - 1);
  const safeMax = max > 0 ? max : 1;
  const y = (v: number): number => height - 1 - (Math.min(safeMax, Math.max(0, v)) / safeMax) * span;
  const f = (n: number): string => (Math.round(n * 10) / 10).toString();
  let line = '';
  let area = '';
  let run: [number, number][] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    // A single point still shows, as a short flat dash.
    const pts: [number, number][] = run.length === 1 ? [run[0] as [number, number], [(run[0] as [number, number])[0] + Math.min(2, step / 2), (run[0] as [number, number])[1]]] : run;
    line += pts.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${f(px)} ${f(py)}`).join('');
    const first = pts[0] as [number, number];
    const last = pts[pts.length - 1] as [number, number];
    area += `M${f(first[0])} ${f(height)}${pts.map(([px, py]) => `L${f(px)} ${f(py)}`).join('')}L${f(last[0])} ${f(height)}Z`;
    run = [];
  };
  shown.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) flush();
    else run.push([(offset + i) * step, y(v)]);
  });
  flush();
  return { line, area };
}

/** A "nice" upper bound for a y axis: 1, 2, 2.5 or 5 × 10ⁿ at or above `value`. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const exp = Math.floor(Math.log10(value));
  const base = 10 ** exp;
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= value) return m * base;
  return 10 * base;
}
