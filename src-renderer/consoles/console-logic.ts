// Pure helpers of the embedded consoles (VncConsole.svelte, SerialConsole.svelte): keysyms
// for "Type clipboard" and "Send keys", base64 ↔ bytes for the serial stream, the reconnect
// backoff, the in-memory serial log, file names, the console WebSocket URL, and the
// "Ctrl+Alt releases the keyboard" chord. No DOM, no Svelte: unit-tested in Node.
import type { DomainState, VmDetails } from '../../src-main/contract';

// ---- X keysyms (X11 keysymdef.h) ----
export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Print: 0xff61,
  Delete: 0xffff,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  /** F1; Fn = F1 + n - 1 (0xffbe … 0xffc9). */
  F1: 0xffbe,
} as const;

export function fKeysym(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 12) throw new RangeError(`no F${n} key`);
  return XK.F1 + n - 1;
}

/**
 * The keysym of one character (a full code point): Latin-1 printable characters are their own
 * keysym, every other Unicode character is 0x01000000 + code point; newline → Return, tab →
 * Tab. Other control characters have no keysym: null.
 */
export function charKeysym(ch: string): number | null {
  const cp = ch.codePointAt(0);
  if (cp === undefined) return null;
  if (ch === '\n' || ch === '\r') return XK.Return;
  if (ch === '\t') return XK.Tab;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return null;
  if (cp <= 0xff) return cp;
  return 0x01000000 + cp;
}

/**
 * Characters that need Shift on a US keyboard. QEMU turns a keysym-only key event into a
 * scancode through its keymap but does not press Shift for it, so "A" would arrive as "a":
 * the typist holds Shift_L around these itself.
 */
const US_SHIFTED = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZ~!@#$%^&*()_+{}|:"<>?');

export interface KeyStroke {
  keysym: number;
  shift: boolean;
}

/** The keystrokes that type `text` ("\r\n" is one Enter; untypeable control characters are skipped). */
export function textToKeyStrokes(text: string): KeyStroke[] {
  const out: KeyStroke[] = [];
  const normalized = text.replace(/\r\n?/g, '\n');
  for (const ch of normalized) {
    const keysym = charKeysym(ch);
    if (keysym === null) continue;
    out.push({ keysym, shift: US_SHIFTED.has(ch) });
  }
  return out;
}

/** One key of a combination: the keysym noVNC sends, and the physical key (KeyboardEvent.code). */
export interface ComboKey {
  keysym: number;
  code: string;
  /** Linux input name, for vm.sendKeys when the VNC session cannot send it. */
  linux: string;
}

export interface KeyCombo {
  id: string;
  /** Shown as is (key names are the same in every language). */
  label: string;
  keys: ComboKey[];
}

const CTRL: ComboKey = { keysym: XK.Control_L, code: 'ControlLeft', linux: 'KEY_LEFTCTRL' };
const ALT: ComboKey = { keysym: XK.Alt_L, code: 'AltLeft', linux: 'KEY_LEFTALT' };

