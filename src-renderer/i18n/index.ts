// The UI languages (strings in en.ts and ja.ts) and a reactive t(): reading t() inside a
// component (template, $derived, $effect) re-runs it when the language changes — no reload.
// Texts from the server carry a message key (src-main/contract/messages.ts, spread into en.ts)
// and are shown through tText()/tWire(); libvirt's own words stay as they are.
import { createSubscriber } from 'svelte/reactivity';
import { fillTemplate, isServerMessageKey, type MessageParam, type MessageRef } from '../../src-main/contract/messages';
import { en, type MessageKey, type Messages } from './en';
import { ja } from './ja';

export { en, ja, type MessageKey, type Messages };

export type Language = 'en' | 'ja';

/** Names of the languages, each in its own language (the same in every UI language). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ja: '日本語' };

export const dictionaries: Record<Language, Messages> = { en, ja };

/** Values for "{name}" placeholders; a value may be a server message, translated as well. */
export type MessageParams = Record<string, MessageParam>;

/** Pure lookup + "{name}" substitution (unknown placeholders stay as they are). */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const text = dictionaries[language][key] ?? en[key] ?? key;
  return fillTemplate(text, params, (ref) => translate(language, ref.key, ref.params));
}

/**
 * A server text in `language`: its key when the UI knows it (an older or newer server may send
 * others), else the English the server sent.
 */
export function translateServerText(language: Language, ref: { key?: unknown; params?: unknown } | null | undefined, english: string): string {
  if (!ref || !isServerMessageKey(ref.key) || !validParams(ref.params)) return english;
  return translate(language, ref.key, ref.params);
}

function validParams(params: unknown): params is MessageParams | undefined {
  if (params === undefined) return true;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  return Object.values(params).every(
    (v) => typeof v === 'string' || typeof v === 'number' || (typeof v === 'object' && v !== null && isServerMessageKey((v as MessageRef).key) && validParams((v as MessageRef).params)),
  );
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

/** Reactive translateServerText: a server text (host check, lab problem, error) in the current language. */
export function tServer(ref: { key?: unknown; params?: unknown } | null | undefined, english: string): string {
  subscribe();
  return translateServerText(current, ref, english);
}
