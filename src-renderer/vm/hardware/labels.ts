// The device list's names for device groups, in the UI's language.
import { t } from '../../i18n';
import type { DeviceGroup, HwDevice } from './hardware-logic';

const GROUP_KEYS = {
  disk: 'hw.group.disk', cdrom: 'hw.group.cdrom', interface: 'hw.group.interface', graphics: 'hw.group.graphics', video: 'hw.group.video',
  sound: 'hw.group.sound', input: 'hw.group.input', serial: 'hw.group.serial', console: 'hw.group.console', channel: 'hw.group.channel',
  tpm: 'hw.group.tpm', rng: 'hw.group.rng', watchdog: 'hw.group.watchdog', controller: 'hw.group.controller', hostdev: 'hw.group.hostdev',
  filesystem: 'hw.group.filesystem', other: 'hw.group.other',
} as const satisfies Record<DeviceGroup, string>;

export const groupLabel = (g: DeviceGroup): string => t(GROUP_KEYS[g]);

/** "Disk vda", "NIC 52:54:00:…", "Video virtio". */
export function deviceTitle(d: HwDevice): string {
  const base = d.group === 'other' ? `${groupLabel('other')}: ${d.kind}` : groupLabel(d.group);
  return d.name ? `${base} ${d.name}` : base;
}
