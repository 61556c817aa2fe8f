// A guest that boots the GRUB rescue CD (Debian's grub-rescue-pc): a BIOS machine whose VGA text
// screen shows GRUB and takes keys, over VNC. Its ISO is copied under /var/lib/libvirt/images,
// which the qemu driver may read — on this machine and on the second test host, which shares
// that folder (test/support/second-host.ts).
import fs from 'node:fs';
import path from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';

const FIXTURES = '/var/lib/libvirt/images/virtdesk-fixtures';
const GRUB_ISO_SOURCE = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
/** Where grubIso() puts the copy. */
export const GRUB_ISO = path.join(FIXTURES, 'grub-rescue-cdrom.iso');

/** A copy of the GRUB rescue CD where the qemu driver may read it (copied once). */
export function grubIso(): string {
  if (!fs.existsSync(GRUB_ISO_SOURCE)) throw new Error(`${GRUB_ISO_SOURCE} is missing: run 'npm run setup' (package grub-rescue-pc)`);
  fs.mkdirSync(FIXTURES, { recursive: true });
  if (!fs.existsSync(GRUB_ISO) || fs.statSync(GRUB_ISO).size !== fs.statSync(GRUB_ISO_SOURCE).size) {
    const tmp = `${GRUB_ISO}.${process.pid}.tmp`;
    fs.copyFileSync(GRUB_ISO_SOURCE, tmp);
    fs.chmodSync(tmp, 0o644);
    fs.renameSync(tmp, GRUB_ISO);
  }
  return GRUB_ISO;
}

/** BIOS guest booting the GRUB rescue CD: a text screen on VGA, reachable over VNC. */
export function grubGuestXml(name: string, iso: string): string {
  const domain = {
    domain: {
      '@_type': 'qemu',
      name,
      memory: { '@_unit': 'MiB', '#text': '256' },
      vcpu: '1',
      os: {
        type: { '@_arch': 'x86_64', '@_machine': 'pc', '#text': 'hvm' },
        boot: { '@_dev': 'cdrom' },
      },
      features: { acpi: '' },
      on_poweroff: 'destroy',
      on_reboot: 'restart',
      devices: {
        disk: {
          '@_type': 'file',
          '@_device': 'cdrom',
          driver: { '@_name': 'qemu', '@_type': 'raw' },
          source: { '@_file': iso },
          target: { '@_dev': 'hdc', '@_bus': 'ide' },
          readonly: '',
        },
        graphics: { '@_type': 'vnc', '@_autoport': 'yes', '@_listen': '127.0.0.1' },
        video: { model: { '@_type': 'vga' } },
      },
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(domain);
}
