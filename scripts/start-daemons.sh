#!/usr/bin/env bash
# Starts virtlogd and libvirtd when they are not running (machines without systemd: CI,
# containers, sandboxes). Under systemd use `systemctl enable --now libvirtd` instead.
#
# Why tini: QEMU daemonizes, so its processes are re-parented to the nearest "subreaper".
# Where PID 1 does not reap orphans promptly (seen in sandboxes), every QEMU that exits stays a
# zombie, and libvirtd waits ~30 s for each one (capability probes, destroy). `tini -s` makes a
# subreaper above libvirtd that reaps them at once.
set -euo pipefail
log_dir=${VIRTDESK_DAEMON_LOG_DIR:-/var/log/virtdesk-daemons}
mkdir -p "$log_dir" /run/lock

# Debian's udev rules make /dev/kvm root:kvm 0660. Where no udev ran (root-only 0600), libvirt
# finds its cached QEMU capabilities stale on every call and re-probes QEMU (~8 s per define).
if [ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" != kvm ] && getent group kvm >/dev/null; then
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi

reaper=()
if command -v tini >/dev/null; then reaper=(tini -s --); fi

running() { pgrep -x "$1" >/dev/null 2>&1; }

if ! running virtlogd; then
  setsid "${reaper[@]}" virtlogd >>"$log_dir/virtlogd.log" 2>&1 < /dev/null &
fi
# virtlogd must be up before libvirtd, or guests fail to start.
for _ in $(seq 50); do [ -S /run/libvirt/virtlogd-sock ] && break; sleep 0.1; done

if ! running libvirtd; then
  rm -f /run/libvirtd.pid
  setsid "${reaper[@]}" libvirtd >>"$log_dir/libvirtd.log" 2>&1 < /dev/null &
fi
# The first connection takes seconds while libvirt probes QEMU; `libvirtd` exits 0 even when
# it fails, so poll a real call.
for _ in $(seq 60); do
  if out=$(virsh -c qemu:///system uri 2>&1); then
    echo "libvirtd is up: $out"
    exit 0
  fi
  sleep 1
done
echo "start-daemons: libvirtd did not answer on qemu:///system within 60 s; see $log_dir/libvirtd.log" >&2
exit 1
