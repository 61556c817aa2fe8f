import { describe, expect, it } from 'vitest';
import { buildPaths, niceMax } from '../../../src-renderer/common/chart';

describe('buildPaths', () => {
  it('draws nothing without values', () => {
    expect(buildPaths([], 30, 100, 60, 20)).toEqual({ line: '', area: '' });
    expect(buildPaths([null, null], 30, 100, 60, 20)).toEqual({ line: '', area: '' });
  });
  it('puts the newest value at the right edge and scales to max', () => {
    const { line } = buildPaths([0, 100], 3, 100, 100, 21, 1);
    // slots at x = 0, 50, 100; the two values fill the last two.
    expect(line).toBe('M50 20L100 1');
  });
  it('breaks the line at null values and clamps out-of-range values', () => {
    const { line, area } = buildPaths([50, null, 200, -10], 4, 100, 30, 11, 1);
    expect(line.match(/M/g)?.length).toBe(2);
    expect(line).toContain('L30 10'); // -10 clamped to 0 (bottom)
    expect(line).toContain('M20 1'); // 200 clamped to max (top)
    expect(area.match(/Z/g)?.length).toBe(2);
  });
});

describe('niceMax', () => {
  it('rounds up to 1/2/2.5/5 × 10ⁿ', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(1.2)).toBe(2);
    expect(niceMax(230)).toBe(250);
    expect(niceMax(4100)).toBe(5000);
    expect(niceMax(7000)).toBe(10000);
  });
});
