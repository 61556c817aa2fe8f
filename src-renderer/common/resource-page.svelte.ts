// What the Storage and Networks pages keep about their list: whether it is loading, the page's
// error line (a failed load or action) and the action running (the row buttons are disabled
// meanwhile). An action reloads the page after, failed or not.
import { errorMessage } from '../app/stores.svelte';
import { failureOf } from './dialog-action.svelte';

export class ResourcePage {
  loading = $state(false);
  error = $state<string | null>(null);
  /** The action running, e.g. 'stop-default'. */
  busy = $state<string | null>(null);

  constructor(private readonly reload: () => Promise<void>) {}

  /** Runs the page's load; a failure becomes the error line, worded by `describe`. */
  async load(job: () => Promise<void>, describe: (error: string) => string): Promise<void> {
    this.loading = true;
    try {
      await job();
    } catch (e) {
      this.error = describe(errorMessage(e));
    } finally {
      this.loading = false;
    }
  }

  /** Runs an action; its error is shown at the top; everything reloads after. */
  async act(key: string, job: () => Promise<unknown>): Promise<void> {
    this.busy = key;
    this.error = null;
    this.error = await failureOf(job);
    this.busy = null;
    await this.reload();
  }
}
