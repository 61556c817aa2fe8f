#!/usr/bin/env bash
# Builds a tiny bootable "cloud image" for tests: a FAT disk with syslinux, Debian's generic
# kernel (it has the AHCI and CD-ROM drivers the cloud kernel lacks) and a busybox initramfs
# that does what cloud-init's NoCloud datasource does first: find the CD-ROM labelled cidata,
# read meta-data and user-data, and set the host name. It prints what it found on the serial
# console, e.g. "VIRTDESK-SEED local-hostname: web-1", then "VIRTDESK-CLOUD-GUEST-READY".
# Output: cloud-test.qcow2 in the fixtures folder (cached, keyed by this script and guest-kernel.sh). Prints its path.
set -euo pipefail
out=${VIRTDESK_FIXTURES:-/var/lib/libvirt/images/virtdesk-fixtures}
image="$out/cloud-test.qcow2"
stamp=$(cat "$0" "$(dirname "$0")/guest-kernel.sh" | sha256sum | cut -c1-16)
# shellcheck source=guest-kernel.sh
. "$(dirname "$0")/guest-kernel.sh"
if [ -s "$image" ] && [ "$(cat "$out/.cloud-complete" 2>/dev/null)" = "$stamp" ]; then
  echo "$image"; exit 0
fi
for tool in busybox cpio gzip apt-get dpkg syslinux mcopy mkfs.vfat qemu-img; do
  command -v "$tool" >/dev/null || { echo "build-cloud-test-image: '$tool' is missing; run: npm run setup" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

fetch_kernel amd64 "$work"
mods="$work/kernel/lib/modules/$kver"

root="$work/initramfs"
mkdir -p "$root"/{bin,proc,sys,dev,tmp,mnt,lib/modules/"$kver"}
cp /bin/busybox "$root/bin/busybox"
# The drivers to reach a SATA (q35) or IDE (pc) CD-ROM and read ISO 9660, with every module they
# depend on (depmod's modules.dep of the whole package); busybox modprobe loads them in order.
command -v depmod >/dev/null || { echo "build-cloud-test-image: depmod (kmod) is missing" >&2; exit 1; }
depmod -b "$work/kernel" "$kver"
want=$(for m in ahci ata_piix sr_mod isofs; do grep -E "/$m\.ko(\.xz)?:" "$mods/modules.dep" | tr -d ':' ; done | tr ' ' '\n' | sort -u)
for rel in $want; do
  mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
  cp "$mods/$rel" "$root/lib/modules/$kver/$rel"
done
cp "$mods"/modules.builtin* "$root/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$root" "$kver"

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in ahci ata_piix sr_mod isofs; do modprobe "$m" 2>/dev/null; done
seed=
for i in $(seq 1 100); do
  for dev in /dev/sr0 /dev/sr1; do
    [ -b "$dev" ] && mount -t iso9660 -o ro "$dev" /mnt 2>/dev/null && { seed=$dev; break 2; }
  done
  sleep 0.1
done
if [ -n "$seed" ] && [ -f /mnt/meta-data ]; then
  label=$(dd if="$seed" bs=1 skip=32808 count=32 2>/dev/null | tr -d ' ')
  echo "VIRTDESK-SEED label: $label"
  sed -n 's/^\(local-hostname\|instance-id\): */VIRTDESK-SEED \1: /p' /mnt/meta-data
  sed -n 's/^  - name: */VIRTDESK-SEED user: /p' /mnt/user-data
  host=$(sed -n 's/^local-hostname: *//p' /mnt/meta-data | tr -d '"')
  [ -n "$host" ] && hostname "$host"
else
  echo "VIRTDESK-SEED none"
fi
echo "VIRTDESK-CLOUD-GUEST-READY hostname=$(hostname)"
exec setsid cttyhack sh
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$work/initrd.gz"

# A partitionless FAT disk (64 MiB) that syslinux boots from its first sector.
raw="$work/disk.img"
mkfs.vfat -n CLOUDTEST -C "$raw" 65536 >/dev/null
syslinux --install "$raw"
cp "$work"/kernel/boot/vmlinuz-* "$work/vmlinuz"
printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL vmlinuz\n  INITRD initrd.gz\n  APPEND console=ttyS0 quiet\n' > "$work/syslinux.cfg"
mcopy -i "$raw" "$work/vmlinuz" "$work/initrd.gz" "$work/syslinux.cfg" ::/
qemu-img convert -q -f raw -O qcow2 "$raw" "$image.tmp"
chmod 0644 "$image.tmp"
mv "$image.tmp" "$image"
echo "$stamp" > "$out/.cloud-complete"
echo "$image"
