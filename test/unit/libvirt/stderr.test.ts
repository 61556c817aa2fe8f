// libvirt prints every error to stderr unless its error function is replaced (docs/koffi.md
// rule 2). binding.ts silences it; this runs failing calls in a fresh process and checks that
// stderr stays empty while the errors still arrive as exceptions.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = path.join(__dirname, 'stderr-child.ts');

function runChild(mode: string): { stdout: string; stderr: string; status: number | null; caught: { op: string; code: number | null; message: string }[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode], { encoding: 'utf8', timeout: 30_000 });
  const last = r.stdout.trim().split('\n').at(-1) ?? '[]';
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, caught: JSON.parse(last) };
}

describe('libvirt errors never reach stderr', () => {
  it('failing domain, storage and network calls throw but print nothing', () => {
    const r = runChild('errors');
    expect(r.status).toBe(0);
    expect(r.caught.length).toBeGreaterThanOrEqual(10);
    for (const c of r.caught) {
      expect(c.message, c.op).not.toBe('no error');
      expect(c.code, c.op).not.toBeNull();
    }
    expect(r.stderr).toBe('');
  });

  it('a URI that cannot be opened throws but prints nothing', () => {
    const r = runChild('bad-uri');
    expect(r.status).toBe(0);
    expect(r.caught.map((c) => c.message)).toEqual([
      expect.stringContaining('connect to test:///nonexistent/file.xml'),
      expect.stringContaining('connect to nosuchdriver:///x'),
    ]);
    expect(r.stderr).toBe('');
  });
});
