// The tiny guest with virtio disks and NICs it can see. Its cloud kernel has virtio as modules
// (CONFIG_VIRTIO_PCI=m, CONFIG_VIRTIO_BLK=m, CONFIG_VIRTIO_NET=m) and its initramfs loads only
// button/evdev, so /dev/vda does not exist there and `echo x > /dev/vda` would write a file in RAM.
// This repacks the initramfs with the virtio modules of the same kernel (its /init loads
// /lib/modules/*.ko* in name order, so they are numbered in dependency order).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tinyGuestFiles } from './tiny-guest';

export function virtioGuestFiles(dir: string): { kernel: string; initrd: string } {
  const f = tinyGuestFiles();
  const vmlinuz = fs.readFileSync(f.kernel);
  const at = vmlinuz.readUInt16LE(0x20e) + 0x200; // bzImage header: kernel_version string
  const version = vmlinuz.subarray(at, at + 128).toString('latin1').split(/[\s\0]/)[0];
  const work = fs.mkdtempSync(path.join(dir, 'guest-'));
  fs.chmodSync(work, 0o755);
  execFileSync('apt-get', ['download', '-q', `linux-image-${version}`], { cwd: work, stdio: 'ignore' });
  const deb = fs.readdirSync(work).find((n) => n.endsWith('.deb'))!;
  execFileSync('dpkg', ['-x', path.join(work, deb), path.join(work, 'pkg')]);
  const root = path.join(work, 'root');
  fs.mkdirSync(root);
  execFileSync('sh', ['-c', `gzip -dc "$1" | cpio -idm --quiet`, 'sh', f.initrd], { cwd: root });
  const mods = path.join(work, 'pkg/lib/modules', version, 'kernel');
  const order = [
    'drivers/virtio/virtio_ring', 'drivers/virtio/virtio', 'drivers/virtio/virtio_pci_legacy_dev', 'drivers/virtio/virtio_pci_modern_dev', 'drivers/virtio/virtio_pci',
    'drivers/block/virtio_blk', 'net/core/failover', 'drivers/net/net_failover', 'drivers/net/virtio_net',
  ];
  order.forEach((m, i) => fs.copyFileSync(path.join(mods, `${m}.ko`), path.join(root, 'lib/modules', `${String(i).padStart(2, '0')}-${path.basename(m)}.ko`)));
  const initrd = path.join(dir, 'initrd-virtio.gz');
  execFileSync('sh', ['-c', `find . | cpio -o -H newc --quiet | gzip -1 > "$1"`, 'sh', initrd], { cwd: root });
  fs.chmodSync(initrd, 0o644);
  fs.rmSync(work, { recursive: true, force: true });
  return { kernel: f.kernel, initrd };
}
