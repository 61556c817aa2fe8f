import { describe, expect, it } from 'vitest';
import { bytesToGiB, convertSizeText, formatMiB, formatNumber, memoryField, parseDiskGiB, parseMemoryMiB, parseSizeMiB, usedFraction } from '../../../src-renderer/common/sizes';

describe('parseSizeMiB', () => {
  it('reads a plain number in the field unit', () => {
    expect(parseSizeMiB('2', 'GiB')).toBe(2048);
    expect(parseSizeMiB('512', 'MiB')).toBe(512);
    expect(parseSizeMiB(' 1.5 ', 'GiB')).toBe(1536);
    expect(parseSizeMiB('.5', 'GiB')).toBe(512);
    expect(parseSizeMiB('2.', 'GiB')).toBe(2048);
  });
  it('lets a typed unit win over the field unit', () => {
    expect(parseSizeMiB('512 MiB', 'GiB')).toBe(512);
    expect(parseSizeMiB('512M', 'GiB')).toBe(512);
    expect(parseSizeMiB('2g', 'MiB')).toBe(2048);
    expect(parseSizeMiB('2 GB', 'MiB')).toBe(2048);
    expect(parseSizeMiB('1 TiB', 'GiB')).toBe(1024 * 1024);
    expect(parseSizeMiB('1024k', 'GiB')).toBe(1);
  });
  it('accepts a decimal comma', () => {
    expect(parseSizeMiB('1,5', 'GiB')).toBe(1536);
  });
  it('refuses what is not a size', () => {
    for (const s of ['', ' ', 'abc', '-1', '1e3', '1.2.3', '2 XB', '0x10', '1 2', 'GiB']) expect(parseSizeMiB(s, 'GiB'), s).toBeNull();
  });
});

describe('parseMemoryMiB / parseDiskGiB', () => {
  it('gives whole MiB for memory', () => {
    expect(parseMemoryMiB('1.5', 'GiB')).toBe(1536);
    expect(parseMemoryMiB('0.3', 'GiB')).toBe(307);
    expect(parseMemoryMiB('256', 'MiB')).toBe(256);
    expect(parseMemoryMiB('x', 'MiB')).toBeNull();
  });
  it('gives GiB at MiB resolution for disks', () => {
    expect(parseDiskGiB('20')).toBe(20);
    expect(parseDiskGiB('512M')).toBe(0.5);
    expect(parseDiskGiB('1.0001')).toBe(1);
    expect(parseDiskGiB('0')).toBe(0);
    expect(parseDiskGiB('twenty')).toBeNull();
  });
});

describe('formatting', () => {
  it('formats numbers without trailing zeros', () => {
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(1 / 3)).toBe('0.33');
    expect(formatNumber(Number.NaN)).toBe('');
  });
  it('formats MiB', () => {
    expect(formatMiB(2048)).toBe('2 GiB');
    expect(formatMiB(512)).toBe('512 MiB');
    expect(formatMiB(null)).toBe('—');
    expect(bytesToGiB(20 * 2 ** 30)).toBe(20);
    expect(bytesToGiB(1.5 * 2 ** 30)).toBe(1.5);
  });
  it('converts a memory field between units', () => {
    expect(convertSizeText('2048', 'MiB', 'GiB')).toBe('2');
    expect(convertSizeText('1.5', 'GiB', 'MiB')).toBe('1536');
    expect(convertSizeText('300', 'MiB', 'GiB')).toBe('0.29');
    expect(convertSizeText('oops', 'MiB', 'GiB')).toBe('oops');
    expect(convertSizeText('2', 'GiB', 'GiB')).toBe('2');
  });
  it('shows whole GiB in GiB, the rest in MiB', () => {
    expect(memoryField(2048)).toEqual({ text: '2', unit: 'GiB' });
    expect(memoryField(1536)).toEqual({ text: '1536', unit: 'MiB' });
    expect(memoryField(512)).toEqual({ text: '512', unit: 'MiB' });
  });
  it('computes a used fraction within 0..1', () => {
    expect(usedFraction(25, 100)).toBe(0.25);
    expect(usedFraction(150, 100)).toBe(1);
    expect(usedFraction(10, 0)).toBe(0);
    expect(usedFraction(-5, 100)).toBe(0);
  });
});
