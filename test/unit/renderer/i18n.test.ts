import { describe, expect, it } from 'vitest';
import { dictionaries, en, ja, translate, type MessageKey } from '../../../src-renderer/i18n';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

describe('i18n dictionaries', () => {
  it('en and ja have exactly the same keys', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });
  it('has no empty strings', () => {
    for (const [lang, dict] of Object.entries(dictionaries)) {
      for (const [key, value] of Object.entries(dict)) {
        expect(typeof value, `${lang}:${key}`).toBe('string');
        expect(value.trim(), `${lang}:${key}`).not.toBe('');
      }
    }
  });
  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
  });
  it('translates the core vocabulary into natural Japanese', () => {
    expect(ja['action.start']).toBe('起動');
    expect(ja['action.shutdown']).toBe('シャットダウン');
    expect(ja['action.forceOff']).toBe('強制終了');
    expect(ja['action.pause']).toBe('一時停止');
    expect(ja['action.resume']).toBe('再開');
    expect(ja['nav.vms']).toBe('仮想マシン');
    expect(ja['sidebar.label']).toBe('接続');
    expect(ja['nav.host']).toBe('ホスト');
    expect(ja['nav.settings']).toBe('設定');
    expect(ja['search.label']).toContain('検索');
  });
});

describe('translate', () => {
  it('substitutes parameters and leaves unknown ones', () => {
    expect(translate('en', 'banner.reconnecting', { uri: 'qemu:///system' })).toBe('Lost connection to qemu:///system — reconnecting…');
    expect(translate('ja', 'vms.count', { shown: 3, total: 10 })).toBe('10 台中 3 台');
    expect(translate('en', 'vms.count', { shown: 3 })).toBe('3 of {total}');
    expect(translate('en', 'action.start')).toBe('Start');
  });
});
