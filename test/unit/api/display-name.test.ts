// Names shown to users refuse invisible characters (display-name.ts), with a message that names
// the code point: VM specs, pools, volumes, networks, clones, snapshots, labs and lab files.
import { describe, expect, it } from 'vitest';
import { validateInput } from '../../../src-main/contract';
import { ApiError, parseInput } from '../../../src-main/contract';
import { parseLabText } from '../../../src-main/labs/lab-file';
import { displayNameProblem, firstInvisible } from '../../../src-main/contract/display-name';

const RLO = '\u202e';
const spec = (name: string) => ({ spec: { name, memoryMiB: 256, vcpus: 1, source: { kind: 'none' }, storage: { kind: 'none' }, network: { kind: 'none' } } });

describe('display names', () => {
  it('vm.create refuses a name with U+202E, naming the code point', () => {
    const r = validateInput('vm.create', spec(`invoice${RLO}fdp.exe`));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe('spec.name');
    expect(r.message).toMatch(/U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/);
    expect(r.message).toMatch(/position 8/);
  });

  it('refuses every bidi override, isolate and mark, and other control and format characters', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0xfeff, 0x00ad, 0x0007, 0x009b, 0x2028]) {
      const label = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      const r = validateInput('vm.create', spec(`a${String.fromCodePoint(cp)}b`));
      expect(r.ok, label).toBe(false);
      if (!r.ok) expect(r.message, label).toContain(label);
    }
  });

  it('keeps names of any script, with spaces and punctuation', () => {
    for (const name of ['web-1', 'テスト VM', 'خادم الويب', 'שרת', 'Ünïcødé (copy)']) {
      expect(validateInput('vm.create', spec(name)).ok, name).toBe(true);
      expect(firstInvisible(name), name).toBeNull();
    }
  });

  it('applies to new pool, volume and network names, clones, snapshots and lab names (one rule)', () => {
    const bad = `x${RLO}y`;
    expect(validateInput('pool.define', { name: bad, path: '/srv/vm' })).toMatchObject({ ok: false, field: 'name' });
    expect(validateInput('volume.create', { pool: 'default', name: bad, sizeGiB: 1 })).toMatchObject({ ok: false, field: 'name' });
    expect(validateInput('network.create', { name: bad, mode: 'nat', ipv4: { address: '192.168.150.1', prefix: 24, dhcpStart: '192.168.150.100', dhcpEnd: '192.168.150.200' } })).toMatchObject({ ok: false, field: 'name' });
    for (const [method, input] of [
      ['vm.clone', { vm: { name: 'src' }, name: bad, mode: 'full' }],
      ['snapshot.create', { vm: { name: 'src' }, name: bad }],
      ['lab.status', { name: bad }],
    ] as const) {
      let err: ApiError | undefined;
      try {
        parseInput(method, input);
      } catch (e) {
        err = e as ApiError;
      }
      expect(err?.code, method).toBe('INVALID_INPUT');
      expect(err?.message, method).toMatch(/U\+202E/);
    }
  });

  it('lab files: a machine name, lab name or tag with U+202E is refused on its line', () => {
    const lab = (name: string, machine: string, tag: string) =>
      [`name: ${name}`, 'base: { image: /var/lib/libvirt/images/base.qcow2 }', 'machines:', `  - name: ${machine}`, '    memoryMiB: 256', '    vcpus: 1', `tags: [${JSON.stringify(tag)}]`, ''].join('\n');
    const texts = (r: ReturnType<typeof parseLabText>) => (r.ok ? [] : r.errors.map((e) => e.text));
    expect(parseLabText(lab('web', 'node', 'ci'), 't.lab.yaml').ok).toBe(true);
    expect(texts(parseLabText(lab('web', `no${RLO}de`, 'ci'), 't.lab.yaml'))).toEqual([`t.lab.yaml:4: machines[0].name: contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) at position 3: it can make the name look like another; remove it`]);
    expect(texts(parseLabText(lab(`w${RLO}eb`, 'node', 'ci'), 't.lab.yaml'))[0]).toMatch(/^t\.lab\.yaml:1: name: contains the invisible character U\+202E/);
    expect(texts(parseLabText(lab('web', 'node', `c\u200fi`), 't.lab.yaml'))[0]).toMatch(/^t\.lab\.yaml:7: tags\[0\]: contains the invisible character U\+200F \(RIGHT-TO-LEFT MARK\)/);
  });

  it('displayNameProblem names the subject, or none', () => {
    expect(displayNameProblem('ok', 'name')).toBeNull();
    expect(displayNameProblem(`a${RLO}`, 'name')).toMatch(/^name contains the invisible character U\+202E/);
    expect(displayNameProblem(`a${RLO}`, '')).toMatch(/^contains /);
  });
});
