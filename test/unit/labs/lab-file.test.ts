// Lab files: schema, defaults, count expansion, and every problem placed on its line.
import { describe, expect, it } from 'vitest';
import { expandLab, instanceNames, labNetworkUuid, parseLabText, type LabParse } from '../../../src-main/labs/lab-file';
import { pickSubnet } from '../../../src-main/labs/labs';

const GOOD = `# a lab
name: web
base:
  image: /var/lib/libvirt/images/base.qcow2
machines:
  - name: node
    memoryMiB: 256
    vcpus: 1
    count: 3
    boot:
      kernel: /var/lib/libvirt/images/k/vmlinuz
      initrd: /var/lib/libvirt/images/k/initrd.gz
      cmdline: console=ttyS0
  - name: db
    memoryMiB: 512
    vcpus: 2
tags: [ci, demo]
`;

function errors(r: LabParse): string[] {
  if (r.ok) throw new Error(`expected errors, got a valid lab ${JSON.stringify(r.vms.map((v) => v.name))}`);
  return r.errors.map((e) => e.text);
}

/** GOOD with line `n` (1-based) replaced. */
function withLine(n: number, line: string, text = GOOD): string {
  const lines = text.split('\n');
  lines[n - 1] = line;
  return lines.join('\n');
}

describe('lab file parsing', () => {
  it('reads a valid file: count expands to <name>-1..n, count 1 keeps the name, defaults apply', () => {
    const r = parseLabText(GOOD, 'web.lab.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.vms.map((v) => v.name)).toEqual(['web-node-1', 'web-node-2', 'web-node-3', 'web-db']);
    expect(r.vms.map((v) => v.instance)).toEqual(['node-1', 'node-2', 'node-3', 'db']);
    expect(r.lab.network).toEqual({ mode: 'isolated' });
    expect(r.lab.tags).toEqual(['ci', 'demo']);
    expect(r.lab.machines[1].count).toBe(1);
    expect(r.lab.machines[0].boot).toEqual({ kernel: '/var/lib/libvirt/images/k/vmlinuz', initrd: '/var/lib/libvirt/images/k/initrd.gz', cmdline: 'console=ttyS0' });
    expect(r.warnings).toEqual([]);
    expect(expandLab(r.lab)).toHaveLength(4);
    expect(instanceNames({ name: 'x', count: 2 })).toEqual(['x-1', 'x-2']);
  });

  it("accepts network: none (user-mode networking) and a given subnet", () => {
    const none = parseLabText(`${GOOD}network: none\n`);
    expect(none.ok && none.lab.network).toBe(null);
    const given = parseLabText(`${GOOD}network:\n  mode: nat\n  ipv4: { address: 10.77.0.1, prefix: 24, dhcpStart: 10.77.0.100, dhcpEnd: 10.77.0.200 }\n`);
    expect(given.ok && given.lab.network).toEqual({ mode: 'nat', ipv4: { address: '10.77.0.1', prefix: 24, dhcpStart: '10.77.0.100', dhcpEnd: '10.77.0.200' } });
  });

  it('places count 0 and 10,000 on the line of count', () => {
    expect(errors(parseLabText(withLine(9, '    count: 0'), 'lab.yaml'))).toEqual(['lab.yaml:9: machines[0].count: must be between 1 and 50']);
    expect(errors(parseLabText(withLine(9, '    count: 10000'), 'lab.yaml'))).toEqual(['lab.yaml:9: machines[0].count: must be between 1 and 50']);
    expect(errors(parseLabText(withLine(9, '    count: 2.5')))).toEqual(['lab.yaml:9: machines[0].count: must be a whole number between 1 and 50']);
    expect(errors(parseLabText(withLine(9, '    count: three')))).toEqual(['lab.yaml:9: machines[0].count: must be a number']);
  });

  it('finds duplicate machine names after count expands them', () => {
    const text = GOOD.replace('  - name: db', '  - name: node-2');
    expect(errors(parseLabText(text, 'dup.lab.yaml'))).toEqual([
      "dup.lab.yaml:14: machines[1].name: 'node-2' is also a machine of machines[0]: 'node' with count 3 makes node-1, node-2, node-3 — names must stay unique after count expands them",
    ]);
    const twice = GOOD.replace('  - name: db', '  - name: node');
    expect(errors(parseLabText(twice))).toEqual(["lab.yaml:14: machines[1].name: machines[0] is already named 'node' — use count for several machines of one kind"]);
  });

  it('reports YAML syntax errors with their line', () => {
    const bad = errors(parseLabText('name: web\nmachines: [\n  - a: b\n', 'lab.yaml'));
    expect(bad[0]).toMatch(/^lab\.yaml:\d+: YAML syntax error: /);
    expect(errors(parseLabText('name: web\nname: again\n'))).toEqual(['lab.yaml:2: YAML syntax error: Map keys must be unique']);
    expect(errors(parseLabText('name: web\n\tbase: x\n'))[0]).toMatch(/^lab\.yaml:2: YAML syntax error: Tabs are not allowed/);
  });

  it('names unknown fields, missing fields and wrong shapes on their lines', () => {
    expect(errors(parseLabText(withLine(8, '    cpus: 1')))).toEqual(['lab.yaml:6: machines[0].vcpus: is missing', 'lab.yaml:8: machines[0].cpus: unknown field']);
    expect(errors(parseLabText(`${GOOD}colour: blue\n`))).toEqual(['lab.yaml:18: colour: unknown field']);
    expect(errors(parseLabText(withLine(4, '  image: relative/base.qcow2')))).toEqual(['lab.yaml:4: base.image: must be an absolute path (starting with /)']);
    expect(errors(parseLabText(withLine(4, '  vm: tmpl\n  image: /x.qcow2')))).toEqual(['lab.yaml:3: base: give vm or image, not both']);
    expect(errors(parseLabText(withLine(2, 'name: web lab')))).toEqual(['lab.yaml:2: name: must be 1–24 letters, digits, - or _ (starting with a letter or digit)']);
    expect(errors(parseLabText(withLine(7, '    memoryMiB: 16')))).toEqual(['lab.yaml:7: machines[0].memoryMiB: must be between 64 and 1048576 MiB']);
    expect(errors(parseLabText('- a\n- b\n'))).toEqual(['lab.yaml:1: must be a YAML mapping with name, base and machines']);
    expect(errors(parseLabText(''))).toEqual(['lab.yaml:1: must be a YAML mapping with name, base and machines']);
    expect(errors(parseLabText(`${GOOD}network: bridged\n`))).toEqual(["lab.yaml:18: network: must be 'none' or a mapping with mode (isolated, nat) and ipv4"]);
    expect(errors(parseLabText(withLine(17, 'tags: [ci, ci]')))).toEqual(["lab.yaml:17: tags[1]: tag 'ci' is listed twice"]);
  });

  it('checks the subnet of a given network', () => {
    const net = `${GOOD}network:\n  ipv4:\n    address: 10.1.0.0\n    prefix: 24\n    dhcpStart: 10.1.1.10\n    dhcpEnd: 10.1.0.5\n`;
    expect(errors(parseLabText(net))).toEqual([
      'lab.yaml:20: network.ipv4.address: 10.1.0.0 is the network or broadcast address of /24',
      'lab.yaml:22: network.ipv4.dhcpStart: 10.1.1.10 is not in the subnet of 10.1.0.0/24',
      'lab.yaml:23: network.ipv4.dhcpEnd: must be higher than dhcpStart 10.1.1.10',
    ]);
  });

  it('refuses labs of more than 100 VMs, and accepts cloud-init user-data as is', () => {
    const big = `name: big\nbase: { image: /b.qcow2 }\nmachines:\n${['a', 'b', 'c'].map((n) => `  - { name: ${n}, memoryMiB: 64, vcpus: 1, count: 40 }`).join('\n')}\n`;
    expect(errors(parseLabText(big))).toEqual(['lab.yaml:3: machines: the machines add up to 120 VMs; a lab has at most 100']);
    const ci = parseLabText(withLine(15, '    memoryMiB: 512\n    cloudInit: "#cloud-config\\npackages: [nginx]\\n"'));
    expect(ci.ok).toBe(true);
    if (ci.ok) {
      expect(ci.warnings).toEqual([]);
      expect(ci.lab.machines[1].cloudInit).toBe('#cloud-config\npackages: [nginx]\n');
    }
  });

  it('places later problems (host checks) on the line of the field', () => {
    const r = parseLabText(GOOD, 'x.lab.yaml');
    if (!r.ok) throw new Error('expected a valid lab');
    expect(r.issueAt(['base', 'image'], "base image '/…' does not exist").text).toBe("x.lab.yaml:4: base.image: base image '/…' does not exist");
    expect(r.issueAt(['machines', 1, 'name'], 'taken').text).toBe('x.lab.yaml:14: machines[1].name: taken');
    // An absent key: the line of the mapping that would hold it (here the file's first key).
    expect(r.issueAt(['network'], 'no network key').text).toBe('x.lab.yaml:2: network: no network key');
  });

  it('derives a stable v5-style network UUID per lab name', () => {
    expect(labNetworkUuid('web')).toBe(labNetworkUuid('web'));
    expect(labNetworkUuid('web')).not.toBe(labNetworkUuid('web2'));
    expect(labNetworkUuid('web')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('picks a free 10.x.y.0/24 for the default network, stable per lab name', () => {
    const a = pickSubnet('web', []);
    expect(a).toMatchObject({ prefix: 24 });
    expect(a!.address).toMatch(/^10\.\d+\.\d+\.1$/);
    expect(pickSubnet('web', [])).toEqual(a);
    const b = pickSubnet('web', [{ address: a!.address, prefix: 24 }])!;
    expect(b.address).not.toBe(a!.address);
    expect(pickSubnet('web', [{ address: '10.0.0.1', prefix: 8 }])).toBeNull();
  });
});
