// Pure logic of the testing-labs UI: snapshot tree and form rules, clone and template checks,
// the lab editor's helpers, lab-down plans, the VM list's lab / tag filters and the #/labs route.
import { describe, expect, it } from 'vitest';
import { LAB_NAME_RE as CONTRACT_LAB_NAME_RE, SNAPSHOT_NAME_RE as CONTRACT_SNAPSHOT_NAME_RE, type LabStatus, type SnapshotCapabilities, type SnapshotInfo } from '../../../src-main/contract';
import { parseLabText } from '../../../src-main/labs/lab-file';
import {
  LAB_NAME_RE,
  LAB_TEMPLATE,
  SNAPSHOT_NAME_RE,
  checkSnapshotName,
  cloneBlock,
  formatMs,
  issueLines,
  labDownPlan,
  labFileNameOf,
  labNameOfText,
  lineCount,
  lineOffset,
  liveState,
  needsTemplateWarning,
  progressPercent,
  snapshotActionBlock,
  snapshotForm,
  snapshotRows,
  suggestCloneName,
  suggestSnapshotName,
} from '../../../src-renderer/labs/lab-logic';
import { en, ja } from '../../../src-renderer/i18n';
import { parseRoute, routeToHash } from '../../../src-renderer/app/route';
import { NO_LAB, filterVms, labNames, tagNames } from '../../../src-renderer/vm/vm-logic';
import { vmSummary } from '../../support/vm-summary';

function snap(name: string, parent: string | null, over: Partial<SnapshotInfo> = {}): SnapshotInfo {
  return { name, description: null, createdAt: '2024-01-01T00:00:00.000Z', state: 'shutoff', hasMemory: false, current: false, parent, children: [], external: false, ...over };
}

const CAPS: SnapshotCapabilities = { internal: true, external: true, externalRevert: false, reasons: [], libVersion: '9.0.0' };

describe('the renderer repeats the contract rules exactly', () => {
  it('snapshot and lab name patterns', () => {
    expect(SNAPSHOT_NAME_RE.source).toBe(CONTRACT_SNAPSHOT_NAME_RE.source);
    expect(LAB_NAME_RE.source).toBe(CONTRACT_LAB_NAME_RE.source);
  });
});

describe('snapshot tree', () => {
  it('orders parents before children with their depth', () => {
    // libvirt order is parents first, but the rows must not depend on it.
    const list = [snap('c1', 'b'), snap('a', null), snap('b', 'a'), snap('b2', 'a'), snap('other-root', null)];
    expect(snapshotRows(list).map((r) => [r.snap.name, r.depth])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c1', 2],
      ['b2', 1],
      ['other-root', 0],
    ]);
  });
  it('treats snapshots whose parent is missing as roots, and survives cycles', () => {
    expect(snapshotRows([snap('x', 'gone'), snap('y', 'x')]).map((r) => [r.snap.name, r.depth])).toEqual([
      ['x', 0],
      ['y', 1],
    ]);
    const rows = snapshotRows([snap('p', 'q'), snap('q', 'p'), snap('self', 'self')]);
    expect(rows.map((r) => r.snap.name).sort()).toEqual(['p', 'q', 'self']);
    expect(snapshotRows([])).toEqual([]);
  });
});

describe('snapshot names', () => {
  it('checks names like the contract, and duplicates', () => {
    expect(checkSnapshotName('', [])?.key).toBe('snap.nameRequired');
    expect(checkSnapshotName('-bad', [])?.key).toBe('snap.nameRule');
    expect(checkSnapshotName('has space', [])?.key).toBe('snap.nameRule');
    expect(checkSnapshotName('a'.repeat(65), [])?.key).toBe('snap.nameRule');
    expect(checkSnapshotName('clean', ['clean'])).toEqual({ key: 'snap.nameTaken', params: { name: 'clean' } });
    expect(checkSnapshotName('v1.0_before-upgrade', ['clean'])).toBeNull();
  });
  it('suggests a free name', () => {
    expect(suggestSnapshotName([])).toBe('snap-1');
    expect(suggestSnapshotName(['snap-1', 'snap-2'])).toBe('snap-3');
  });
});

