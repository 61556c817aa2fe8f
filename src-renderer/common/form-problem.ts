// A resource dialog's first problem (the Storage and Networks dialogs): an i18n message and the
// field it is about, so the dialog can say what is wrong before sending.
import type { MessageKey, MessageParams } from '../i18n';
import type { Problem } from '../wizard/wizard-logic';

export interface FormProblem {
  key: MessageKey;
  params?: MessageParams;
  /** The form field it is about. */
  field: string;
}

/** A wizard check's problem (e.g. checkObjectName) as the problem of `field`. */
export const fromProblem = (p: Problem | null, field: string): FormProblem | null => (p ? { key: p.key, ...(p.params ? { params: p.params } : {}), field } : null);
