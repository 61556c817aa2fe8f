// docs/lab-files.md stays true: every YAML example in it is a valid lab file for the real schema,
// together they show every field, and host placement is refused as the page says.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabText } from '../../../src-main/labs/lab-file';

const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/lab-files.md'), 'utf8');
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/lab-files.md', () => {
  it('has examples, each a valid lab file', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const text of examples) {
      const r = parseLabText(text, 'example.lab.yaml');
      expect(r.ok ? [] : r.errors.map((e) => e.text), text).toEqual([]);
    }
  });

  it('the examples use every field of the schema', () => {
    const all = examples.join('\n');
    for (const field of ['image:', 'vm:', 'machines:', 'memoryMiB:', 'vcpus:', 'count:', 'machineType:', 'boot:', 'kernel:', 'initrd:', 'cmdline:', 'cloudInit:', 'network:', 'mode:', 'ipv4:', 'network: none', 'tags:']) {
      expect(all, field).toContain(field);
    }
  });

  it('host placement is not a field yet: reported as unknown', () => {
    const r = parseLabText(`${examples[0]}host: qemu+ssh://other/system\n`, 'x.lab.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].text).toContain('host: unknown field');
  });
});
