#!/usr/bin/env bash
# A private libvirtd for OS containers (libvirt LXC) on hosts whose system daemon cannot start
# them: cgroup v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified (the "hybrid"
# layout) make libvirt's LXC driver fail with "Unable to create directory
# /sys/fs/cgroup/unified". In a mount namespace of its own, with that cgroup2 mount hidden,
# libvirt uses the v1 controllers and containers start. On a pure cgroup v2 (systemd) host use
# lxc:///system directly; this script is not needed there.
#
#   scripts/start-lxc-daemon.sh start   # idempotent; prints the connection URI
#   scripts/start-lxc-daemon.sh stop    # stops the daemon this script started
#   scripts/start-lxc-daemon.sh uri     # prints the connection URI
#
# How Virtdesk reaches it: lxc:///system?socket=/run/libvirt/virtdesk-lxc/libvirt-sock. The socket
# lies inside /run/libvirt, the only place Virtdesk's URI policy lets a `socket=` parameter name.
#
# Isolation from the system daemon (both run as root on one machine):
# - /run/libvirt, /etc/libvirt, /var/lib/libvirt/lxc, /var/lib/libvirt/dnsmasq and
#   /var/log/libvirt/lxc are private folders bound over the shared ones inside the namespace. A
#   shared /etc/libvirt would let this daemon's drivers see the system daemon's VMs and networks
#   as "not running" and autostart them a second time.
# - Only the LXC, network and storage drivers are loaded (LIBVIRT_DRIVER_DIR): no second QEMU
#   driver. Its networks and pools are its own (defined through this daemon).
# Root filesystems and host folders stay visible: only the folders above are private.
set -euo pipefail

RUN_DIR=${VIRTDESK_LXC_RUN_DIR:-/run/libvirt/virtdesk-lxc}
STATE_DIR=${VIRTDESK_LXC_STATE_DIR:-/var/lib/virtdesk-lxc}
SOCKET="$RUN_DIR/libvirt-sock"
URI="lxc:///system?socket=$SOCKET"
DRIVERS=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
[ -d "$DRIVERS" ] || DRIVERS=$(dirname "$(find /usr/lib -name libvirt_driver_lxc.so -print -quit 2>/dev/null || true)")

answers() { virsh -c "$URI" uri >/dev/null 2>&1; }

start() {
  if [ "$(id -u)" -ne 0 ]; then echo "start-lxc-daemon: run as root (containers need it)" >&2; exit 1; fi
  if [ ! -f "$DRIVERS/libvirt_driver_lxc.so" ]; then
    echo "start-lxc-daemon: libvirt's LXC driver is missing: apt install libvirt-daemon-driver-lxc" >&2
    exit 1
  fi
  if answers; then echo "$URI"; return 0; fi
  mkdir -p "$RUN_DIR" "$STATE_DIR"/{etc,drivers,lib-lxc,lib-dnsmasq,log-lxc}
  for f in libvirt.conf libvirtd.conf lxc.conf; do
    [ -f "$STATE_DIR/etc/$f" ] || cp "/etc/libvirt/$f" "$STATE_DIR/etc/$f"
  done
  ln -sf "$DRIVERS/libvirt_driver_lxc.so" "$STATE_DIR/drivers/"
  ln -sf "$DRIVERS/libvirt_driver_network.so" "$STATE_DIR/drivers/"
  ln -sf "$DRIVERS/libvirt_driver_storage.so" "$STATE_DIR/drivers/"
  rm -f "$SOCKET" "$STATE_DIR/pid"
  local reaper=()
  if command -v tini >/dev/null; then reaper=(tini -s --); fi
  # The namespace's own script: everything after `unshare -m` happens only inside it.
  setsid unshare -m "${reaper[@]}" env LIBVIRT_DRIVER_DIR="$STATE_DIR/drivers" bash -c '
    set -e
    mount --make-rprivate /
    if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
    mount --bind "$1" /run/libvirt
    mount --bind "$2/etc" /etc/libvirt
    mkdir -p /var/lib/libvirt/lxc /var/lib/libvirt/dnsmasq /var/log/libvirt/lxc
    mount --bind "$2/lib-lxc" /var/lib/libvirt/lxc
    mount --bind "$2/lib-dnsmasq" /var/lib/libvirt/dnsmasq
    mount --bind "$2/log-lxc" /var/log/libvirt/lxc
    exec libvirtd -p "$2/pid"
  ' start-lxc-daemon "$RUN_DIR" "$STATE_DIR" >>"$STATE_DIR/libvirtd.log" 2>&1 </dev/null &
  for _ in $(seq 60); do
    if answers; then echo "$URI"; return 0; fi
    sleep 0.5
  done
  echo "start-lxc-daemon: the private libvirtd did not answer on $URI within 30 s; see $STATE_DIR/libvirtd.log" >&2
  exit 1
}

stop() {
  local pid
  pid=$(cat "$STATE_DIR/pid" 2>/dev/null || true)
  # Only the private daemon: a pid file left behind may name a number since reused, and the
  # system libvirtd runs in this script's mount namespace, the private one never does.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    && [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/$$/ns/mnt)" ] \
    && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "libvirtd -p $STATE_DIR/pid"; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$SOCKET"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  uri) echo "$URI" ;;
  *) echo "usage: $0 start|stop|uri" >&2; exit 2 ;;
esac
