// Progress on stderr when it is not a terminal: plain lines, a line per step and per further
// 10 % of a byte step, no control characters (src-main/cli/progress.ts).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barReporter, lineReporter, plainText, worthALine } from '../../../src-main/cli/progress';

const M = 2 ** 20;

describe('plain progress lines', () => {
  it('prints each step, then byte progress every 10 % and at the end', () => {
    expect(worthALine(undefined, { done: 0, total: 100 * M })).toBe(true);
    expect(worthALine({ done: 0, total: 100 * M }, { done: 5 * M, total: 100 * M })).toBe(false);
    expect(worthALine({ done: 5 * M, total: 100 * M }, { done: 10 * M, total: 100 * M })).toBe(true);
    expect(worthALine({ done: 95 * M, total: 100 * M }, { done: 100 * M, total: 100 * M })).toBe(true);
    expect(worthALine({ done: 100 * M, total: 100 * M }, { done: 100 * M, total: 100 * M })).toBe(false);
    expect(worthALine({ done: 0 }, { done: 63 * M })).toBe(false);
    expect(worthALine({ done: 63 * M }, { done: 65 * M })).toBe(true);
  });

  it('writes steps and byte lines as plain text, escaping control characters in names', () => {
    let out = '';
    const r = lineReporter((t) => (out += t));
    r.step('copying the cloud image /tmp/evil\u001b[2Jname\rx.img');
    for (let done = 0; done <= 100 * M; done += 4 * M) r.bytes('copy', { done, total: 100 * M });
    r.step('defining the VM');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('copying the cloud image /tmp/evil\\x1b[2Jname\\x0dx.img');
    expect(lines.filter((l) => l.startsWith('copy '))).toEqual([
      'copy 0% (0.0/100.0 MiB)', 'copy 12% (12.0/100.0 MiB)', 'copy 20% (20.0/100.0 MiB)', 'copy 32% (32.0/100.0 MiB)',
      'copy 40% (40.0/100.0 MiB)', 'copy 52% (52.0/100.0 MiB)', 'copy 60% (60.0/100.0 MiB)', 'copy 72% (72.0/100.0 MiB)',
      'copy 80% (80.0/100.0 MiB)', 'copy 92% (92.0/100.0 MiB)', 'copy 100% (100.0/100.0 MiB)',
    ]);
    expect(lines[lines.length - 1]).toBe('defining the VM');
    expect(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(out)).toBe(false);
    expect(plainText('a\nb')).toBe('a b');
  });
});

describe('progress on a terminal', () => {
  it('draws a bar with the step and its bytes, and ends it before the next line', async () => {
    let out = '';
    const tty = Object.assign(new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) }), { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const r = await barReporter(tty as unknown as NodeJS.WriteStream);
    r.step('copying the cloud image');
    r.bytes('copy', { done: 50 * M, total: 100 * M });
    r.bytes('copy', { done: 100 * M, total: 100 * M });
    r.step('defining the VM');
    r.stop();
    expect(out).toContain('copying the cloud image\n');
    expect(out).toMatch(/copy [█░=\- ]+ 100% \| 100\.0\/100\.0 MiB/);
    expect(out.trimEnd().endsWith('defining the VM')).toBe(true);
  });
});
