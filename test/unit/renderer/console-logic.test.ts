import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINUX_KEY_NAMES } from '../../../src-main/contract/keys';
import {
  BACKOFF_INITIAL_MS,
  BACKOFF_MAX_MS,
  ByteLog,
  KEY_COMBOS,
  ReleaseChord,
  XK,
  backoffDelay,
  base64ToBytes,
  binaryStringToBase64,
  bytesToBase64,
  charKeysym,
  comboEvents,
  consoleKinds,
  consoleWsUrl,
  fKeysym,
  fileStamp,
  isConsoleBusyError,
  isGuestActive,
  isNotRunningError,
  isPermanentConsoleError,
  safeFileName,
  screenshotFileName,
  serialLogFileName,
  textToKeyStrokes,
  utf8ToBase64,
} from '../../../src-renderer/consoles/console-logic';
import { ApiCallError } from '../../../src-renderer/app/transport-types';

describe('keysyms for "Type clipboard"', () => {
  it('maps Latin-1 characters to themselves', () => {
    expect(charKeysym('a')).toBe(0x61);
    expect(charKeysym('Z')).toBe(0x5a);
    expect(charKeysym(' ')).toBe(0x20);
    expect(charKeysym('~')).toBe(0x7e);
    expect(charKeysym('é')).toBe(0xe9);
    expect(charKeysym('ÿ')).toBe(0xff);
    expect(charKeysym('\u00a0')).toBe(0xa0);
  });
  it('maps other Unicode to 0x01000000 + code point (astral too)', () => {
    expect(charKeysym('€')).toBe(0x010020ac);
    expect(charKeysym('あ')).toBe(0x01003042);
    expect(charKeysym('😀')).toBe(0x0101f600);
  });
  it('maps Enter and Tab, and has no keysym for other control characters', () => {
    expect(charKeysym('\n')).toBe(0xff0d);
    expect(charKeysym('\r')).toBe(0xff0d);
    expect(charKeysym('\t')).toBe(0xff09);
    expect(charKeysym('\u0007')).toBeNull();
    expect(charKeysym('\u007f')).toBeNull();
    expect(charKeysym('\u0085')).toBeNull();
    expect(charKeysym('')).toBeNull();
  });
  it('types a text: CRLF is one Enter, shifted US characters hold Shift, astral characters are one key', () => {
    expect(textToKeyStrokes('ls\r\n')).toEqual([
      { keysym: 0x6c, shift: false },
      { keysym: 0x73, shift: false },
      { keysym: 0xff0d, shift: false },
    ]);
    expect(textToKeyStrokes('A!\t')).toEqual([
      { keysym: 0x41, shift: true },
      { keysym: 0x21, shift: true },
      { keysym: 0xff09, shift: false },
    ]);
    expect(textToKeyStrokes('a😀\u0000b')).toEqual([
      { keysym: 0x61, shift: false },
      { keysym: 0x0101f600, shift: false },
      { keysym: 0x62, shift: false },
    ]);
    expect(textToKeyStrokes('echo typed').map((s) => String.fromCharCode(s.keysym)).join('')).toBe('echo typed');
  });
  it('gives one keystroke per typeable code point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const typeable = [...s.replace(/\r\n?/g, '\n')].filter((ch) => charKeysym(ch) !== null).length;
        expect(textToKeyStrokes(s)).toHaveLength(typeable);
      }),
    );
  });
});

