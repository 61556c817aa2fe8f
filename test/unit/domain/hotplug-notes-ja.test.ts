// The Hardware tab shows where a change applies ("sound cards cannot be hotplugged: next boot")
// after an add, and refusals quote the same notes. Every note of the hotplug tables has a message
// key, so the Japanese UI shows it in Japanese — alone and inside a refusal.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/contract';
import { hotplugNoteText } from '../../../src-main/contract/messages';
import { DEVICE_CHANGE_TABLE, DOMAIN_CHANGE_TABLE } from '../../../src-main/domain/hotplug';
import { translateServerText } from '../../../src-renderer/i18n';

const notes = [...new Set([...DEVICE_CHANGE_TABLE.map((r) => r.note), ...Object.values(DOMAIN_CHANGE_TABLE).map((s) => s.note)])];

describe('hotplug notes in Japanese', () => {
  it('every note of the device and domain change tables has a key and a Japanese text', () => {
    expect(notes.length).toBeGreaterThan(40);
    const missing = notes.filter((n) => !hotplugNoteText(n));
    expect(missing, 'give these notes a template in HOTPLUG_NOTES (contract/messages.ts) and Japanese in ja-server.ts').toEqual([]);
    for (const n of notes) expect(translateServerText('ja', hotplugNoteText(n), n), n).not.toBe(n);
  });

  it('a note shown after a change, and one inside a refusal, read in Japanese', () => {
    const note = 'sound cards cannot be hotplugged: next boot';
    expect(translateServerText('ja', hotplugNoteText(note), note)).toBe('サウンドカードはホットプラグできません。次回の起動から反映されます');
    const noApi = 'libvirt has no device API for tpm: redefine, next boot';
    expect(translateServerText('ja', hotplugNoteText(noApi), noApi)).toBe('libvirt には tpm 用のデバイス「API」がありません。定義し直すため、次回の起動から反映されます');
    const refusal = JSON.parse(JSON.stringify(new ApiError('INVALID_INPUT', `Cannot add a sound live: ${note}. Leave out live to add it for the next boot.`, 'live')));
    expect(refusal.key).toBe('error.edit.addNotLive');
    expect(refusal.params.note).toEqual({ key: 'hotplug.soundNextBoot' });
    const ja = translateServerText('ja', refusal, refusal.message);
    expect(ja).toContain('サウンドカードはホットプラグできません');
    expect(ja).not.toContain(note);
  });
});
