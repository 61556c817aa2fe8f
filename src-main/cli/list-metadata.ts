// What `virtdesk list` shows from a domain's XML besides libvirt's own figures — the OS
// (libosinfo's <os id>), the lab and the tags (Virtdesk's <vm> element) — read in one pass over
// the text, without loading the DOM and the domain model (which take longer to load than libvirt
// takes to answer a one-shot list).
//
// It answers exactly as summarizeDomainXml (src-main/xml/domain-summary.ts) does: the same
// elements (the first <metadata> under <domain>, children matched by namespace URI whatever
// their prefix), comments and processing instructions skipped, CDATA and the five XML entities
// and character references decoded. Whatever it does not handle — a DOCTYPE, another entity, a
// tag it cannot read, unbalanced elements — gives null, and the caller asks the full parser.
// test/unit/cli/list-metadata.test.ts compares both on every fixture and on generated documents.
import { shortOsId } from '../xml/short-os-id';

// Spelled here rather than imported: their modules load the XML parsers. The unit test checks
// they equal LIBOSINFO_NS (domain/metadata.ts) and VIRTDESK_NS (xml/virtdesk-meta.ts).
export const LIST_NAMESPACES = { libosinfo: 'http://libosinfo.org/xmlns/libvirt/domain/1.0', virtdesk: 'https://virtdesk.invalid/xmlns/1' } as const;

export type ListMetadata = { os?: string; lab?: string; tags?: string[] };

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class Unsure extends Error {}

function decode(text: string): string {
  return text.replace(/&([^;&]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Unsure();
    if (ref in NAMED) return NAMED[ref];
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    const code = m ? parseInt(m[1] ?? m[2], m[1] ? 16 : 10) : NaN;
    if (!(code > 0 && code <= 0x10ffff)) throw new Unsure();
    return String.fromCodePoint(code);
  });
}

type Open = {
  qname: string;
  local: string;
  ns: string | null;
  scope: Map<string, string | null>;
  /** What this element is to the reader. */
  role: 'domain' | 'metadata' | 'vm' | 'osinfo' | 'tag' | 'inTag' | 'other';
};

// One start tag: the name, then attributes (name = quoted value), then > or />.
const START_TAG = /<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /\s+([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
const END_TAG = /<\/([^\s>]+)\s*>/y;

function splitName(qname: string): [string | null, string] {
  const i = qname.indexOf(':');
  if (i === 0 || i === qname.length - 1 || qname.indexOf(':', i + 1) >= 0) throw new Unsure();
  return i < 0 ? [null, qname] : [qname.slice(0, i), qname.slice(i + 1)];
}

/** The OS, lab and tags summarizeDomainXml would give, or null when only the full parser can say. */
export function readListMetadata(xml: string): ListMetadata | null {
  try {
    return read(xml.replace(/\r\n?/g, '\n'));
  } catch (e) {
    if (e instanceof Unsure) return null;
    throw e;
  }
}

function read(src: string): ListMetadata {
  const stack: Open[] = [];
  let seenRoot = false;
  let sawMetadata = false;
  let sawVm = false;
  let sawOsinfo = false;
  let sawLab = false;
  let sawOs = false;
  let isDomain = false;
  let vm = false;
  let osId: string | undefined;
  let lab: string | undefined;
  const tags: string[] = [];
  let tagText: string | null = null;
  let at = 0;
  while (at < src.length) {
    const lt = src.indexOf('<', at);
    const text = src.slice(at, lt < 0 ? src.length : lt);
    if (text) {
      if (!stack.length && text.trim()) throw new Unsure();
      const decoded = decode(text);
      if (tagText !== null) tagText += decoded;
    }
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) throw new Unsure();
      at = end + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      if (end < 0 || !stack.length) throw new Unsure();
      if (tagText !== null) tagText += src.slice(lt + 9, end);
      at = end + 3;
    } else if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt + 2);
      if (end < 0) throw new Unsure();
      at = end + 2;
    } else if (src.startsWith('</', lt)) {
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(src);
      const open = stack.pop();
      if (!m || !open || open.qname !== m[1]) throw new Unsure();
      if (open.role === 'tag') {
        const t = tagText!.trim();
        if (t) tags.push(t);
        tagText = null;
      }
      at = END_TAG.lastIndex;
    } else {
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(src);
      if (!m) throw new Unsure();
      at = START_TAG.lastIndex;
      const parent = stack[stack.length - 1];
      if (!parent && seenRoot) throw new Unsure();
      seenRoot = true;
      const attrs = new Map<string, string>();
      const scope = new Map(parent?.scope ?? [['xml', XML_NS]]);
      for (const a of m[2].matchAll(ATTRIBUTE)) {
        if (attrs.has(a[1])) throw new Unsure();
        const value = decode((a[2] ?? a[3]).replace(/[\t\n\r]/g, ' '));
        attrs.set(a[1], value);
        if (a[1] === 'xmlns') scope.set('', value || null);
        else if (a[1].startsWith('xmlns:')) {
          if (!value) throw new Unsure();
          scope.set(a[1].slice(6), value);
        }
      }
      const [prefix, local] = splitName(m[1]);
      const ns = prefix === null ? (scope.get('') ?? null) : scope.get(prefix);
      if (ns === undefined) throw new Unsure();
      const open: Open = { qname: m[1], local, ns, scope, role: 'other' };
      if (!parent) {
        isDomain = m[1] === 'domain';
        open.role = 'domain';
      } else if (parent.role === 'domain') {
        if (m[1] === 'metadata' && !sawMetadata) {
          sawMetadata = true;
          open.role = 'metadata';
        }
      } else if (parent.role === 'metadata') {
        if (ns === LIST_NAMESPACES.virtdesk && local === 'vm' && !sawVm) {
          sawVm = vm = true;
          open.role = 'vm';
        } else if (ns === LIST_NAMESPACES.libosinfo && local === 'libosinfo' && !sawOsinfo) {
          sawOsinfo = true;
          open.role = 'osinfo';
        }
      } else if (parent.role === 'vm' && ns === parent.ns) {
        if (local === 'lab' && !sawLab) {
          sawLab = true;
          const [name, machine, instance] = [attrs.get('name'), attrs.get('machine'), attrs.get('instance')];
          if (name && machine && instance) lab = name;
        } else if (local === 'tag') {
          open.role = 'tag';
          tagText = '';
        }
      } else if (parent.role === 'osinfo') {
        if (local === 'os' && !sawOs) {
          sawOs = true;
          osId = attrs.get('id') || undefined;
        }
      }
      if (m[3]) {
        if (open.role === 'tag') tagText = null;
        if (!parent) break;
      } else stack.push(open);
    }
  }
  if (stack.length || !seenRoot || src.slice(at).trim()) throw new Unsure();
  if (!isDomain) return {};
  return { ...(osId ? { os: shortOsId(osId) } : {}), ...(vm && lab ? { lab } : {}), ...(vm && tags.length ? { tags } : {}) };
}
