// The source step with fs.qemuAccess's answer: when folders keep QEMU's user out, the step
// warns in the UI's language (the panel offers the fixes) instead of repeating the server's
// English warning; once QEMU can read the file, no warning is left.
import { describe, expect, it } from 'vitest';
import type { QemuAccessReport } from '../../../src-main/contract';
import { checkStep, initialData, isQemuAccessText, type WizardContext } from '../../../src-renderer/wizard/wizard-logic';

const ISO = '/root/isos/rescue.iso';
const SERVER_WARNING = `file '${ISO}' is inside '/root', which other users cannot enter; QEMU (user libvirt-qemu) will fail with "Permission denied" — let QEMU's user in, or move it to /var/lib/libvirt/images or a storage pool folder`;
const report = (over: Partial<QemuAccessReport> = {}): QemuAccessReport => ({
  connection: 'qemu:///system',
  path: ISO,
  applies: true,
  user: { name: 'libvirt-qemu', uid: 64055 },
  readable: false,
  blockers: [
    { path: '/root', kind: 'folder', need: 'enter', uid: 0, gid: 0, mode: 'drwx------' },
    { path: '/root/isos', kind: 'folder', need: 'enter', uid: 0, gid: 0, mode: 'drwx------' },
  ],
  changes: [],
  grantRefusal: null,
  ...over,
});
const ctx = (over: Partial<WizardContext>): WizardContext => ({ options: null, existingNames: [], fileChecks: { [ISO]: { error: null, warnings: [SERVER_WARNING, 'something else about the file'] } }, ...over });
const d = { ...initialData(), isoPath: ISO };

describe('QEMU access at the source step', () => {
  it('folders keep QEMU out: one translated warning replaces the server\'s English one; other warnings stay', () => {
    const c = checkStep('source', d, ctx({ qemuAccess: { [ISO]: report() } }));
    expect(c.problem).toBeNull();
    expect(c.warnings.map((w) => w.key)).toEqual(['check.fileWarning', 'wizard.qemu.blocked']);
    expect(c.warnings[1]).toMatchObject({ input: 'isoPath', params: { user: 'libvirt-qemu', count: 2 } });
  });

  it('only the file is unreadable: a milder warning', () => {
    const c = checkStep('source', d, ctx({ qemuAccess: { [ISO]: report({ blockers: [{ path: ISO, kind: 'file', need: 'read', uid: 0, gid: 0, mode: '-rw-------' }] }) } }));
    expect(c.warnings.map((w) => w.key)).toContain('wizard.qemu.fileOnly');
  });

  it('after a fix (readable), or where the check does not apply, no QEMU warning of the panel', () => {
    for (const r of [report({ readable: true, blockers: [] }), report({ applies: false, readable: true, blockers: [] })]) {
      const c = checkStep('source', d, ctx({ qemuAccess: { [ISO]: r }, fileChecks: { [ISO]: { error: null, warnings: [] } } }));
      expect(c.warnings).toEqual([]);
    }
    // Without an access report (e.g. still loading) the server's warning shows as before.
    expect(checkStep('source', d, ctx({})).warnings.map((w) => w.params?.warning)).toContain(SERVER_WARNING);
  });

  it('recognizes the server\'s QEMU warning', () => {
    expect(isQemuAccessText(SERVER_WARNING)).toBe(true);
    expect(isQemuAccessText('software emulation (qemu) is much slower')).toBe(false);
  });
});
