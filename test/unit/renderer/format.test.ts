import { describe, expect, it } from 'vitest';
import { cpuShare, formatBytes, formatKiB, formatMHz, formatPercent, formatVersion, splitCode } from '../../../src-renderer/common/format';

describe('formatBytes / formatKiB', () => {
  it('uses binary units without a needless decimal', () => {
    expect(formatKiB(262144)).toBe('256 MiB');
    expect(formatKiB(2 * 1024 * 1024)).toBe('2 GiB');
    expect(formatKiB(1536 * 1024)).toBe('1.5 GiB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatKiB(4 * 1024 ** 3)).toBe('4 TiB');
  });
  it('rounds to one decimal, none from 100 up', () => {
    expect(formatKiB(1024 * 1024 * 1.26)).toBe('1.3 GiB');
    expect(formatKiB(1024 * 123.6)).toBe('124 MiB');
    expect(formatKiB(1024 * 1023.9)).toBe('1 GiB');
  });
  it('shows a dash for missing or invalid values', () => {
    expect(formatKiB(null)).toBe('—');
    expect(formatKiB(undefined)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatVersion', () => {
  it('decodes libvirt version numbers', () => {
    expect(formatVersion(9000000)).toBe('9.0.0');
    expect(formatVersion(10010000)).toBe('10.10.0');
    expect(formatVersion(8002001)).toBe('8.2.1');
    expect(formatVersion(0)).toBe('—');
    expect(formatVersion(undefined)).toBe('—');
  });
});

describe('formatPercent / cpuShare', () => {
  it('formats percentages', () => {
    expect(formatPercent(3.14159)).toBe('3.1%');
    expect(formatPercent(42.6)).toBe('43%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe('—');
  });
  it('normalizes CPU to the VM allocation and clamps', () => {
    expect(cpuShare(150, 2)).toBe(75);
    expect(cpuShare(250, 2)).toBe(100);
    expect(cpuShare(-5, 1)).toBe(0);
    expect(cpuShare(50, 0)).toBe(50);
    expect(cpuShare(null, 4)).toBeNull();
  });
  it('formats MHz', () => {
    expect(formatMHz(2400)).toBe('2.4 GHz');
    expect(formatMHz(800)).toBe('800 MHz');
    expect(formatMHz(0)).toBe('—');
  });
});

describe('splitCode', () => {
  it('splits backtick-quoted commands out of text', () => {
    expect(splitCode('Install: `sudo apt install x`, then `reboot`.')).toEqual([
      { text: 'Install: ', code: false },
      { text: 'sudo apt install x', code: true },
      { text: ', then ', code: false },
      { text: 'reboot', code: true },
      { text: '.', code: false },
    ]);
  });
  it('keeps plain text and unmatched backticks as they are', () => {
    expect(splitCode('plain')).toEqual([{ text: 'plain', code: false }]);
    expect(splitCode('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
    expect(splitCode('')).toEqual([]);
  });
});
