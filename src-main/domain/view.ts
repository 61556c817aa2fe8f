// The property mechanism of the model (like virtinst's XMLProperty): a view holds one DOM
// element and reads/writes attributes and child elements by a path of element names. Nothing
// is cached, so whatever a view does not know stays in the DOM untouched.
import { DomainXmlError, ELEMENT_NODE, TEXT_NODE, checkXmlChars, elementChildren, serialize, type Element, type Node } from './xml';
import { toKiB } from './units';

/** Order libvirt writes children in, used only to place an element we create. */
const CHILD_ORDER: Record<string, string[]> = {
  domain: ['name', 'uuid', 'genid', 'title', 'description', 'metadata', 'maxMemory', 'memory', 'currentMemory', 'blkiotune', 'memoryBacking', 'vcpu', 'vcpus', 'iothreads', 'cputune', 'numatune', 'resource', 'sysinfo', 'bootloader', 'bootloader_args', 'os', 'idmap', 'features', 'cpu', 'clock', 'on_poweroff', 'on_reboot', 'on_crash', 'on_lockfailure', 'pm', 'perf', 'devices', 'seclabel'],
  os: ['type', 'firmware', 'loader', 'nvram', 'kernel', 'initrd', 'cmdline', 'dtb', 'boot', 'bootmenu', 'smbios', 'bios'],
  cpu: ['model', 'vendor', 'topology', 'cache', 'maxphysaddr', 'feature', 'numa'],
  disk: ['driver', 'source', 'backingStore', 'target', 'iotune', 'boot', 'readonly', 'shareable', 'serial', 'alias', 'address'],
  interface: ['mac', 'source', 'target', 'model', 'driver', 'link', 'boot', 'alias', 'address'],
  graphics: ['listen', 'image', 'gl'],
};

export type AttrValue = string | number | boolean | null | undefined;

function toAttr(v: AttrValue): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
}

function indentBefore(el: Element): string | null {
  const prev = el.previousSibling;
  return prev && prev.nodeType === TEXT_NODE && !(prev.nodeValue ?? '').trim() ? (prev.nodeValue ?? '') : null;
}

/** Inserts `child` before `ref` (null: at the end), copying the siblings' indentation when there is one. */
export function insertChild(parent: Element, child: Element, ref: Element | null): void {
  const first = elementChildren(parent)[0];
  const indent = first ? indentBefore(first) : null;
  if (indent === null) {
    parent.insertBefore(child, ref);
    return;
  }
  const doc = parent.ownerDocument!;
  if (ref) {
    parent.insertBefore(child, ref);
    parent.insertBefore(doc.createTextNode(indent), ref);
  } else {
    const last = parent.lastChild;
    const trailing = last && last.nodeType === TEXT_NODE && !(last.nodeValue ?? '').trim() ? last : null;
    parent.insertBefore(doc.createTextNode(indent), trailing);
    parent.insertBefore(child, trailing);
  }
}

/** Inserts `child` where libvirt's order puts it (after its kind's last sibling when unknown). */
export function insertOrdered(parent: Element, child: Element, order: string[] | undefined = CHILD_ORDER[parent.tagName]): void {
  const siblings = elementChildren(parent);
  const sameLast = [...siblings].reverse().find((s) => s.tagName === child.tagName);
  if (sameLast) {
    insertChild(parent, child, nextElement(sameLast));
    return;
  }
  const rank = order ? order.indexOf(child.tagName) : -1;
  if (rank >= 0) {
    const ref = siblings.find((s) => order!.indexOf(s.tagName) > rank);
    insertChild(parent, child, ref ?? null);
    return;
  }
  insertChild(parent, child, null);
}

function nextElement(el: Element): Element | null {
  for (let n: Node | null = el.nextSibling; n; n = n.nextSibling) if (n.nodeType === ELEMENT_NODE) return n as Element;
  return null;
}

/** Removes an element and the indentation in front of it. */
export function removeElement(el: Element): void {
  const parent = el.parentNode;
  if (!parent) return;
  const prev = el.previousSibling;
  if (prev && prev.nodeType === TEXT_NODE && !(prev.nodeValue ?? '').trim()) parent.removeChild(prev);
  parent.removeChild(el);
}

function isEmptyElement(el: Element): boolean {
  return el.attributes.length === 0 && elementChildren(el).length === 0 && !(el.textContent ?? '').trim();
}

