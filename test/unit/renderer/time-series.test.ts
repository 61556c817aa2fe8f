// TimeSeriesChart's pure parts: uPlot's columns, the y-axis top and theme colours with alpha.
import { describe, expect, it } from 'vitest';
import { BINARY_STEPS, plotData, withAlpha, yTop } from '../../../src-renderer/common/time-series';

describe('plotData', () => {
  it('gives x in seconds and one column per series, with gaps as null', () => {
    const data = plotData([1000, 3000], [
      { label: 'a', color: '--c', values: [1, null] },
      { label: 'b', color: '--d', values: [Number.NaN, 4] },
    ]);
    expect(data).toEqual([[1, 3], [1, null], [null, 4]]);
  });
  it('pads a series shorter than the times with gaps', () => {
    expect(plotData([0, 1000], [{ label: 'a', color: '--c', values: [5] }])).toEqual([[0, 1], [5, null]]);
  });
});

describe('yTop', () => {
  it('uses a fixed top when given (percentages, memory size)', () => {
    expect(yTop(12, { fixed: 100 })).toBe(100);
  });
  it('rounds up to a nice decimal bound, or to a power of two for bytes', () => {
    expect(yTop(37)).toBe(50);
    expect(yTop(3000, { binary: true })).toBe(4096);
    expect(yTop(0, { binary: true, floor: 1024 })).toBe(1024); // an idle disk still gets a readable axis
    expect(yTop(Number.NaN)).toBe(1);
  });
  it('steps binary axes by powers of two', () => {
    expect(BINARY_STEPS.slice(0, 4)).toEqual([1, 2, 4, 8]);
    expect(BINARY_STEPS).toContain(1024 * 1024);
  });
});

describe('withAlpha', () => {
  it('makes a translucent fill from the theme colour', () => {
    expect(withAlpha('#2563eb', 0.12)).toBe('rgba(37, 99, 235, 0.12)');
    expect(withAlpha(' #fff', 0.5)).toBe('rgba(255, 255, 255, 0.5)');
    expect(withAlpha('rgb(1, 2, 3)', 0.2)).toBe('rgba(1, 2, 3, 0.2)');
    expect(withAlpha('red', 0.2)).toBe('red');
  });
});
