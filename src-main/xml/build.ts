// The one XML writer for libvirt documents: fast-xml-parser's XMLBuilder, which escapes
// & < > " ' in text and attributes. User strings are never concatenated into XML; characters
// XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF) are refused
// here as a last line of defense behind the API's input validation.
import { XMLBuilder } from 'fast-xml-parser';

export type XmlTree = Record<string, unknown>;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export class XmlValueError extends Error {
  override readonly name = 'XmlValueError';
}

/** Throws when a value cannot be represented in an XML document at all. */
export function assertXmlSafe(value: string, what: string): string {
  if (NOT_XML_CHAR.test(value) || LONE_SURROGATE.test(value)) {
    throw new XmlValueError(`${what} contains a character that XML cannot carry (control character or broken Unicode)`);
  }
  return value;
}

/** Checks every string of a tree (keys are ours; values may come from users) and builds it. */
export function buildXml(tree: XmlTree): string {
  const walk = (v: unknown, where: string): void => {
    if (typeof v === 'string') assertXmlSafe(v, where);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k.startsWith('@_') ? `${where} attribute ${k.slice(2)}` : `<${k}>`);
  };
  walk(tree, 'document');
  return builder.build(tree) as string;
}

/** A text element with attributes: { '#text': value, '@_a': … }. */
export function textEl(value: string | number, attrs: Record<string, string | number> = {}): XmlTree {
  const out: XmlTree = { '#text': String(value) };
  for (const [k, v] of Object.entries(attrs)) out[`@_${k}`] = String(v);
  return out;
}

/** An element with attributes only (and optional children). */
export function el(attrs: Record<string, string | number | undefined>, children: XmlTree = {}): XmlTree {
  const out: XmlTree = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[`@_${k}`] = String(v);
  return { ...out, ...children };
}

/** Bytes from a libvirt size element (<memory unit='KiB'>…, <capacity unit='bytes'>…). */
export function toBytes(value: string | undefined, unit: string | undefined, defaultUnit = 'bytes'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) return undefined;
  const u = (unit ?? defaultUnit).trim();
  const factors: Record<string, number> = {
    b: 1, bytes: 1,
    KB: 1e3, k: 1024, K: 1024, KiB: 1024,
    MB: 1e6, m: 2 ** 20, M: 2 ** 20, MiB: 2 ** 20,
    GB: 1e9, g: 2 ** 30, G: 2 ** 30, GiB: 2 ** 30,
    TB: 1e12, t: 2 ** 40, T: 2 ** 40, TiB: 2 ** 40,
    PB: 1e15, p: 2 ** 50, P: 2 ** 50, PiB: 2 ** 50,
  };
  const f = factors[u];
  return f === undefined ? undefined : n * f;
}
