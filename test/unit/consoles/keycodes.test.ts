// The linux keycode table used by vm.sendKeys (values from linux/input-event-codes.h).
import { describe, expect, it } from 'vitest';
import { LINUX_KEYCODES, isLinuxKeyName, linuxKeycodes } from '../../../src-main/contract/keys';

describe('linux keycodes', () => {
  it('has the real codes', () => {
    expect(LINUX_KEYCODES).toMatchObject({
      KEY_ESC: 1, KEY_1: 2, KEY_9: 10, KEY_0: 11, KEY_BACKSPACE: 14, KEY_TAB: 15, KEY_Q: 16, KEY_ENTER: 28, KEY_LEFTCTRL: 29,
      KEY_A: 30, KEY_Z: 44, KEY_M: 50, KEY_LEFTALT: 56, KEY_SPACE: 57, KEY_F1: 59, KEY_F10: 68, KEY_F11: 87, KEY_F12: 88,
      KEY_SYSRQ: 99, KEY_RIGHTALT: 100, KEY_DELETE: 111, KEY_LEFTMETA: 125, KEY_F13: 183, KEY_F24: 194,
    });
    expect(linuxKeycodes(['KEY_LEFTCTRL', 'KEY_LEFTALT', 'KEY_DELETE'])).toEqual([29, 56, 111]);
  });

  it('has all 26 letters and no duplicate codes', () => {
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') expect(isLinuxKeyName(`KEY_${c}`)).toBe(true);
    const codes = Object.values(LINUX_KEYCODES);
    expect(new Set(codes).size).toBe(codes.length);
    expect(isLinuxKeyName('toString')).toBe(false);
    expect(isLinuxKeyName('KEY_CTRL')).toBe(false);
  });
});