describe('Send keys', () => {
  it('has the F-key keysyms 0xffbe … 0xffc9', () => {
    expect(fKeysym(1)).toBe(0xffbe);
    expect(fKeysym(12)).toBe(0xffc9);
    expect(() => fKeysym(0)).toThrow(RangeError);
    expect(() => fKeysym(13)).toThrow(RangeError);
  });
  it('offers Ctrl+Alt+Del, Ctrl+Alt+Backspace, Ctrl+Alt+F1…F12 and PrintScreen', () => {
    expect(KEY_COMBOS.map((c) => c.label)).toEqual([
      'Ctrl+Alt+Del',
      'Ctrl+Alt+Backspace',
      ...Array.from({ length: 12 }, (_, i) => `Ctrl+Alt+F${i + 1}`),
      'PrintScreen',
    ]);
    const byId = new Map(KEY_COMBOS.map((c) => [c.id, c]));
    expect(byId.get('ctrl-alt-del')!.keys.map((k) => k.keysym)).toEqual([XK.Control_L, XK.Alt_L, 0xffff]);
    expect(byId.get('ctrl-alt-backspace')!.keys.map((k) => k.keysym)).toEqual([0xffe3, 0xffe9, 0xff08]);
    expect(byId.get('ctrl-alt-f7')!.keys.map((k) => k.keysym)).toEqual([0xffe3, 0xffe9, 0xffc4]);
    expect(byId.get('print-screen')!.keys.map((k) => k.keysym)).toEqual([0xff61]);
  });
  it('names every key with a linux input name the API accepts (vm.sendKeys fallback)', () => {
    for (const c of KEY_COMBOS) for (const k of c.keys) expect(LINUX_KEY_NAMES, `${c.id}: ${k.linux}`).toContain(k.linux);
  });
  it('presses in order and releases in reverse', () => {
    const ev = comboEvents(KEY_COMBOS.find((c) => c.id === 'ctrl-alt-f2')!);
    expect(ev.map((e) => `${e.down ? '+' : '-'}${e.code}`)).toEqual(['+ControlLeft', '+AltLeft', '+F2', '-F2', '-AltLeft', '-ControlLeft']);
  });
});

describe('base64 ↔ bytes', () => {
  it('round-trips any bytes (binary-safe, large inputs in chunks)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect([...base64ToBytes(bytesToBase64(bytes))]).toEqual([...bytes]);
        expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
    const big = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
    expect(Buffer.from(base64ToBytes(bytesToBase64(big))).equals(Buffer.from(big))).toBe(true);
  });
  it('encodes terminal input as UTF-8', () => {
    expect(utf8ToBase64('echo $((6*7))\r')).toBe(Buffer.from('echo $((6*7))\r').toString('base64'));
    expect(utf8ToBase64('日本語')).toBe(Buffer.from('日本語', 'utf8').toString('base64'));
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(Buffer.from(utf8ToBase64(s), 'base64').equals(Buffer.from(s, 'utf8'))).toBe(true);
      }),
    );
  });
  it('encodes xterm binary strings byte by byte', () => {
    expect(binaryStringToBase64('\x1b[M\xff\x80')).toBe(Buffer.from([0x1b, 0x5b, 0x4d, 0xff, 0x80]).toString('base64'));
  });
  it('rejects invalid base64', () => {
    expect(() => base64ToBytes('not base64!')).toThrow();
  });
});

describe('reconnect backoff', () => {
  it('doubles from 0.5 s and stays at 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
    expect(BACKOFF_INITIAL_MS).toBe(500);
    expect(BACKOFF_MAX_MS).toBe(5000);
  });
  it('never leaves [initial, max] and never decreases', () => {
    fc.assert(
      fc.property(fc.nat(1000), (n) => {
        const d = backoffDelay(n);
        expect(d).toBeGreaterThanOrEqual(500);
        expect(d).toBeLessThanOrEqual(5000);
        expect(backoffDelay(n + 1)).toBeGreaterThanOrEqual(d);
      }),
    );
    expect(backoffDelay(-1)).toBe(500);
    expect(backoffDelay(Number.NaN)).toBe(500);
  });
});

describe('console choice and state', () => {
  it('prefers graphics, falls back to the serial console, or has none', () => {
    expect(consoleKinds({ graphics: [{ type: 'vnc', port: 5900 }], serialConsoles: 1 })).toEqual({ graphical: true, serial: true, preferred: 'graphical' });
    expect(consoleKinds({ graphics: [], serialConsoles: 1 })).toEqual({ graphical: false, serial: true, preferred: 'serial' });
    expect(consoleKinds({ graphics: [{ type: 'vnc' }], serialConsoles: 0 })).toEqual({ graphical: true, serial: false, preferred: 'graphical' });
    expect(consoleKinds({ graphics: [], serialConsoles: 0 })).toEqual({ graphical: false, serial: false, preferred: null });
  });
  it('treats every state with a QEMU process as active', () => {
    for (const s of ['running', 'blocked', 'paused', 'shutdown', 'pmsuspended', 'nostate'] as const) expect(isGuestActive(s), s).toBe(true);
    for (const s of ['shutoff', 'crashed'] as const) expect(isGuestActive(s), s).toBe(false);
  });
});

