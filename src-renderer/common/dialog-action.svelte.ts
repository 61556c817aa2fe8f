// The one thing a confirmation dialog runs (delete, resize…): busy while it runs, and on failure
// the server's message as the dialog's error line, the dialog staying open. `job` closes the
// dialog itself once done, so that a failure keeps it open.
import { errorMessage } from '../app/stores.svelte';

/** Runs `job`; resolves with the message of its failure, or null when it succeeded. */
export async function failureOf(job: () => Promise<unknown>): Promise<string | null> {
  try {
    await job();
    return null;
  } catch (e) {
    return errorMessage(e);
  }
}

export class DialogAction {
  busy = $state(false);
  error = $state<string | null>(null);

  async run(job: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.error = await failureOf(job);
    this.busy = false;
  }
}
