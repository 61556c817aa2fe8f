// The options of ChoiceCards.svelte, and the disk-format cards the wizard and "New volume" share.
import { t } from '../i18n';

/** One card: a radio with a bold title and a hint under it. */
export interface ChoiceCard<V extends string> {
  value: V;
  title: string;
  hint: string;
  /** The radio cannot be chosen. */
  disabled?: boolean | undefined;
  /** The card looks unavailable; defaults to `disabled` (a chosen but unavailable card stays enabled). */
  dimmed?: boolean | undefined;
  testid?: string | undefined;
}

/** qcow2 or raw, each with what it means; test ids `${testidPrefix}qcow2` and `${testidPrefix}raw` when given. */
export function diskFormatCards(testidPrefix?: string): ChoiceCard<'qcow2' | 'raw'>[] {
  return [
    { value: 'qcow2', title: 'qcow2', hint: t('wizard.storage.qcow2Text'), testid: testidPrefix && `${testidPrefix}qcow2` },
    { value: 'raw', title: 'raw', hint: t('wizard.storage.rawText'), testid: testidPrefix && `${testidPrefix}raw` },
  ];
}
