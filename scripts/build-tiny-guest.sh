#!/usr/bin/env bash
# Builds the tiny test guest: Debian's cloud kernel + a busybox initramfs that prints a marker
# on the serial console and drops to a shell. Output goes to a cache folder the qemu driver can
# read (not committed). Prints the folder on its last line. Idempotent: reuses a finished build.
set -euo pipefail
out=${VIRTDESK_FIXTURES:-/var/lib/libvirt/images/virtdesk-fixtures}
# The cache is keyed by this script's content (and guest-kernel.sh's): change them, get a fresh build.
stamp=$(cat "$0" "$(dirname "$0")/guest-kernel.sh" | sha256sum | cut -c1-16)
# shellcheck source=guest-kernel.sh
. "$(dirname "$0")/guest-kernel.sh"
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ "$(cat "$out/.complete" 2>/dev/null)" = "$stamp" ]; then
  echo "$out"; exit 0
fi
for tool in busybox cpio gzip apt-get dpkg; do
  command -v "$tool" >/dev/null || { echo "build-tiny-guest: '$tool' is missing; run: npm run setup" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "build-tiny-guest: /bin/busybox (busybox-static) is missing; run: npm run setup" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# The cloud kernel (has 8250 serial + initrd support built in).
fetch_kernel cloud-amd64 "$work"
cp "$work"/kernel/boot/vmlinuz-* "$out/vmlinuz"

root="$work/initramfs"
mkdir -p "$root"/{bin,proc,sys,dev,tmp,lib/modules,var/run,var/log}
cp /bin/busybox "$root/bin/busybox"
# Modules, loaded in this order (dependencies first; the numeric prefix keeps the order):
# ACPI power button so a graceful shutdown request works, and virtio-blk so a disk shows up
# as /dev/vda (the cloud kernel has virtio only as modules).
n=10
for m in button evdev virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
  f=$(find "$work/kernel/lib/modules/$kver" -name "$m.ko*" | head -n 1 || true)
  [ -n "$f" ] && cp "$f" "$root/lib/modules/$n-$(basename "$f")"
  n=$((n + 1))
done
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /lib/modules/*.ko*; do
  case "$m" in *.xz) xz -dc "$m" > /tmp/m.ko && insmod /tmp/m.ko ;; *.zst) ;; *) insmod "$m" ;; esac 2>/dev/null
done
mkdir -p /etc/acpi/PWRF
printf '#!/bin/sh\npoweroff -f\n' > /etc/acpi/PWRF/00000080
chmod +x /etc/acpi/PWRF/00000080
acpid -l /dev/null
echo "VIRTDESK-TINY-GUEST-READY"
exec setsid cttyhack sh
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.gz"
chmod 0644 "$out/vmlinuz" "$out/initrd.gz"
echo "$stamp" > "$out/.complete"
echo "$out"
