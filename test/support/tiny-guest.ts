// The tiny TCG test guest (scripts/build-tiny-guest.sh): Debian cloud kernel + busybox initramfs
// that prints TINY_GUEST_MARKER on the serial console and runs a shell.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';

export const TINY_GUEST_MARKER = 'VIRTDESK-TINY-GUEST-READY';
export const SYSTEM_URI = 'qemu:///system';

let fixtures: string | null = null;
/** Builds (or reuses) the kernel + initramfs; returns their folder. */
export function tinyGuestFiles(): { kernel: string; initrd: string } {
  fixtures ??= execFileSync('bash', [path.join(__dirname, '../../scripts/build-tiny-guest.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return { kernel: path.join(fixtures, 'vmlinuz'), initrd: path.join(fixtures, 'initrd.gz') };
}

export const CLOUD_GUEST_MARKER = 'VIRTDESK-CLOUD-GUEST-READY';
let cloudImage: string | null = null;
/**
 * A tiny bootable "cloud image" (scripts/build-cloud-test-image.sh) whose init reads the NoCloud
 * seed CD-ROM like cloud-init does and prints "VIRTDESK-SEED …" lines, then CLOUD_GUEST_MARKER.
 */
export function cloudTestImage(): string {
  cloudImage ??= execFileSync('bash', [path.join(__dirname, '../../scripts/build-cloud-test-image.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return cloudImage;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export function tinyGuestXml(name: string, o: { memoryMiB?: number; disk?: string } = {}): string {
  const f = tinyGuestFiles();
  const devices: Record<string, unknown> = {
    serial: { '@_type': 'pty', target: { '@_port': '0' } },
    console: { '@_type': 'pty', target: { '@_type': 'serial', '@_port': '0' } },
    graphics: { '@_type': 'vnc', '@_autoport': 'yes', '@_listen': '127.0.0.1' },
    video: { model: { '@_type': 'vga' } },
    interface: { '@_type': 'user', model: { '@_type': 'virtio' } },
  };
  if (o.disk) {
    devices.disk = { '@_type': 'file', '@_device': 'disk', driver: { '@_name': 'qemu', '@_type': 'qcow2' }, source: { '@_file': o.disk }, target: { '@_dev': 'vda', '@_bus': 'virtio' } };
  }
  const domain = {
    domain: {
      '@_type': 'qemu',
      name,
      memory: { '@_unit': 'MiB', '#text': String(o.memoryMiB ?? 256) },
      vcpu: '1',
      os: {
        type: { '@_arch': 'x86_64', '@_machine': 'pc', '#text': 'hvm' },
        kernel: f.kernel,
        initrd: f.initrd,
        cmdline: 'console=tty0 console=ttyS0 quiet',
      },
      features: { acpi: '' },
      on_poweroff: 'destroy',
      on_reboot: 'restart',
      devices,
    },
  };
  return new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true }).build(domain);
}
