// ffi.ts declares each libvirt function on first use: a declaration koffi or the installed
// libvirt cannot satisfy would otherwise go unnoticed until the one command that calls it.
import { describe, expect, it } from 'vitest';
import { lv } from '../../../src-main/libvirt/ffi';

describe('ffi.ts function declarations', () => {
  it('declares every function against the installed libvirt', () => {
    const broken: string[] = [];
    for (const name of Object.keys(lv) as (keyof typeof lv)[]) {
      try {
        if (typeof lv[name] !== 'function') broken.push(`${name}: not a function`);
      } catch (e) {
        broken.push(`${name}: ${(e as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
    expect(Object.keys(lv).length).toBeGreaterThan(100);
  });

  it('declares a function once and hands out the same one afterwards', () => {
    const first = lv.virConnectGetType;
    expect(lv.virConnectGetType).toBe(first);
  });
});
