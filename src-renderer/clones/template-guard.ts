// Before starting or changing a VM whose disks carry linked clones (a template), ask: starting it
// or writing to its disks breaks every clone. vm.templateInfo says; the API itself does not block.
import type { VmSummary } from '../../src-main/contract';
import type { TemplateInfo } from '../../src-main/contract';
import { needsTemplateWarning } from '../labs/lab-logic';
import type { AppStore } from '../app/stores.svelte';
import TemplateWarningDialog from './TemplateWarningDialog.svelte';

export type TemplateAction = 'start' | 'delete' | 'revert' | 'snapshot' | 'deleteSnapshot';

/**
 * Resolves true when the action may go ahead: the VM has no linked clones, the user confirmed,
 * or vm.templateInfo failed (the question is advice; the action itself reports real errors).
 */
export async function confirmTemplateChange(app: AppStore, vm: Pick<VmSummary, 'uuid' | 'name' | 'connection'>, action: TemplateAction): Promise<boolean> {
  let info: TemplateInfo;
  try {
    info = await app.client.api['vm.templateInfo']({ connection: vm.connection, vm: { uuid: vm.uuid } });
  } catch {
    return true;
  }
  if (!needsTemplateWarning(info)) return true;
  return new Promise<boolean>((resolve) => {
    app.openModal(TemplateWarningDialog, { vmName: vm.name, linkedClones: info.linkedClones, action, onAnswer: resolve });
  });
}
