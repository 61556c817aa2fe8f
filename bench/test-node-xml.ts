// Writes a custom libvirt test-driver file (test:///<abs path>): a <node> with N domains
// inline, a mix of running, shut-off and paused ones (test:runstate), so a fresh connection to
// it has N domains without anyone defining them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TEST_NS = 'http://libvirt.org/schemas/domain/test/1.0';
const STATE = { running: 1, paused: 3, shutoff: 5 } as const;

export interface TestNodeFile {
  file: string;
  uri: string;
  domains: number;
  counts: Record<keyof typeof STATE, number>;
}

function uuidFor(i: number): string {
  const h = crypto.createHash('sha1').update(`virtdesk-bench-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Domain i: 6 of 10 running, 3 shut off, 1 paused. */
function stateOf(i: number): keyof typeof STATE {
  const k = i % 10;
  return k < 6 ? 'running' : k < 9 ? 'shutoff' : 'paused';
}

export function testNodeXml(n: number): { xml: string; counts: TestNodeFile['counts'] } {
  const counts = { running: 0, paused: 0, shutoff: 0 };
  const parts = [
    '<node>',
    '  <cpu><mhz>2400</mhz><model>x86_64</model><active>32</active><max>32</max><nodes>1</nodes><sockets>2</sockets><cores>8</cores><threads>2</threads></cpu>',
    '  <memory>134217728</memory>',
  ];
  for (let i = 0; i < n; i++) {
    const st = stateOf(i);
    counts[st]++;
    const name = `bench-${String(i).padStart(4, '0')}`;
    parts.push(
      `  <domain type='test' xmlns:test='${TEST_NS}'>`,
      `    <name>${name}</name><uuid>${uuidFor(i)}</uuid>`,
      `    <memory unit='KiB'>${262144 * (1 + (i % 4))}</memory><vcpu>${1 + (i % 4)}</vcpu>`,
      "    <os><type arch='x86_64'>hvm</type></os>",
      ...(st === 'running' ? [] : [`    <test:runstate>${STATE[st]}</test:runstate>`]),
      '  </domain>',
    );
  }
  parts.push('</node>', '');
  return { xml: parts.join('\n'), counts };
}

/** Writes the file into a fresh folder under os.tmpdir(); `remove()` deletes it. */
export function writeTestNode(n: number): TestNodeFile & { remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'virtdesk-bench-'));
  const file = path.join(dir, `node-${n}.xml`);
  const { xml, counts } = testNodeXml(n);
  fs.writeFileSync(file, xml);
  return { file, uri: `test://${file}`, domains: n, counts, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
