// The UI languages (strings in en.ts and ja.ts) and a reactive t(): reading t() inside a
// component (template, $derived, $effect) re-runs it when the language changes — no reload.
// Texts that come from the server (libvirt errors, host-check details) are shown as they are.
import { createSubscriber } from 'svelte/reactivity';
import { en, type MessageKey, type Messages } from './en';
import { ja } from './ja';

export { en, ja, type MessageKey, type Messages };

export type Language = 'en' | 'ja';

/** Names of the languages, each in its own language (the same in every UI language). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ja: '日本語' };

export const dictionaries: Record<Language, Messages> = { en, ja };

export type MessageParams = Record<string, string | number>;

/** Pure lookup + "{name}" substitution (unknown placeholders stay as they are). */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const text = dictionaries[language][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m));
}

// ---- the reactive current language ----
let current: Language = 'en';
const listeners = new Set<() => void>();
const subscribe = createSubscriber((update) => {
  listeners.add(update);
  return () => listeners.delete(update);
});

export function getLanguage(): Language {
  subscribe();
  return current;
}

/** Switches the UI language at once and sets <html lang>. */
export function setLanguage(language: Language): void {
  // Structural access so this file also typechecks without the DOM library (node-side tests).
  const doc = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (doc) doc.documentElement.lang = language;
  if (language === current) return;
  current = language;
  for (const l of [...listeners]) l();
}

/** The reactive translation function used by every component. */
export function t(key: MessageKey, params?: MessageParams): string {
  subscribe();
  return translate(current, key, params);
}
