// The built CLI's entry tries the in-process path before main.ts loads, and main.ts calls it
// again: the second call must decline without opening libvirt again (a connection that failed
// would otherwise be tried twice, and the event loop registered twice).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runOneShot, withDefaultConnect } from '../../../src-main/cli/one-shot';

const settings = fs.mkdtempSync(path.join(os.tmpdir(), 'vdt-oneshot-'));
afterAll(() => fs.rmSync(settings, { recursive: true, force: true }));

describe('runOneShot', () => {
  it('answers once per process, then declines at once', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const argv = withDefaultConnect(['list', '--json'], { LIBVIRT_DEFAULT_URI: 'test:///default' });
      expect(argv).toEqual(['list', '--json', '--connect', 'test:///default']);
      expect(await runOneShot(argv, settings)).toBe(0);
      const printed = JSON.parse(String(out.mock.calls.at(-1)?.[0]));
      expect(printed.map((v: { name: string }) => v.name)).toEqual(['test']);
      out.mockClear();
      expect(await runOneShot(argv, settings)).toBeUndefined();
      expect(out).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
    }
  });

  it('leaves a named --connect as it is', () => {
    expect(withDefaultConnect(['list', '--connect=qemu:///session'], { VIRTDESK_DEFAULT_URI: 'test:///default' })).toEqual(['list', '--connect=qemu:///session']);
  });
});
