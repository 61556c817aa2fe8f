// Lab containers' XML: the lab network's bridge joined directly (no private loopback-only
// namespace), the lab metadata readable like a lab VM's, user strings escaped; and the
// lab file's container entries as container specs.
import { describe, expect, it } from 'vitest';
import { buildContainerXml } from '../../../src-main/containers/build-container';
import { labContainerSpec } from '../../../src-main/labs/lab-containers';
import { parseLabText } from '../../../src-main/labs/lab-file';
import { readVirtdeskMeta, metadataEntry } from '../../../src-main/xml/virtdesk-meta';

const LAB = `name: mix
machines:
  - { kind: container, name: app, memoryMiB: 64, command: /bin/busybox, args: [sh, "a<b&c"] }
  - { kind: container, name: sys, memoryMiB: 128, root: /srv/ct, count: 2 }
`;

describe('lab containers', () => {
  it('a lab of containers only needs no base; each entry becomes an application or system container spec', () => {
    const r = parseLabText(LAB);
    if (!r.ok) throw new Error(r.errors.map((e) => e.text).join('\n'));
    expect(r.vms).toEqual([]);
    expect(r.containers.map((c) => c.name)).toEqual(['mix-app', 'mix-sys-1', 'mix-sys-2']);
    expect(labContainerSpec(r.containers[0])).toMatchObject({ kind: 'application', name: 'mix-app', command: '/bin/busybox', args: ['sh', 'a<b&c'], memoryMiB: 64, vcpus: 1 });
    expect(labContainerSpec(r.containers[1])).toMatchObject({ kind: 'system', rootfs: { kind: 'folder', folder: '/srv/ct' }, init: '/sbin/init' });
  });

  it('joins the bridge, keeps the lab metadata and escapes user strings', () => {
    const r = parseLabText(LAB);
    if (!r.ok) throw new Error('invalid');
    const meta = metadataEntry({ template: false, lab: { name: 'mix', machine: 'app', instance: 'app', network: 'vdlab-mix' }, tags: ['x<y'], disks: [] });
    const xml = buildContainerXml(labContainerSpec(r.containers[0]), { bridge: 'virbr7', metadata: meta });
    expect(xml).toMatch(/<interface type="bridge">\s*<source bridge="virbr7"\/>\s*<\/interface>/);
    expect(xml).not.toContain('privnet');
    expect(xml).toContain('a&lt;b&amp;c');
    expect(readVirtdeskMeta(xml)).toMatchObject({ lab: { name: 'mix', machine: 'app', instance: 'app', network: 'vdlab-mix' }, tags: ['x<y'] });
    // Without a lab network: its own namespace with loopback only.
    expect(buildContainerXml(labContainerSpec(r.containers[0]))).toContain('privnet');
  });
});
