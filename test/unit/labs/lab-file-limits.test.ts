// Lab files from anywhere (an editor, a file on disk) cannot stall the server: validation is
// linear, reports at most 100 problems, refuses oversized text, deep nesting and alias bombs
// with a clear error instead of a stack overflow.
import { describe, expect, it } from 'vitest';
import { labMethods } from '../../../src-main/contract';
import { LabFileError, MAX_LAB_DEPTH, MAX_LAB_TEXT_BYTES, MAX_REPORTED_PROBLEMS, parseLabText, type LabParse } from '../../../src-main/labs/lab-file';
import type { LabFileIssue } from '../../../src-main/contract';

const HEAD = 'name: web\nbase: { image: /b.qcow2 }\nmachines:\n  - { name: a, memoryMiB: 64, vcpus: 1 }\n';

/** HEAD plus `line(i)` lines until the text is just under the size limit; returns how many were added. */
function fill(line: (i: number) => string, head = HEAD): { text: string; lines: number } {
  const parts = [head];
  let bytes = Buffer.byteLength(head);
  for (let i = 0; ; i++) {
    const next = `${line(i)}\n`;
    bytes += Buffer.byteLength(next);
    if (bytes > MAX_LAB_TEXT_BYTES) return { text: parts.join(''), lines: i };
    parts.push(next);
  }
}

/** Parses, measuring CPU time (not wall time: other tests may share the machine). */
function timed(text: string, label = 'lab.yaml'): { r: LabParse; ms: number } {
  const t0 = process.cpuUsage();
  const r = parseLabText(text, label);
  const used = process.cpuUsage(t0);
  return { r, ms: (used.user + used.system) / 1000 };
}

function failed(r: LabParse): LabFileIssue[] {
  if (r.ok) throw new Error('expected problems, the lab is valid');
  return r.errors;
}

/** The problems are capped: 100 with their lines, then one summary naming how many more. */
function expectCapped(errors: LabFileIssue[], total: number, label = 'lab.yaml'): void {
  expect(errors).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
  const problems = errors.slice(0, -1);
  for (const p of problems) {
    expect(p.line).toBeGreaterThan(0);
    expect(p.text.startsWith(`${label}:${p.line}: `)).toBe(true);
  }
  expect(problems.map((p) => p.line)).toEqual([...problems.map((p) => p.line)].sort((a, b) => a! - b!));
  const more = total - MAX_REPORTED_PROBLEMS;
  expect(errors.at(-1)).toEqual({ line: null, path: '', message: `and ${more} more problems`, text: `${label}: and ${more} more problems` });
  expect(JSON.stringify(errors).length).toBeLessThan(20_000);
  expect(new LabFileError(errors).message).toBe(`${errors[0].text} (and ${total - 1} more problems)`);
}

