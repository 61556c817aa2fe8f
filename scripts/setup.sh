#!/usr/bin/env bash
# npm run setup: installs the host packages Virtdesk and its tests need (apt, only when
# missing), makes sure libvirtd answers, then installs the npm dependencies (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-daemon-driver-lxc libvirt-clients libvirt0
  qemu-system-x86 qemu-utils ovmf osinfo-db debian-installer-12-netboot-amd64
  busybox-static cpio kmod syslinux mtools dosfstools grub-rescue-pc genisoimage openssl virtinst tini dnsmasq-base openssh-server acl strace
  chromium fonts-dejavu-core fonts-noto-cjk
  zsh fish
  libsecret-tools gnome-keyring dbus
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing host packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  # openssh-server is here only so the tests can run a second "host" with its own sshd on a
  # loopback port. Installing it must not open an SSH server on this machine: when setup
  # installed it, the system service the package enables is switched off again.
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
    echo "setup: openssh-server was installed for the tests; its system service is left disabled"
  fi
else
  echo "setup: host packages are installed"
fi

# Under systemd the package starts libvirtd; elsewhere (containers, CI) start it ourselves.
if ! virsh -c qemu:///system uri >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl enable --now virtlogd libvirtd || true
  else
    "${sudo[@]}" bash scripts/start-daemons.sh
  fi
fi

npm ci