describe('console WebSocket URL', () => {
  it('uses the page origin when wsBase is null (browser mode)', () => {
    expect(consoleWsUrl(null, '/console/vnc?ticket=abc', { protocol: 'http:', host: '127.0.0.1:8123' })).toBe('ws://127.0.0.1:8123/console/vnc?ticket=abc');
    expect(consoleWsUrl(null, '/console/vnc?ticket=abc', { protocol: 'https:', host: 'example.test' })).toBe('wss://example.test/console/vnc?ticket=abc');
  });
  it('uses wsBase when given (desktop app)', () => {
    expect(consoleWsUrl('ws://127.0.0.1:40123', '/console/vnc?ticket=x', { protocol: 'file:', host: '' })).toBe('ws://127.0.0.1:40123/console/vnc?ticket=x');
    expect(consoleWsUrl('ws://127.0.0.1:40123/', '/console/vnc?ticket=x', { protocol: 'file:', host: '' })).toBe('ws://127.0.0.1:40123/console/vnc?ticket=x');
  });
});

describe('API errors', () => {
  it('recognizes the "Take it over?" error of console.open', () => {
    expect(isConsoleBusyError(new ApiCallError('LIBVIRT', "Another client is using the serial console of 'x'. Take it over?", { field: 'force', libvirtCode: 9 }))).toBe(true);
    expect(isConsoleBusyError(new ApiCallError('LIBVIRT', "Another client is using the serial console of 'x'. Take it over?"))).toBe(true);
    expect(isConsoleBusyError(new ApiCallError('LIBVIRT', 'domain is not running'))).toBe(false);
    expect(isConsoleBusyError(new ApiCallError('INVALID_INPUT', 'force: expected boolean', { field: 'force' }))).toBe(false);
    expect(isConsoleBusyError(null)).toBe(false);
  });
  it('recognizes "not running" and the errors no retry fixes', () => {
    expect(isNotRunningError(new ApiCallError('LIBVIRT', "VM 'x' is not running — start it to see its screen", { libvirtCode: 55 }))).toBe(true);
    expect(isNotRunningError(new ApiCallError('CONNECTION', 'lost'))).toBe(false);
    expect(isPermanentConsoleError(new ApiCallError('LIBVIRT', "VM 'x' has no graphical display", { libvirtCode: 67 }))).toBe(true);
    expect(isPermanentConsoleError(new ApiCallError('LIBVIRT', 'remote', { libvirtCode: 84, field: 'connection' }))).toBe(true);
    expect(isPermanentConsoleError(new ApiCallError('CONNECTION', 'lost'))).toBe(false);
    expect(isPermanentConsoleError(new ApiCallError('LIBVIRT', 'not running', { libvirtCode: 55 }))).toBe(false);
  });
});

describe('file names', () => {
  const d = new Date(2025, 2, 4, 15, 30, 12);
  it('stamps local date and time', () => {
    expect(fileStamp(d)).toBe('2025-03-04-153012');
    expect(screenshotFileName('web-1', d)).toBe('web-1-2025-03-04-153012.png');
    expect(serialLogFileName('web-1', d)).toBe('web-1-serial-2025-03-04-153012.log');
  });
  it('makes VM names safe for file systems', () => {
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j')).toBe('a_b_c_d_e_f_g_h_i_j');
    expect(safeFileName('..hidden')).toBe('_hidden');
    expect(safeFileName('')).toBe('vm');
    expect(safeFileName('日本語 VM')).toBe('日本語 VM');
    expect(safeFileName('x'.repeat(300))).toHaveLength(100);
  });
});

