// The DOM underneath the domain model: parse (with a clear error), write, and the canonical
// form the round-trip test compares. @xmldom/xmldom keeps what a plain-object parser drops:
// unknown elements and attributes, other tools' namespaced metadata, order, CDATA.
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';

export type { Document, Element, Node };

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;

export class DomainXmlError extends Error {
  override name = 'DomainXmlError';
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The DOM serializer escapes markup but writes control characters as they are, which makes a
 * document libvirt refuses: every value the model writes goes through this check.
 */
export function checkXmlChars(value: string, what: string): string {
  if (NOT_XML_CHAR.test(value)) throw new DomainXmlError(`${what} contains a character XML cannot carry (a control character or broken Unicode): remove it.`);
  return value;
}

/** Parses an XML document; throws DomainXmlError naming what is wrong. */
export function parseXmlDocument(xml: string, what = 'XML'): Document {
  if (typeof xml !== 'string' || !xml.trim()) throw new DomainXmlError(`The ${what} is empty: pass the XML text of a libvirt document.`);
  let problem: string | null = null;
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      if (level !== 'warning' && problem === null) problem = message.replace(/^\[xmldom \w+\]\s*/, '').trim();
    },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'text/xml');
  } catch (e) {
    problem ??= e instanceof Error ? e.message : String(e);
    throw new DomainXmlError(`The ${what} is not well-formed XML: ${problem}. Fix the XML and try again.`);
  }
  if (problem !== null || !doc.documentElement) {
    throw new DomainXmlError(`The ${what} is not well-formed XML: ${problem ?? 'no root element'}. Fix the XML and try again.`);
  }
  return doc;
}

/** Serializes a document or element; text and attribute values are escaped by the serializer. */
export function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

export function elementChildren(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  return out;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function canonicalElement(el: Element, out: string[]): void {
  const attrs: [string, string][] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    attrs.push([a.name, a.value]);
  }
  attrs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  out.push(`<${el.tagName}`);
  for (const [k, v] of attrs) out.push(` ${k}="${escapeAttr(v)}"`);
  out.push('>');
  let text = '';
  const flush = (): void => {
    if (text.trim()) out.push(escapeText(text));
    text = '';
  };
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) text += n.nodeValue ?? '';
    else if (n.nodeType === ELEMENT_NODE) {
      flush();
      canonicalElement(n as Element, out);
    }
    // comments and processing instructions are not part of the canonical form
  }
  flush();
  out.push(`</${el.tagName}>`);
}

/**
 * Canonical form used to compare documents: attributes sorted by name (namespace declarations
 * included), whitespace-only text between elements dropped, comments, processing instructions
 * and the XML declaration dropped, CDATA folded into text, one escaping. Text with content is
 * kept exactly (leading/trailing spaces included).
 */
export function canonicalXml(input: string | Document | Element): string {
  const root = typeof input === 'string' ? parseXmlDocument(input).documentElement! : 'documentElement' in input ? input.documentElement! : input;
  const out: string[] = [];
  canonicalElement(root, out);
  return out.join('');
}
