// The delete dialog names each snapshot, the NVRAM file and a linked clone's template and base,
// and says what happens to each.
import { describe, expect, it } from 'vitest';
import type { DeletePlan } from '../../../src-main/contract';
import { translate } from '../../../src-renderer/i18n';
import { deletePlanNotes } from '../../../src-renderer/vm/delete-plan-notes';

const base: Pick<DeletePlan, 'snapshots' | 'nvram' | 'hasManagedSave' | 'linkedClone'> = { snapshots: [], nvram: null, hasManagedSave: false, linkedClone: null };
const text = (p: typeof base, lang: 'en' | 'ja' = 'en') => deletePlanNotes(p).map((n) => translate(lang, n.key, n.params));

describe('delete dialog notes', () => {
  it('says nothing extra for a plain VM', () => {
    expect(text(base)).toEqual([]);
  });

  it('names each snapshot and what happens to its data', () => {
    const lines = text({ ...base, snapshots: [{ name: 'pre-upgrade', kind: 'internal' }, { name: 'ext1', kind: 'external' }] });
    expect(lines[0]).toContain('pre-upgrade');
    expect(lines[0]).toMatch(/inside the qcow2 disk.*only if you delete that disk/);
    expect(lines[1]).toContain('ext1');
    expect(lines[1]).toMatch(/overlay files are the disks below/);
  });

  it('names the NVRAM file when known, and says it goes', () => {
    expect(text({ ...base, nvram: { path: '/var/lib/libvirt/qemu/nvram/w_VARS.fd' } })).toEqual(['Its UEFI variable store /var/lib/libvirt/qemu/nvram/w_VARS.fd is deleted.']);
    expect(text({ ...base, nvram: { path: null } })).toEqual(['Its UEFI variable store (NVRAM) is deleted.']);
  });

  it('a linked clone names its template and the base that is kept (in Japanese too)', () => {
    const linkedClone = { template: { uuid: 'u', name: 'golden', exists: true }, overlays: [{ target: 'vda', overlay: '/p/c-vda.qcow2', base: '/p/golden.qcow2' }] };
    const lines = text({ ...base, linkedClone });
    expect(lines[0]).toContain('linked clone of the template “golden”');
    expect(lines[1]).toBe('Overlay /p/c-vda.qcow2 sits on /p/golden.qcow2, which is kept.');
    const ja = text({ ...base, linkedClone }, 'ja');
    expect(ja[0]).toContain('golden');
    expect(ja[1]).toBe('オーバーレイ /p/c-vda.qcow2 のベース /p/golden.qcow2 は残ります。');
    expect(text({ ...base, linkedClone: { ...linkedClone, template: { ...linkedClone.template, exists: false } } })[0]).toContain('no longer defined');
  });
});