describe('snapshot form', () => {
  it('shut-off VM: internal by default, no memory option', () => {
    const f = snapshotForm(CAPS, 'shutoff', false, true);
    expect(f).toMatchObject({ external: false, kindChoosable: true, kindReason: null, blocked: null });
    expect(f.memory.shown).toBe(false);
  });
  it('running VM: an internal snapshot always has memory; an external one lets the user choose', () => {
    expect(snapshotForm(CAPS, 'running', false, false).memory).toEqual({ shown: true, checked: true, locked: true, reason: { key: 'snap.memoryInternal' } });
    expect(snapshotForm(CAPS, 'running', true, false).memory).toMatchObject({ shown: true, checked: false, locked: false });
    expect(snapshotForm(CAPS, 'paused', true, true).memory).toMatchObject({ shown: true, checked: true, locked: false });
  });
  it('forces external when internal is impossible (UEFI, raw disks), internal when external is', () => {
    const uefi = { ...CAPS, internal: false };
    expect(snapshotForm(uefi, 'shutoff', false, true)).toMatchObject({ external: true, kindChoosable: false, kindReason: { key: 'snap.externalOnly' } });
    const network = { ...CAPS, external: false };
    expect(snapshotForm(network, 'shutoff', true, true)).toMatchObject({ external: false, kindChoosable: false, kindReason: { key: 'snap.internalOnly' } });
  });
  it('blocks when neither kind is possible', () => {
    expect(snapshotForm({ ...CAPS, internal: false, external: false }, 'running', false, true).blocked).toEqual({ key: 'snap.noneAllowed' });
  });
  it('refuses revert / delete of external snapshots before libvirt 9.9', () => {
    expect(snapshotActionBlock({ external: true }, CAPS)).toEqual({ key: 'snap.externalRevertBlocked', params: { version: '9.0.0' } });
    expect(snapshotActionBlock({ external: true }, { ...CAPS, externalRevert: true, libVersion: '10.0.0' })).toBeNull();
    expect(snapshotActionBlock({ external: false }, CAPS)).toBeNull();
    expect(snapshotActionBlock({ external: true }, null)).toBeNull();
  });
});

describe('clones and templates', () => {
  it('refuses to clone anything but a shut-off VM, with the reason', () => {
    expect(cloneBlock({ name: 'web', state: 'shutoff' })).toBeNull();
    for (const state of ['running', 'paused', 'pmsuspended', 'crashed'] as const) {
      expect(cloneBlock({ name: 'web', state })).toEqual({ key: 'clone.notShutOff', params: { name: 'web' } });
    }
  });
  it('suggests a free clone name', () => {
    expect(suggestCloneName('web', ['web'])).toBe('web-clone');
    expect(suggestCloneName('web', ['web', 'web-clone', 'web-clone-2'])).toBe('web-clone-3');
  });
  it('computes progress', () => {
    expect(progressPercent(0, 0)).toBeNull();
    expect(progressPercent(5, 10)).toBe(50);
    expect(progressPercent(999, 1000)).toBe(99);
    expect(progressPercent(20, 10)).toBe(100);
  });
  it('warns only for templates with linked clones', () => {
    expect(needsTemplateWarning({ template: true, linkedClones: ['a'] })).toBe(true);
    expect(needsTemplateWarning({ template: false, linkedClones: ['a'] })).toBe(true);
    expect(needsTemplateWarning({ template: true, linkedClones: [] })).toBe(false);
    expect(needsTemplateWarning(null)).toBe(false);
  });
});