/** The "Send keys" menu, in order. */
export const KEY_COMBOS: readonly KeyCombo[] = [
  { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keys: [CTRL, ALT, { keysym: XK.Delete, code: 'Delete', linux: 'KEY_DELETE' }] },
  { id: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace', keys: [CTRL, ALT, { keysym: XK.BackSpace, code: 'Backspace', linux: 'KEY_BACKSPACE' }] },
  ...Array.from({ length: 12 }, (_, i): KeyCombo => ({
    id: `ctrl-alt-f${i + 1}`,
    label: `Ctrl+Alt+F${i + 1}`,
    keys: [CTRL, ALT, { keysym: fKeysym(i + 1), code: `F${i + 1}`, linux: `KEY_F${i + 1}` }],
  })),
  { id: 'print-screen', label: 'PrintScreen', keys: [{ keysym: XK.Print, code: 'PrintScreen', linux: 'KEY_SYSRQ' }] },
];

/** Press in order, release in reverse order: the key events of a combination. */
export function comboEvents(combo: KeyCombo): { keysym: number; code: string; down: boolean }[] {
  return [...combo.keys.map((k) => ({ keysym: k.keysym, code: k.code, down: true })), ...[...combo.keys].reverse().map((k) => ({ keysym: k.keysym, code: k.code, down: false }))];
}

// ---- base64 ↔ bytes (browser-safe: no Buffer) ----
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** Throws on invalid base64 (atob's DOMException). */
export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();
/** Terminal input (a JS string) → UTF-8 → base64, for console.write. */
export function utf8ToBase64(text: string): string {
  return bytesToBase64(encoder.encode(text));
}

/** xterm's onBinary strings carry one byte per UTF-16 unit (0–255). */
export function binaryStringToBase64(data: string): string {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 0xff;
  return bytesToBase64(out);
}

// ---- reconnecting ----
export const BACKOFF_INITIAL_MS = 500;
export const BACKOFF_MAX_MS = 5000;
/** Automatic attempts before the console gives up and offers Reconnect (≈ 30 s in all). */
export const MAX_AUTO_ATTEMPTS = 10;

/** Delay before automatic attempt `attempt` (0-based): 0.5 s, 1 s, 2 s, 4 s, 5 s, 5 s … */
export function backoffDelay(attempt: number, initialMs = BACKOFF_INITIAL_MS, maxMs = BACKOFF_MAX_MS): number {
  if (!(attempt >= 0)) return initialMs;
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** The guest has a QEMU process (and so a screen and a serial port): the API's own rule. */
export function isGuestActive(state: DomainState): boolean {
  return state !== 'shutoff' && state !== 'crashed';
}

export type ConsoleKind = 'graphical' | 'serial';

export interface ConsoleKinds {
  graphical: boolean;
  serial: boolean;
  /** What the Console tab shows first: graphics when there are any, else the serial console. */
  preferred: ConsoleKind | null;
}

export function consoleKinds(details: Pick<VmDetails, 'graphics' | 'serialConsoles'>): ConsoleKinds {
  // The graphical console speaks VNC only: a SPICE-only (or headless) display cannot be shown.
  const graphical = details.graphics.some((g) => g.type === 'vnc');
  const serial = details.serialConsoles > 0;
  return { graphical, serial, preferred: graphical ? 'graphical' : serial ? 'serial' : null };
}

/** The WebSocket URL of a console path: wsBase when the API gives one, else the page's origin. */
export function consoleWsUrl(wsBase: string | null, path: string, page: { protocol: string; host: string }): string {
  if (wsBase) return wsBase.replace(/\/+$/, '') + path;
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}${path}`;
}

/** console.open's "another client holds it — Take it over?" error (field 'force'). */
export function isConsoleBusyError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, field, message } = e as { code?: unknown; field?: unknown; message?: unknown };
  if (code !== 'LIBVIRT') return false;
  return field === 'force' || (typeof message === 'string' && /take it over\?/i.test(message));
}

/** console.vncTicket's "not running" error (VIR_ERR_OPERATION_INVALID). */
export function isNotRunningError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { libvirtCode, message } = e as { libvirtCode?: unknown; message?: unknown };
  return libvirtCode === 55 || (typeof message === 'string' && /not running/i.test(message));
}

/** Errors no retry can fix (no VNC display, remote host, bad input): no automatic retries. */
export function isPermanentConsoleError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, libvirtCode } = e as { code?: unknown; libvirtCode?: unknown };
  return code === 'INVALID_INPUT' || code === 'NOT_FOUND' || code === 'AUTH' || code === 'FORBIDDEN' || libvirtCode === 67 || libvirtCode === 84;
}

// ---- files ----
/** `2025-03-04-153012` (local time): sorts well and is safe in every file system. */
export function fileStamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A VM name made safe as part of a file name. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').replace(/^\.+/, '_').trim();
  return s.slice(0, 100) || 'vm';
}

export function screenshotFileName(vm: string, d: Date): string {
  return `${safeFileName(vm)}-${fileStamp(d)}.png`;
}

export function serialLogFileName(vm: string, d: Date): string {
  return `${safeFileName(vm)}-serial-${fileStamp(d)}.log`;
}

// ---- the serial log ----
export const SERIAL_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** Received bytes, in order; beyond `max` the oldest bytes are dropped. */
export class ByteLog {
  private chunks: Uint8Array[] = [];
  private size = 0;
  /** Bytes dropped from the front because of the cap. */
  dropped = 0;

  constructor(readonly max = SERIAL_LOG_MAX_BYTES) {}

  get length(): number {
    return this.size;
  }

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (bytes.length >= this.max) {
      this.dropped += this.size + bytes.length - this.max;
      this.chunks = [bytes.slice(bytes.length - this.max)];
      this.size = this.max;
      return;
    }
    this.chunks.push(bytes);
    this.size += bytes.length;
    while (this.size > this.max) {
      const first = this.chunks[0] as Uint8Array;
      const over = this.size - this.max;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
        this.dropped += over;
      }
    }
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
    this.clearedAt = 0;
  }

  /** Where the screen was last cleared, counted from the first byte ever appended. */
  clearedAt = 0;

  /** The screen was cleared: what is shown again later starts here (the log keeps everything). */
  markCleared(): void {
    this.clearedAt = this.dropped + this.size;
  }

  /** The bytes since the screen was last cleared (what to show again). */
  shownBytes(): Uint8Array<ArrayBuffer> {
    const all = this.bytes();
    return all.slice(Math.max(0, this.clearedAt - this.dropped));
  }
}

// ---- Ctrl+Alt releases the keyboard ----
/**
 * Ctrl and Alt pressed together and both let go with no other key in between: the console
 * gives the keyboard back (like virt-viewer). Ctrl+Alt+<key> combinations still reach the
 * guest. feed() takes each keydown/keyup and returns true on the keyup that releases the last
 * of the two — so the guest has seen both key-ups before the console lets go of the keyboard
 * (noVNC only releases held keys when the window loses focus, not the canvas).
 */
export class ReleaseChord {
  private ctrl = false;
  private alt = false;
  private armed = false;

  feed(type: 'keydown' | 'keyup', key: string): boolean {
    const isCtrl = key === 'Control';
    const isAlt = key === 'Alt' || key === 'AltGraph';
    if (type === 'keydown') {
      if (isCtrl) this.ctrl = true;
      else if (isAlt) this.alt = true;
      else {
        this.armed = false;
        return false;
      }
      if (this.ctrl && this.alt) this.armed = true;
      return false;
    }
    if (isCtrl) this.ctrl = false;
    else if (isAlt) this.alt = false;
    else return false;
    if (this.ctrl || this.alt) return false;
    const fire = this.armed;
    this.armed = false;
    return fire;
  }

  reset(): void {
    this.ctrl = this.alt = this.armed = false;
  }
}

/** Pauses between typed characters: long enough for slow guests (and BIOS buffers). */
export const TYPE_PACE_MS = 8;

/**
 * Whether "Resize guest to window" took: 'unsupported' when the VNC server never offered
 * ExtendedDesktopSize, 'not-resized' when it did but the guest's display stayed another size
 * (its video driver cannot follow), 'ok' otherwise, null while unknown.
 */
export function resizeVerdict(o: { supported: boolean | null; fb: { w: number; h: number } | null; view: { w: number; h: number } }): 'ok' | 'unsupported' | 'not-resized' | null {
  if (o.supported === false) return 'unsupported';
  if (o.supported === null || !o.fb || o.view.w <= 0 || o.view.h <= 0) return null;
  const slack = 48;
  return Math.abs(o.fb.w - o.view.w) > slack || Math.abs(o.fb.h - o.view.h) > slack ? 'not-resized' : 'ok';
}

/**
 * The serial output kept per VM while its console is not shown (tab switches, Detach), so the
 * scrollback comes back: the most recently used `max` VMs.
 */
export class SerialScrollback {
  private logs = new Map<string, ByteLog>();
  constructor(readonly max = 16) {}

  /** The VM's log (a new one the first time); marks it most recently used. */
  get(key: string): ByteLog {
    const log = this.logs.get(key) ?? new ByteLog();
    this.logs.delete(key);
    this.logs.set(key, log);
    while (this.logs.size > this.max) this.logs.delete(this.logs.keys().next().value as string);
    return log;
  }

  has(key: string): boolean {
    return this.logs.has(key);
  }
}