describe('ByteLog (the serial log, capped)', () => {
  it('keeps every byte in order under the cap', () => {
    const log = new ByteLog(100);
    log.append(new Uint8Array([1, 2, 3]));
    log.append(new Uint8Array([]));
    log.append(new Uint8Array([4, 5]));
    expect([...log.bytes()]).toEqual([1, 2, 3, 4, 5]);
    expect(log.length).toBe(5);
    expect(log.dropped).toBe(0);
  });
  it('drops the oldest bytes beyond the cap, also inside a chunk', () => {
    const log = new ByteLog(5);
    log.append(new Uint8Array([1, 2, 3]));
    log.append(new Uint8Array([4, 5, 6, 7]));
    expect([...log.bytes()]).toEqual([3, 4, 5, 6, 7]);
    expect(log.dropped).toBe(2);
    log.append(new Uint8Array([10, 11, 12, 13, 14, 15, 16]));
    expect([...log.bytes()]).toEqual([12, 13, 14, 15, 16]);
    expect(log.dropped).toBe(9);
    log.clear();
    expect(log.length).toBe(0);
  });
  it('always holds the last min(total, max) bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (chunks, max) => {
        const log = new ByteLog(max);
        const all: number[] = [];
        for (const c of chunks) {
          log.append(c);
          all.push(...c);
        }
        expect([...log.bytes()]).toEqual(all.slice(Math.max(0, all.length - max)));
        expect(log.dropped).toBe(Math.max(0, all.length - max));
      }),
    );
  });
  it('defaults to a 10 MB cap', () => {
    expect(new ByteLog().max).toBe(10 * 1024 * 1024);
  });
});

describe('Ctrl+Alt releases the keyboard', () => {
  const run = (seq: [string, string][]): boolean[] => {
    const c = new ReleaseChord();
    return seq.map(([type, key]) => c.feed(type as 'keydown' | 'keyup', key));
  };
  it('fires when both of Ctrl+Alt, pressed alone, are let go (any order)', () => {
    expect(run([['keydown', 'Control'], ['keydown', 'Alt'], ['keyup', 'Alt'], ['keyup', 'Control']])).toEqual([false, false, false, true]);
    expect(run([['keydown', 'Alt'], ['keydown', 'Control'], ['keyup', 'Alt'], ['keyup', 'Control']])).toEqual([false, false, false, true]);
    expect(run([['keydown', 'Control'], ['keydown', 'AltGraph'], ['keyup', 'Control'], ['keyup', 'AltGraph']])).toEqual([false, false, false, true]);
  });
  it('ignores key repeat of the held modifiers', () => {
    expect(run([['keydown', 'Control'], ['keydown', 'Control'], ['keydown', 'Alt'], ['keydown', 'Alt'], ['keyup', 'Control'], ['keyup', 'Alt']]).at(-1)).toBe(true);
  });
  it('does not fire for Ctrl+Alt+<key>, Ctrl alone or Alt alone', () => {
    expect(run([['keydown', 'Control'], ['keydown', 'Alt'], ['keydown', 'Delete'], ['keyup', 'Delete'], ['keyup', 'Alt'], ['keyup', 'Control']]).some(Boolean)).toBe(false);
    expect(run([['keydown', 'Control'], ['keyup', 'Control'], ['keydown', 'Alt'], ['keyup', 'Alt']]).some(Boolean)).toBe(false);
    expect(run([['keydown', 'Control'], ['keydown', 'c'], ['keyup', 'c'], ['keyup', 'Control']]).some(Boolean)).toBe(false);
    // Ctrl+Alt, then a key while still holding one of them: no release.
    expect(run([['keydown', 'Control'], ['keydown', 'Alt'], ['keyup', 'Alt'], ['keydown', 'x'], ['keyup', 'x'], ['keyup', 'Control']]).some(Boolean)).toBe(false);
  });
  it('fires again for a second chord', () => {
    const seq: [string, string][] = [['keydown', 'Control'], ['keydown', 'Alt'], ['keyup', 'Alt'], ['keyup', 'Control']];
    expect(run([...seq, ...seq]).filter(Boolean)).toHaveLength(2);
  });
});