describe('lab file limits', () => {
  it('256 KiB of unknown keys: answers quickly with 100 problems on their lines and a summary of the rest', () => {
    const { text, lines } = fill((i) => `k${i}: 1`);
    expect(lines).toBeGreaterThan(20_000);
    const { r, ms } = timed(text);
    const errors = failed(r);
    expectCapped(errors, lines);
    expect(errors.slice(0, 3).map((e) => e.text)).toEqual(['lab.yaml:5: k0: unknown field', 'lab.yaml:6: k1: unknown field', 'lab.yaml:7: k2: unknown field']);
    expect(ms).toBeLessThan(2000); // a sanity guard only: this took 8–29 s when the cost was quadratic
  });

  it('unknown keys in one flow mapping on a single line are capped too', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `x${i}: 1`).join(', ');
    const { r, ms } = timed(`${HEAD}network: { ${keys} }\n`);
    const errors = failed(r);
    expectCapped(errors, 20_000);
    expect(errors[0].text).toBe('lab.yaml:5: network.x0: unknown field');
    expect(ms).toBeLessThan(2000);
  });

  it('very long unknown keys are shortened in the reply', () => {
    const long = 'k'.repeat(500); // YAML allows implicit keys up to 1024 characters
    const { text, lines } = fill((i) => `${long}${i}: 1`);
    const errors = failed(parseLabText(text));
    expect(errors).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(errors.at(-1)!.message).toBe(`and ${lines - MAX_REPORTED_PROBLEMS} more problems`);
    expect(errors[0].path).toMatch(/^k{20,}…$/);
    expect(JSON.stringify(errors).length).toBeLessThan(40_000);
  });

  it('thousands of duplicate keys: a linear check, capped, each on its line', () => {
    const { text, lines } = fill(() => 'tags: []');
    const { r, ms } = timed(text);
    const errors = failed(r);
    expectCapped(errors, lines - 1);
    expect(errors[0].text).toBe('lab.yaml:6: YAML syntax error: Map keys must be unique');
    expect(ms).toBeLessThan(2000);
  });

  it('thousands of YAML syntax errors are capped', () => {
    const { text } = fill(() => '\tx: 1');
    const errors = failed(timed(text).r);
    expect(errors).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(errors[0].text).toMatch(/^lab\.yaml:5: YAML syntax error: /);
    expect(errors.at(-1)!.message).toMatch(/^and \d+ more problems$/);
  });

  it('refuses text over the size limit, naming it (in bytes, as a file on disk)', () => {
    expect(MAX_LAB_TEXT_BYTES).toBe(256 * 1024);
    const big = `${HEAD}#${'x'.repeat(MAX_LAB_TEXT_BYTES)}\n`;
    expect(failed(parseLabText(big, 'big.lab.yaml')).map((e) => e.text)).toEqual(['big.lab.yaml:1: the file is 262233 bytes; a lab file may be at most 262144 bytes (256 KiB)']);
    // 150,000 'é' are fewer characters than the limit but 300,000 bytes
    const wide = `${HEAD}# ${'é'.repeat(150_000)}\n`;
    expect(wide.length).toBeLessThan(MAX_LAB_TEXT_BYTES);
    expect(failed(parseLabText(wide))[0].message).toBe('the file is 300090 bytes; a lab file may be at most 262144 bytes (256 KiB)');
    // exactly at the limit: read and validated
    const atLimit = HEAD + '#'.repeat(MAX_LAB_TEXT_BYTES - Buffer.byteLength(HEAD) - 1) + '\n';
    expect(Buffer.byteLength(atLimit)).toBe(MAX_LAB_TEXT_BYTES);
    expect(parseLabText(atLimit).ok).toBe(true);
  });

  it('lab.validate and lab.up refuse text over the limit before anything runs', () => {
    const input = labMethods['lab.validate'].input;
    const wide = { text: `${HEAD}# ${'é'.repeat(150_000)}\n` };
    const r = input.safeParse(wide);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['text', 'text is 300090 bytes; a lab file may be at most 262144 bytes (256 KiB)']]);
    expect(labMethods['lab.up'].input.safeParse({ text: 'x'.repeat(MAX_LAB_TEXT_BYTES + 1) }).error?.issues[0].message).toBe('text is 262145 bytes; a lab file may be at most 262144 bytes (256 KiB)');
    expect(input.safeParse({ text: HEAD }).success).toBe(true);
  });

  it.each([
    ['a flow sequence', (n: number) => `${HEAD}tags: ${'['.repeat(n)}${']'.repeat(n)}\n`, 5],
    ['flow mappings', (n: number) => `${HEAD}network: ${'{b: '.repeat(n)}1${'}'.repeat(n)}\n`, 5],
    ['compact block sequences', (n: number) => `${HEAD}tags:\n  ${'- '.repeat(n)}x\n`, 6],
    ['unclosed brackets filling the size limit', (n: number) => `${HEAD}tags: ${'['.repeat(MAX_LAB_TEXT_BYTES - HEAD.length - 20 + 0 * n)}\n`, 5],
  ])('%s 10,000 levels deep: a clean error naming the limit and the line, no stack overflow', (_what, make, line) => {
    const { r, ms } = timed(make(10_000));
    expect(failed(r).map((e) => e.text)).toEqual([`lab.yaml:${line}: nesting deeper than ${MAX_LAB_DEPTH} levels at line ${line}`]);
    expect(ms).toBeLessThan(2000);
  });

  it('nesting up to the limit is read as usual', () => {
    // The root mapping is level 1, so MAX_LAB_DEPTH - 1 brackets reach the limit exactly.
    const n = MAX_LAB_DEPTH - 1;
    expect(failed(parseLabText(`${HEAD}tags: ${'['.repeat(n)}${']'.repeat(n)}\n`)).map((e) => e.text)).toEqual(['lab.yaml:5: tags[0]: must be text']);
    expect(failed(parseLabText(`${HEAD}tags: ${'['.repeat(n + 1)}${']'.repeat(n + 1)}\n`))[0].message).toBe(`nesting deeper than ${MAX_LAB_DEPTH} levels at line 5`);
  });

  it('a billion-laughs alias bomb: a clean error naming the alias limit, quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const { r, ms } = timed(`${HEAD}${levels.join('\n')}\n`);
    expect(failed(r).map((e) => e.text)).toEqual(['lab.yaml:6: YAML aliases expand too much: a lab file may use at most 50 alias expansions']);
    expect(ms).toBeLessThan(2000);
  });

  it('aliases that stack nesting beyond the limit: a clean error, no stack overflow', () => {
    // Each anchor nests the previous one MAX_LAB_DEPTH - 2 levels deeper: every line is within
    // the limit, the value aliases build is not.
    const wrap = (inner: string): string => `${'['.repeat(MAX_LAB_DEPTH - 2)}${inner}${']'.repeat(MAX_LAB_DEPTH - 2)}`;
    const lines = ['x0: &x0 1'];
    for (let i = 1; i < 40; i++) lines.push(`x${i}: &x${i} ${wrap(`*x${i - 1}`)}`);
    const errors = failed(parseLabText(`${HEAD}${lines.join('\n')}\n`));
    expect(errors.map((e) => e.text)).toEqual([`lab.yaml:7: nesting deeper than ${MAX_LAB_DEPTH} levels at line 7 (through YAML aliases)`]);
  });

  it('brackets inside comments, quoted and block scalars are text, not nesting', () => {
    const deep = '['.repeat(MAX_LAB_DEPTH * 2);
    const text = `# ${deep}\nname: web\nbase: { image: "/b${deep}.qcow2" }\nmachines:\n  - name: a\n    memoryMiB: 64\n    vcpus: 1\n    cloudInit: |\n      #cloud-config\n      ${deep}\n`;
    const r = parseLabText(text);
    expect(r.ok && r.lab.machines[0].cloudInit).toBe(`#cloud-config\n${deep}\n`);
  });

  it('a second YAML document is a clear error on its line', () => {
    expect(failed(parseLabText(`${HEAD}---\nname: other\n`)).map((e) => e.text)).toEqual(['lab.yaml:5: YAML syntax error: a lab file is one YAML document; this one has another after ---']);
  });

  it('legitimate aliases still work', () => {
    const text = 'name: web\nbase: { image: /b.qcow2 }\nmachines:\n  - name: a\n    memoryMiB: &mem 256\n    vcpus: 1\n  - name: b\n    memoryMiB: *mem\n    vcpus: 1\n';
    const r = parseLabText(text);
    expect(r.ok && r.lab.machines.map((m) => m.memoryMiB)).toEqual([256, 256]);
  });
});
