// One configured XML parser for libvirt documents (attributes kept, arrays where libvirt repeats).
import { XMLParser } from 'fast-xml-parser';

export type XmlNode = Record<string, unknown>;

const REPEATED = new Set(['disk', 'interface', 'graphics', 'serial', 'console', 'boot', 'controller', 'hostdev', 'video', 'channel', 'guest', 'arch', 'domain', 'machine', 'value', 'enum', 'loader', 'host', 'ip', 'range']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  removeNSPrefix: false,
  isArray: (name) => REPEATED.has(name),
});

export function parseXml(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Text content of a node that may be a plain string or { '#text': ... }. */
export function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (typeof v === 'object' && '#text' in (v as XmlNode)) return String((v as XmlNode)['#text']);
  return undefined;
}

export function attr(v: unknown, name: string): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const a = (v as XmlNode)[`@${name}`];
  return a === undefined ? undefined : String(a);
}