export class XmlView {
  constructor(readonly el: Element) {}

  /** This view's element as an XML fragment. */
  toXml(): string {
    return serialize(this.el);
  }

  /** The first child element along `path` ('a/b'), or null; '' is this element. */
  protected find(path: string): Element | null {
    let cur: Element | null = this.el;
    for (const name of path ? path.split('/') : []) {
      cur = cur ? (elementChildren(cur).find((c) => c.tagName === name) ?? null) : null;
    }
    return cur;
  }

  protected findAll(path: string): Element[] {
    const parts = path.split('/');
    const last = parts.pop()!;
    const parent = this.find(parts.join('/'));
    return parent ? elementChildren(parent).filter((c) => c.tagName === last) : [];
  }

  /** The element along `path`, created (in libvirt's order) where missing. */
  protected ensure(path: string): Element {
    let cur = this.el;
    for (const name of path ? path.split('/') : []) {
      let next = elementChildren(cur).find((c) => c.tagName === name);
      if (!next) {
        next = cur.ownerDocument!.createElement(name);
        insertOrdered(cur, next);
      }
      cur = next;
    }
    return cur;
  }

  /** Removes the element at `path` if it is there, then prunes ancestors left empty. */
  protected drop(path: string): void {
    const el = this.find(path);
    if (el && el !== this.el) {
      const parent = el.parentNode as Element;
      removeElement(el);
      this.prune(parent);
    }
  }

  private prune(el: Element): void {
    let cur: Element | null = el;
    while (cur && cur !== this.el && isEmptyElement(cur)) {
      const parent = cur.parentNode as Element | null;
      removeElement(cur);
      cur = parent;
    }
  }

  /** An attribute at `path` ('' is this element) for generic readers; typed accessors use it too. */
  attrAt(path: string, name: string): string | undefined {
    return this.attr(path, name);
  }

  protected attr(path: string, name: string): string | undefined {
    const el = this.find(path);
    return el && el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
  }

  /** Sets an attribute (booleans as yes/no); null/undefined removes it and prunes empty elements. */
  protected setAttr(path: string, name: string, value: AttrValue): void {
    const v = toAttr(value);
    if (v === null) {
      const el = this.find(path);
      if (!el) return;
      el.removeAttribute(name);
      this.prune(el);
      return;
    }
    this.ensure(path).setAttribute(name, checkXmlChars(v, `The value of ${name}`));
  }

  protected intAttr(path: string, name: string): number | undefined {
    const v = this.attr(path, name);
    if (v === undefined) return undefined;
    const n = v.startsWith('0x') ? parseInt(v, 16) : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  protected yesNo(path: string, name: string, yes = 'yes'): boolean | undefined {
    const v = this.attr(path, name);
    return v === undefined ? undefined : v === yes;
  }

  protected text(path: string): string | undefined {
    const el = this.find(path);
    return el ? (el.textContent ?? '') : undefined;
  }

  /** Sets an element's text (escaped on output); null/undefined removes the element. */
  protected setText(path: string, value: string | number | null | undefined): void {
    if (value === null || value === undefined) {
      this.drop(path);
      return;
    }
    this.ensure(path).textContent = checkXmlChars(String(value), `The value of <${path.split('/').pop() || this.el.tagName}>`);
  }

  /** An empty marker element such as <readonly/>. */
  protected flag(path: string): boolean {
    return this.find(path) !== null;
  }

  protected setFlag(path: string, on: boolean): void {
    if (on) this.ensure(path);
    else this.drop(path);
  }

  /** A memory element (<memory unit='GiB'>2</memory>) in KiB; undefined when absent or unreadable. */
  protected memAt(path: string): number | undefined {
    const t = this.text(path);
    if (t === undefined || !t.trim()) return undefined;
    try {
      return toKiB(t.trim(), this.attr(path, 'unit'));
    } catch {
      return undefined;
    }
  }

  protected setMemAt(path: string, kib: number | null | undefined): void {
    if (kib === null || kib === undefined) {
      this.drop(path);
      return;
    }
    if (!Number.isInteger(kib) || kib < 0) throw new DomainXmlError(`Memory size ${kib} KiB is not a whole non-negative number.`);
    const el = this.ensure(path);
    el.setAttribute('unit', 'KiB');
    el.textContent = String(kib);
  }
}
