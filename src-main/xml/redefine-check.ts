// Checks a user-edited network or pool document before it replaces the definition: well-formed
// (naming the line), the expected root element, and the same name and uuid (a rename would
// define a second object next to the first).
import { DOMParser } from '@xmldom/xmldom';
import { ApiError } from '../contract';
import { elementChildren } from '../domain/xml';

export interface RedefineTarget {
  /** 'network' or 'pool': the root element and the word in messages. */
  root: 'network' | 'pool';
  what: string;
  name: string;
  uuid: string;
}

const refuse = (message: string): ApiError => new ApiError('INVALID_INPUT', message, 'xml');

export function checkRedefinition(xml: string, t: RedefineTarget): void {
  let problem: string | null = null;
  let line: number | null = null;
  const parser = new DOMParser({
    locator: true,
    onError: (level: string, message: string) => {
      if (level !== 'warning' && problem === null) problem = message.replace(/^\[xmldom \w+\]\s*/, '').trim();
    },
  } as ConstructorParameters<typeof DOMParser>[0]);
  let doc: ReturnType<DOMParser['parseFromString']> | null = null;
  try {
    doc = parser.parseFromString(xml, 'text/xml');
  } catch (e) {
    problem ??= e instanceof Error ? e.message : String(e);
    const where = (e as { locator?: { lineNumber?: number } }).locator?.lineNumber;
    if (typeof where === 'number') line = where;
  }
  const root = doc?.documentElement ?? null;
  if (problem !== null || !root) {
    const at = line !== null ? ` at line ${line}` : '';
    throw refuse(`The ${t.what} XML is not well-formed${at}: ${problem ?? 'no root element'}. Fix the XML and try again; nothing was changed.`);
  }
  if (root.tagName !== t.root) throw refuse(`The ${t.what} XML must have <${t.root}> as its root element, not <${root.tagName}>; nothing was changed.`);
  const child = (tag: string) => elementChildren(root).find((c) => c.tagName === tag);
  const name = child('name')?.textContent?.trim() ?? '';
  if (name !== t.name) {
    throw refuse(`The <name> must stay '${t.name}' (found '${name}'): renaming a ${t.what} is not possible here — it would define a second ${t.what}. Put the name back; nothing was changed.`);
  }
  const uuid = child('uuid')?.textContent?.trim().toLowerCase() ?? '';
  if (uuid !== t.uuid.toLowerCase()) {
    throw refuse(uuid ? `The <uuid> must stay ${t.uuid} (found ${uuid}); nothing was changed.` : `The <uuid> element is missing: keep <uuid>${t.uuid}</uuid> in the ${t.what} XML; nothing was changed.`);
  }
}