describe('lab editor helpers', () => {
  it('lines and offsets', () => {
    expect(lineCount('')).toBe(1);
    expect(lineCount('a\nb\n')).toBe(3);
    const text = 'one\ntwo\nthree';
    expect(lineOffset(text, 1)).toBe(0);
    expect(lineOffset(text, 2)).toBe(4);
    expect(text.slice(lineOffset(text, 3))).toBe('three');
    expect(lineOffset(text, 99)).toBe(text.length);
    expect([...issueLines([{ line: 7 }, { line: null }, { line: 7 }, { line: 2 }])].sort()).toEqual([2, 7]);
  });
  it('names the file after the lab', () => {
    expect(labNameOfText('# x\nname: web-lab # comment\nbase: {}')).toBe('web-lab');
    expect(labNameOfText('name: "quoted"')).toBe('quoted');
    expect(labNameOfText('  name: nested')).toBeNull();
    expect(labFileNameOf('name: web')).toBe('web.lab.yaml');
    expect(labFileNameOf('machines: []')).toBe('lab.yaml');
  });
  it('starts from a template the real parser accepts (apart from the base file)', () => {
    const r = parseLabText(LAB_TEMPLATE, 'demo.lab.yaml');
    if (!r.ok) throw new Error(r.errors.map((e) => e.text).join('\n'));
    expect(r.lab.name).toBe('demo');
    expect(r.vms.map((v) => v.name)).toEqual(['demo-node-1', 'demo-node-2']);
  });
  it('plans lab down from the status: VMs, overlays, network; keeps the base', () => {
    const status: Pick<LabStatus, 'machines' | 'network' | 'base'> = {
      machines: [
        { name: 'l-a', machine: 'a', instance: 'a', uuid: 'u1', state: 'running', overlays: ['/p/l-a-vda.qcow2'] },
        { name: 'l-b', machine: 'b', instance: 'b', uuid: 'u2', state: 'shutoff', overlays: ['/p/l-b-vda.qcow2', '/p/l-b-vdb.qcow2'] },
      ],
      network: { name: 'vdlab-l', active: true, subnet: '10.1.2.1/24', dhcp: true },
      base: ['/base.qcow2'],
    };
    expect(labDownPlan(status)).toEqual({ vms: ['l-a', 'l-b'], overlays: ['/p/l-a-vda.qcow2', '/p/l-b-vda.qcow2', '/p/l-b-vdb.qcow2'], network: 'vdlab-l', seeds: [], seedsKnown: false, bases: ['/base.qcow2'] });
    expect(labDownPlan({ machines: [], network: null, base: [] })).toEqual({ vms: [], overlays: [], network: null, seeds: [], seedsKnown: false, bases: [] });
  });
  it('prefers the live state from the VM list', () => {
    expect(liveState({ uuid: 'u1', state: 'running' }, [{ uuid: 'u1', state: 'shutoff' }])).toBe('shutoff');
    expect(liveState({ uuid: 'u1', state: 'running' }, [])).toBe('running');
  });
  it('formats durations', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(14_230)).toBe('14.2 s');
  });
});

describe('VM list: lab and tag filters', () => {
  const vm = vmSummary;
  const list = [
    vm('web-node-1', { lab: 'web', tags: ['demo', 'ci'], state: 'running' }),
    vm('web-node-2', { lab: 'web', tags: ['demo', 'ci'] }),
    vm('db-1', { lab: 'db', tags: ['ci'] }),
    vm('desktop'),
  ];
  it('filters by lab, by "no lab", by tag, and combines with search and state', () => {
    expect(filterVms(list, '', 'all', { lab: 'web' }).map((v) => v.name)).toEqual(['web-node-1', 'web-node-2']);
    expect(filterVms(list, '', 'all', { lab: NO_LAB }).map((v) => v.name)).toEqual(['desktop']);
    expect(filterVms(list, '', 'all', { tag: 'ci' }).map((v) => v.name)).toEqual(['web-node-1', 'web-node-2', 'db-1']);
    expect(filterVms(list, '', 'all', { tag: 'demo', lab: 'db' })).toEqual([]);
    expect(filterVms(list, '2', 'all', { lab: 'web' }).map((v) => v.name)).toEqual(['web-node-2']);
    expect(filterVms(list, '', 'running', { tag: 'ci' }).map((v) => v.name)).toEqual(['web-node-1']);
    expect(filterVms(list, '', 'all', { lab: '', tag: '' })).toHaveLength(4);
    expect(filterVms(list, '', 'all')).toHaveLength(4);
  });
  it('lists the labs and tags present', () => {
    expect(labNames(list)).toEqual(['db', 'web']);
    expect(tagNames(list)).toEqual(['ci', 'demo']);
    expect(labNames([])).toEqual([]);
  });
  it('NO_LAB can never be a lab name', () => {
    expect(LAB_NAME_RE.test(NO_LAB)).toBe(false);
  });
});

describe('#/labs route', () => {
  it('parses and prints', () => {
    expect(parseRoute('#/labs')).toEqual({ name: 'labs' });
    expect(routeToHash({ name: 'labs' })).toBe('#/labs');
  });
});

describe('lab strings', () => {
  it('every template action and lab action has its text in both languages', () => {
    for (const a of ['start', 'delete', 'revert', 'snapshot', 'deleteSnapshot']) {
      expect(Object.keys(en)).toContain(`template.body.${a}`);
      expect(Object.keys(en)).toContain(`template.ok.${a}`);
      expect(Object.keys(ja)).toContain(`template.body.${a}`);
    }
    for (const a of ['start', 'stop', 'reset']) {
      expect(Object.keys(en)).toContain(`labs.busy.${a}`);
      expect(Object.keys(en)).toContain(`labs.done.${a}`);
    }
  });
});
