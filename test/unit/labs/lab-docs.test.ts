// docs/lab-files.md stays true: every YAML example in it is a valid lab file for the real schema,
// together they show every field, and host: takes only a connection URI the policy accepts.
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
    for (const field of ['image:', 'vm:', 'machines:', 'memoryMiB:', 'vcpus:', 'count:', 'machineType:', 'boot:', 'kernel:', 'initrd:', 'cmdline:', 'cloudInit:', 'network:', 'mode:', 'ipv4:', 'network: none', 'tags:', 'host:']) {
      expect(all, field).toContain(field);
    }
  });

  it('host placement: host: is a connection URI the URI policy accepts, else reported on its line', () => {
    const r = parseLabText(`${examples[0]}host: qemu+ssh://root@other/system\n`, 'x.lab.yaml');
    expect(r.ok && r.lab.host).toBe('qemu+ssh://root@other/system');
    const bad = parseLabText(`${examples[0]}host: qemu+ext:///system?command=/bin/sh\n`, 'x.lab.yaml');
    expect(bad.ok).toBe(false);
    const lines = examples[0].split('\n').length;
    if (!bad.ok) expect(bad.errors[0].text).toMatch(new RegExp(`^x\\.lab\\.yaml:${lines}: host: is not a connection Virtdesk opens: the 'ext' transport`));
  });
});
