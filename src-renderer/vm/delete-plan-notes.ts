// What the delete dialog says besides the disk list: each snapshot, the NVRAM file and a linked
// clone's template and base, and what happens to each (pure: keys + params for t()).
import type { DeletePlan } from '../../src-main/contract';
import type { MessageKey, MessageParams } from '../i18n';

export interface DeleteNote {
  key: MessageKey;
  params?: MessageParams;
}

export function deletePlanNotes(plan: Pick<DeletePlan, 'snapshots' | 'nvram' | 'hasManagedSave' | 'linkedClone'>): DeleteNote[] {
  const notes: DeleteNote[] = [];
  for (const s of plan.snapshots) {
    notes.push({ key: s.kind === 'internal' ? 'delete.snapshotInternal' : 'delete.snapshotExternal', params: { name: s.name } });
  }
  if (plan.nvram) notes.push(plan.nvram.path ? { key: 'delete.nvramFile', params: { path: plan.nvram.path } } : { key: 'delete.nvram' });
  if (plan.hasManagedSave) notes.push({ key: 'delete.managedSave' });
  const lc = plan.linkedClone;
  if (lc) {
    notes.push({ key: lc.template.exists ? 'delete.linkedClone' : 'delete.linkedCloneGone', params: { template: lc.template.name } });
    for (const o of lc.overlays) notes.push({ key: 'delete.overlayBase', params: { overlay: o.overlay, base: o.base } });
  }
  return notes;
}
