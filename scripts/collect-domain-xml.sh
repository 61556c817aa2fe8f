#!/usr/bin/env bash
# Regenerates the domain XML corpus in test/fixtures/domain-xml/ (see docs/domain-model.md):
#   libvirt/       libvirt's own test documents, from a libvirt source tree given as
#                  LIBVIRT_SRC (a git checkout, or `apt-get source libvirt` with deb-src)
#   virt-install/  `virt-install --print-xml` for many option sets
#   dumpxml/       `virsh dumpxml` of a few of those, defined on qemu:///system as vdt-model-*
#                  and undefined again
# virt-install --print-xml still creates storage pools (and with size= even volumes) for disk
# paths, so disks here are network disks or empty CD-ROM drives only; the script fails if the
# set of storage pools changed.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=test/fixtures/domain-xml
URI=${URI:-qemu:///system}
PREFIX=vdt-model-

if [[ -n "${LIBVIRT_SRC:-}" ]]; then
  rm -rf "$OUT/libvirt"
  for dir in qemuxml2argvdata qemuxml2xmloutdata domainschemadata genericxml2xmlindata lxcxml2xmldata xlconfigdata bhyvexml2argvdata vmx2xmldata; do
    [[ -d "$LIBVIRT_SRC/tests/$dir" ]] || continue
    mkdir -p "$OUT/libvirt/$dir"
    # domain documents that are well-formed XML (some of libvirt's tests feed broken XML on purpose)
    python3 - "$LIBVIRT_SRC/tests/$dir" "$OUT/libvirt/$dir" <<'PY'
import glob, os, shutil, sys, xml.dom.minidom as m
src, dst = sys.argv[1], sys.argv[2]
for f in sorted(glob.glob(os.path.join(src, '*.xml'))):
    try:
        if m.parse(f).documentElement.tagName == 'domain':
            shutil.copy(f, dst)
    except Exception:
        pass
PY
  done
else
  echo "LIBVIRT_SRC not set: keeping $OUT/libvirt as it is" >&2
fi

pools_before=$(virsh -c "$URI" pool-list --all --name | sort)

NET="--network network=default"
# virt-install reads the kernel and initrd it is given: empty stand-ins
KERNEL_DIR=$(mktemp -d /tmp/vdt-model-kernel.XXXXXX)
trap 'rm -rf "$KERNEL_DIR"' EXIT
: > "$KERNEL_DIR/vmlinuz"
: > "$KERNEL_DIR/initrd.img"
NBD="type=network,source.protocol=nbd,source.host0.name=127.0.0.1,source.host0.port=10809,source.name=disk0,driver.type=raw"
# name|options (each run adds --name, --print-xml and --osinfo detect=on,require=off)
SETS=(
  "minimal|--memory 512 --disk none --import --network none --graphics none"
  "debian11|--memory 2048 --vcpus 2 --osinfo debian11 --disk $NBD,target.bus=virtio --import $NET"
  "direct-kernel-virtio|--memory 512 --disk $NBD,target.bus=virtio --install kernel=$KERNEL_DIR/vmlinuz,initrd=$KERNEL_DIR/initrd.img,kernel_args=console=ttyS0 --network none --graphics none"
  "debian11-uefi|--memory 2048 --vcpus 2 --osinfo debian11 --boot uefi --disk $NBD,target.bus=virtio --import $NET"
  "win11|--memory 4096 --vcpus 4 --osinfo win11 --disk $NBD,target.bus=sata --disk device=cdrom,bus=sata --import $NET --tpm emulator,model=tpm-crb,version=2.0 --boot uefi"
  "win10-bios|--memory 4096 --vcpus 2 --osinfo win10 --disk $NBD,target.bus=sata --import $NET"
  "win2k22|--memory 4096 --vcpus 4 --osinfo win2k22 --disk $NBD --import $NET --features hyperv.relaxed.state=on,hyperv.vapic.state=on,hyperv.spinlocks.state=on,hyperv.spinlocks.retries=8191"
  "fedora-spice|--memory 2048 --osinfo fedora37 --disk none --import $NET --graphics spice --video qxl --channel spicevmc --sound ich9"
  "ubuntu-vnc|--memory 2048 --osinfo ubuntu22.04 --disk none --import $NET --graphics vnc,listen=127.0.0.1,password=secret --video virtio"
  "alpine-serial|--memory 256 --osinfo alpinelinux3.17 --disk none --import --graphics none --console pty,target.type=serial --serial pty"
  "freebsd|--memory 1024 --osinfo freebsd13.1 --disk none --import $NET,model=e1000"
  "rhel9-q35|--memory 2048 --osinfo rhel9.0 --machine q35 --disk $NBD --import $NET --rng /dev/urandom"
  "generic-i440fx|--memory 1024 --osinfo generic --machine pc --disk $NBD,target.bus=ide --import --network user"
  "cpu-passthrough|--memory 1024 --disk none --import --cpu host-passthrough,cache.mode=passthrough --network none"
  "cpu-host-model|--memory 1024 --disk none --import --cpu host-model --network none"
  "cpu-custom|--memory 1024 --disk none --import --cpu Skylake-Client,+vmx,-hle,match=exact --network none"
  "cpu-topology|--memory 1024 --disk none --import --vcpus 8,maxvcpus=16,sockets=2,cores=4,threads=2 --network none"
  "memory-hotplug|--memory 2048,maxMemory=8192,maxMemory.slots=4 --cpu host-passthrough,cell0.cpus=0,cell0.memory=2097152 --disk none --import --memdev dimm,target.size=512,target.node=0 --network none"
  "virtio-mem|--memory 2048,maxMemory=8192,maxMemory.slots=2 --cpu host-passthrough,cell0.cpus=0,cell0.memory=2097152 --disk none --import --memdev virtio-mem,target.size=1024,target.node=0,target.block=2048,target.requested=512 --network none"
  "direct-kernel|--memory 512 --disk none --install kernel=$KERNEL_DIR/vmlinuz,initrd=$KERNEL_DIR/initrd.img,kernel_args='console=ttyS0 root=/dev/vda' --network none --graphics none"
  "boot-order|--memory 512 --disk $NBD --disk device=cdrom,bus=sata --boot hd,cdrom,network,menu=on --import $NET"
  "boot-per-device|--memory 512 --disk $NBD,boot.order=2 --disk device=cdrom,bus=sata,boot.order=1 --import $NET"
  "multi-nic|--memory 512 --disk none --import --network network=default,model=virtio,mac=52:54:00:12:34:56 --network bridge=br0,model=e1000e --network type=direct,source=eth0,source.mode=bridge --network user,model=rtl8139"
  "nic-link-down|--memory 512 --disk none --import --network network=default,link.state=down,mtu.size=1400"
  "scsi|--memory 512 --controller scsi,model=virtio-scsi --disk $NBD,target.bus=scsi --disk device=cdrom,bus=scsi --import --network none"
  "usb-redir|--memory 512 --disk none --import --network none --graphics spice --redirdev usb,type=spicevmc --redirdev usb,type=tcp,server=localhost:4000 --controller usb,model=qemu-xhci"
  "input|--memory 512 --disk none --import --network none --input tablet,bus=usb --input keyboard,bus=virtio --input mouse,bus=ps2"
  "watchdog|--memory 512 --disk none --import --network none --watchdog i6300esb,action=poweroff"
  "panic|--memory 512 --disk none --import --network none --panic isa"
  "memballoon|--memory 512 --disk none --import --network none --memballoon virtio,stats.period=10"
  "memballoon-none|--memory 512 --disk none --import --network none --memballoon none"
  "smartcard|--memory 512 --disk none --import --network none --smartcard passthrough,type=spicevmc --graphics spice"
  "filesystem|--memory 1024 --memorybacking source.type=memfd,access.mode=shared --disk none --import --network none --filesystem /srv/share,share,driver.type=virtiofs"
  "filesystem-9p|--memory 512 --disk none --import --network none --filesystem /srv/share,share9p,accessmode=mapped"
  "channels|--memory 512 --disk none --import --network none --channel unix,target.type=virtio,name=org.qemu.guest_agent.0 --channel pty,target.type=virtio,name=org.example.0"
  "parallel|--memory 512 --disk none --import --network none --parallel pty"
  "serial-tcp|--memory 512 --disk none --import --network none --serial tcp,host=127.0.0.1:4555,mode=bind,protocol.type=telnet"
  "tpm-tis|--memory 512 --disk none --import --network none --tpm emulator,model=tpm-tis,version=2.0"
  "shmem|--memory 512 --disk none --import --network none --shmem name=shmem0,model.type=ivshmem-plain,size=4,size.unit=M"
  "iommu|--memory 1024 --machine q35 --features ioapic.driver=qemu --disk none --import --network none --iommu model=intel,driver.intremap=on,driver.caching_mode=on"
  "vsock|--memory 512 --disk none --import --network none --vsock cid.auto=yes"
  "vsock-cid|--memory 512 --disk none --import --network none --vsock cid.address=42"
  "sound-hda|--memory 512 --disk none --import --network none --sound ich6 --audio id=1,type=spice --graphics spice"
  "video-vga|--memory 512 --disk none --import --network none --video vga --graphics vnc"
  "video-bochs|--memory 512 --disk none --import --network none --video bochs --graphics vnc"
  "video-ramfb|--memory 512 --disk none --import --network none --video ramfb --graphics vnc"
  "graphics-none-egl|--memory 512 --disk none --import --network none --graphics egl-headless --graphics spice,gl.enable=no"
  "hub|--memory 512 --disk none --import --network none --xml xpath.create=./devices/hub --xml ./devices/hub/@type=usb"
  "crypto|--memory 512 --disk none --import --network none --xml xpath.create=./devices/crypto --xml ./devices/crypto/@model=virtio --xml ./devices/crypto/@type=qemu --xml ./devices/crypto/backend/@model=builtin"
  "events|--memory 512 --disk none --import --network none --events on_poweroff=destroy,on_reboot=restart,on_crash=coredump-restart --pm suspend_to_mem.enabled=off,suspend_to_disk.enabled=off"
  "clock|--memory 512 --disk none --import --network none --clock offset=localtime,rtc_tickpolicy=catchup,hpet_present=no,kvmclock_present=yes"
  "metadata|--memory 512 --disk none --import --network none --metadata title='A & B <test>',description='multi\nline \"quoted\"'"
  "sysinfo|--memory 512 --disk none --import --network none --sysinfo smbios,system.manufacturer=Virtdesk,system.product=Model,bios.vendor=Test"
  "memtune|--memory 1024 --disk none --import --network none --memtune hard_limit=2097152,soft_limit=1048576 --cputune vcpupin0.vcpu=0,vcpupin0.cpuset=0 --numatune 0,mode=preferred"
  "iothreads|--memory 512 --iothreads 2 --disk $NBD,driver.iothread=1 --import --network none"
  "hugepages|--memory 1024 --memorybacking hugepages=on --disk none --import --network none"
  "seclabel|--memory 512 --disk none --import --network none --security type=dynamic"
  "qemu-cmdline|--memory 512 --disk none --import --network none --qemu-commandline='-device pci-testdev'"
  "launch-features|--memory 512 --disk none --import --network none --features smm.state=on,kvm.hidden.state=on,pmu.state=off,vmcoreinfo.state=on"
  "uefi-secure|--memory 2048 --machine q35 --boot uefi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=yes,firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=yes --disk none --import --network none"
  "uefi-loader|--memory 2048 --machine q35 --boot loader=/usr/share/OVMF/OVMF_CODE_4M.fd,loader.readonly=yes,loader.type=pflash,nvram.template=/usr/share/OVMF/OVMF_VARS_4M.fd --disk none --import --network none"
  "controllers|--memory 512 --disk none --import --network none --controller virtio-serial --controller usb,model=qemu-xhci --controller pci,index=1,model=pcie-root-port --machine q35"
  "pstore|--memory 512 --disk none --import --network none --xml xpath.create=./devices/pstore --xml ./devices/pstore/@backend=acpi-erst --xml ./devices/pstore/path=/var/lib/libvirt/qemu/nvram/guest.nvram --xml ./devices/pstore/size=8 --xml ./devices/pstore/size/@unit=KiB --machine q35"
)

rm -rf "$OUT/virt-install" && mkdir -p "$OUT/virt-install"
ok=0
for entry in "${SETS[@]}"; do
  name=${entry%%|*}
  opts=${entry#*|}
  if eval virt-install --connect "$URI" --print-xml --name "${PREFIX}${name}" --osinfo detect=on,require=off "$opts" > "$OUT/virt-install/$name.xml" 2> "/tmp/${PREFIX}${name}.err"; then
    ok=$((ok + 1))
    # an install with a separate install phase (--install kernel=…) prints two documents
    if [[ $(grep -c '^<domain' "$OUT/virt-install/$name.xml") -gt 1 ]]; then
      awk -v base="$OUT/virt-install/$name" '/^<domain/ { n++ } { print > (base "-" n ".xml") }' "$OUT/virt-install/$name.xml"
      rm "$OUT/virt-install/$name.xml"
    fi
  else
    echo "virt-install set '$name' failed: $(tail -1 "/tmp/${PREFIX}${name}.err")" >&2
    rm -f "$OUT/virt-install/$name.xml"
  fi
done
echo "virt-install: $ok of ${#SETS[@]} option sets printed XML" >&2

# (c) define a few, read back what libvirt made of them, undefine
rm -rf "$OUT/dumpxml" && mkdir -p "$OUT/dumpxml"
for name in debian11 debian11-uefi multi-nic scsi channels memory-hotplug uefi-secure controllers boot-order nic-link-down iommu fedora-spice; do
  src="$OUT/virt-install/$name.xml"
  [[ -f "$src" ]] || continue
  if virsh -c "$URI" define "$src" >/dev/null 2>"/tmp/${PREFIX}${name}.err"; then
    virsh -c "$URI" dumpxml --inactive "${PREFIX}${name}" > "$OUT/dumpxml/$name.xml"
    virsh -c "$URI" undefine --nvram "${PREFIX}${name}" >/dev/null 2>&1 || virsh -c "$URI" undefine "${PREFIX}${name}" >/dev/null
  else
    echo "define of '$name' failed: $(tail -1 "/tmp/${PREFIX}${name}.err")" >&2
  fi
done

pools_after=$(virsh -c "$URI" pool-list --all --name | sort)
if [[ "$pools_before" != "$pools_after" ]]; then
  echo "storage pools changed during collection (before: $pools_before; after: $pools_after): remove the new ones" >&2
  exit 1
fi
echo "corpus: $(find "$OUT" -name '*.xml' | wc -l) documents, $(du -sh "$OUT" | cut -f1)" >&2
