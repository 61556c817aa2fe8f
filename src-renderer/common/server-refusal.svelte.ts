// A form's refusal by the server (the Storage, Networks and container dialogs), shown only while
// the form is as it was sent: the first edit hides it and the form's own checks speak again.
import { errorMessage } from '../app/stores.svelte';

export class ServerRefusal {
  #sent = $state<{ field: string | null; message: string; snapshot: string } | null>(null);
  readonly #form: () => unknown;

  constructor(form: () => unknown) {
    this.#form = form;
  }

  /** The refusal while the form is unchanged: the form field it names (null: none) and its message. */
  readonly shown = $derived.by(() => (this.#sent && this.#sent.snapshot === JSON.stringify(this.#form()) ? this.#sent : null));

  /** The message, while shown and about `field`. */
  messageFor(field: string): string | null {
    return this.shown?.field === field ? this.shown.message : null;
  }

  /** The message, while shown and about no field of the form (the dialog's error line). */
  get general(): string | null {
    return this.shown && !this.shown.field ? this.shown.message : null;
  }

  clear(): void {
    this.#sent = null;
  }

  /** `error` refused the form as it is now; `field` is the form field it is about (null: none). */
  set(field: string | null, error: unknown): void {
    this.#sent = { field, message: errorMessage(error), snapshot: JSON.stringify(this.#form()) };
  }
}
