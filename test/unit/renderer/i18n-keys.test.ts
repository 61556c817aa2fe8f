// The two translation files stay in step, and every message key is used somewhere in the UI:
// the renderer's sources name it literally ('nav.vms'), or it is built from a template literal
// (t(`state.${s}`)) and then listed in src-renderer/i18n/dynamic-keys.ts. The server's message
// keys (src-main/contract/messages.ts) are used by the server, and each has a Japanese text.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_MESSAGES } from '../../../src-main/contract/messages';
import { DYNAMIC_KEYS } from '../../../src-renderer/i18n/dynamic-keys';
import { en } from '../../../src-renderer/i18n/en';
import { ja } from '../../../src-renderer/i18n/ja';

const RENDERER = resolve(__dirname, '../../../src-renderer');
/** Files that define keys rather than use them. */
const KEY_FILES = new Set(['i18n/en.ts', 'i18n/ja.ts', 'i18n/dynamic-keys.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(e.name) ? [path] : [];
  });
}

const sources = sourceFiles(RENDERER)
  .filter((f) => !KEY_FILES.has(relative(RENDERER, f).split('\\').join('/')))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

const literallyUsed = (key: string): boolean => [`'${key}'`, `"${key}"`, `\`${key}\``].some((q) => sources.includes(q));

/** Template literals that look like built keys (`state.${s}`), as regular expressions. */
const builtKeyPatterns: RegExp[] = [...sources.matchAll(/`([A-Za-z][\w.]*\.\$\{[^`]*)`/g)].map((m) => {
  const parts = (m[1] as string).split(/\$\{[^}]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[A-Za-z0-9_-]+')}$`);
});

const dynamicKeys: readonly string[] = DYNAMIC_KEYS;

describe('translation files', () => {
  it('en.ts and ja.ts have the same keys', () => {
    const enKeys = Object.keys(en);
    const jaKeys = Object.keys(ja);
    expect(enKeys.filter((k) => !jaKeys.includes(k)), 'keys in en.ts but not in ja.ts').toEqual([]);
    expect(jaKeys.filter((k) => !enKeys.includes(k)), 'keys in ja.ts but not in en.ts').toEqual([]);
  });

  it('every key is used in src-renderer (literally, or listed in i18n/dynamic-keys.ts)', () => {
    const unused = Object.keys(en).filter((k) => !literallyUsed(k) && !dynamicKeys.includes(k) && !(k in SERVER_MESSAGES));
    expect(unused, 'keys no source file uses: remove them, or list keys built at run time in i18n/dynamic-keys.ts').toEqual([]);
  });

  it('every listed dynamic key exists and is built by some template literal in the sources', () => {
    expect(dynamicKeys.filter((k) => !(k in en)), 'dynamic keys missing from en.ts').toEqual([]);
    expect(dynamicKeys.filter((k, i) => dynamicKeys.indexOf(k) !== i), 'listed twice').toEqual([]);
    expect(builtKeyPatterns.length).toBeGreaterThan(0);
    const orphans = dynamicKeys.filter((k) => !builtKeyPatterns.some((re) => re.test(k)));
    expect(orphans, 'dynamic keys no template literal builds any more: remove them from the list').toEqual([]);
  });
});

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort();

describe('server message keys (src-main/contract/messages.ts)', () => {
  const serverKeys = Object.keys(SERVER_MESSAGES) as (keyof typeof SERVER_MESSAGES)[];

  it('are in en.ts with the contract\'s English and have a Japanese text with the same placeholders', () => {
    expect(serverKeys.length).toBeGreaterThan(100);
    for (const key of serverKeys) {
      expect(en[key], key).toBe(SERVER_MESSAGES[key]);
      const jaText = (ja as Record<string, string | undefined>)[key];
      expect(jaText?.trim(), `${key} has no Japanese text`).toBeTruthy();
      expect(placeholders(jaText!), `${key}: placeholders`).toEqual(placeholders(SERVER_MESSAGES[key]));
    }
  });

  it('are translated, not copied: a Japanese text differs from the English unless it is only a command, name or placeholder', () => {
    // Texts the same in every language: commands (`…`), placeholders, and the firmware setup's own (English) menu names.
    const copied = serverKeys.filter((k) => (ja as Record<string, string>)[k] === SERVER_MESSAGES[k]);
    const wording = copied.filter((k) => /[A-Za-z]{3,}/.test(SERVER_MESSAGES[k].replace(/`[^`]*`|\{\w+\}/g, '')));
    expect(wording, 'English wording copied into ja-server.ts').toEqual(['host.fix.firmwareIntel', 'host.fix.firmwareAmd']);
  });
});
