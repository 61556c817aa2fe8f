// One change at a time in a Hardware editor: busy while the call runs (its buttons say why they
// are disabled), the server's refusal in the UI's language, and where the change applied.
import type { EditResult } from '../../../src-main/contract';
import { errorMessage } from '../../app/stores.svelte';
import { t } from '../../i18n';
import { appliedKey } from './hardware-logic';

export interface HwContext {
  connection: string;
  uuid: string;
  name: string;
  running: boolean;
  persistent: boolean;
  /** Reads the VM again after a change. */
  reload: () => Promise<void>;
  /** Selects an entry of the device list (a changed device's new key). */
  select?: (id: string) => void;
}

export class HwAction {
  busy = $state(false);
  error = $state<string | null>(null);
  /** Where the last change applied ("Applied now and for the next boot."). */
  status = $state<string | null>(null);

  /** Runs one call; false when it failed (its error is shown). */
  async run(call: () => Promise<EditResult | void>, after?: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    this.status = null;
    try {
      const r = await call();
      this.status = r ? t(appliedKey(r)) : t('hw.applied.done');
      await after?.();
      return true;
    } catch (e) {
      this.error = errorMessage(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
