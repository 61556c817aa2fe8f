// The tiny guest's busybox initramfs booted with Debian's generic kernel of the same version,
// for tests of shared folders: the cloud kernel the tiny guest uses has no 9p at all
// (CONFIG_NET_9P is not set), the generic one has it as modules. The initramfs gets the virtio
// and 9p modules (its /init loads /lib/modules/*.ko* in name order, so they are numbered in
// dependency order; the cloud kernel's modules are dropped). The balloon driver lets memory
// changes of the running guest take effect (bench/edit.ts). Cached next to the tiny guest.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tinyGuestFiles } from './tiny-guest';

const MODULES = [
  'drivers/virtio/virtio_ring', 'drivers/virtio/virtio', 'drivers/virtio/virtio_pci_legacy_dev', 'drivers/virtio/virtio_pci_modern_dev', 'drivers/virtio/virtio_pci',
  'drivers/block/virtio_blk', 'drivers/virtio/virtio_balloon', 'fs/netfs/netfs', 'fs/fscache/fscache', 'net/9p/9pnet', 'net/9p/9pnet_virtio', 'fs/9p/9p',
];

export function ninepGuestFiles(): { kernel: string; initrd: string } {
  const tiny = tinyGuestFiles();
  const vmlinuz = fs.readFileSync(tiny.kernel);
  const at = vmlinuz.readUInt16LE(0x20e) + 0x200; // bzImage header: kernel_version string
  const version = vmlinuz.subarray(at, at + 128).toString('latin1').split(/[\s\0]/)[0].replace(/-cloud-amd64$/, '-amd64');
  const dir = path.join(path.dirname(tiny.kernel), `9p-${version}-${crypto.createHash('sha256').update(MODULES.join()).digest('hex').slice(0, 8)}`);
  const out = { kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd-9p.gz') };
  if (fs.existsSync(path.join(dir, '.complete'))) return out;
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const work = fs.mkdtempSync(path.join(dir, 'work-'));
  try {
    execFileSync('apt-get', ['download', '-q', `linux-image-${version}`], { cwd: work, stdio: 'ignore' });
    const deb = fs.readdirSync(work).find((n) => n.endsWith('.deb'))!;
    execFileSync('dpkg', ['-x', path.join(work, deb), path.join(work, 'pkg')]);
    const root = path.join(work, 'root');
    fs.mkdirSync(root);
    execFileSync('sh', ['-c', `gzip -dc "$1" | cpio -idm --quiet`, 'sh', tiny.initrd], { cwd: root });
    const modDir = path.join(root, 'lib/modules');
    for (const m of fs.readdirSync(modDir)) fs.rmSync(path.join(modDir, m));
    const mods = path.join(work, 'pkg/lib/modules', version, 'kernel');
    MODULES.forEach((m, i) => fs.copyFileSync(path.join(mods, `${m}.ko`), path.join(modDir, `${String(i).padStart(2, '0')}-${path.basename(m)}.ko`)));
    execFileSync('sh', ['-c', `find . | cpio -o -H newc --quiet | gzip -1 > "$1"`, 'sh', out.initrd], { cwd: root });
    fs.copyFileSync(path.join(work, 'pkg/boot', `vmlinuz-${version}`), out.kernel);
    for (const f of [out.kernel, out.initrd]) fs.chmodSync(f, 0o644);
    fs.writeFileSync(path.join(dir, '.complete'), version);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return out;
}
