#!/usr/bin/env bash
# A second libvirt host on this machine, for tests and benchmarks (run as root):
#   bash scripts/start-second-host.sh [start|stop|status|stop-libvirtd|start-libvirtd]
#
# libvirt accepts it as ANOTHER host: it runs in its own mount + UTS namespace with its own
# hostname (virtdesk-host2), host UUID, config (/etc/libvirt copy without host 1's VMs and
# networks), run, state, cache and log folders, its own virtlogd. It shares the network and
# /var/lib/libvirt/images with host 1 (like NFS between real hosts).
# Reached over
#   TCP  qemu+tcp://127.0.0.2:16510/system  (auth none: tests only)
#   SSH  qemu+ssh://root@127.0.0.2:2222/system: an sshd that runs INSIDE host 2's namespaces, so
#        libvirt's remote helper (virt-ssh-helper) there reaches host 2's own default socket, as
#        on a real host; no `socket=` parameter is needed. Only key logins: the test keys below.
# Files, all under $VIRTDESK_HOST2_DIR (default /run/virtdesk-host2, gone at reboot):
#   keys/id_ed25519             test key without passphrase
#   keys/id_ed25519_pass        test key with the passphrase in keys/passphrase
#   ssh/host_ed25519_key.pub    sshd's host key (what a client must accept)
# start is idempotent (prints "reused" when host 2 already answers); stop destroys host 2's
# running guests, then stops its daemons. stop-libvirtd / start-libvirtd stop and start only its
# libvirtd (a host whose daemon drops and comes back). Prints KEY=value lines (see print_info).
# VIRTDESK_HOST2_DIR, _ADDR, _TCP_PORT and _SSH_PORT start another such host beside host 2.
set -euo pipefail

D=${VIRTDESK_HOST2_DIR:-/run/virtdesk-host2}
ADDR=${VIRTDESK_HOST2_ADDR:-127.0.0.2}
TCP_PORT=${VIRTDESK_HOST2_TCP_PORT:-16510}
SSH_PORT=${VIRTDESK_HOST2_SSH_PORT:-2222}
HOSTNAME2=virtdesk-host2
HOST_UUID=5a1e0d2c-0000-4000-8000-00000000d002
TCP_URI="qemu+tcp://$ADDR:$TCP_PORT/system"
SSH_URI="qemu+ssh://root@$ADDR:$SSH_PORT/system"
PASSPHRASE=virtdesk-host2-passphrase
# Host 1 (libvirt's defaults) takes displays from 5900 up, WebSockets from 5700 up and
# migrations on 49152-49215; host 2 stays clear of all three.
DISPLAY_PORT_MIN=7000
DISPLAY_PORT_MAX=7999
WEBSOCKET_PORT_MIN=8000
WEBSOCKET_PORT_MAX=8099
MIGRATION_PORT_MIN=49216
MIGRATION_PORT_MAX=49279

[ "$(id -u)" -eq 0 ] || { echo "start-second-host: run as root (it starts a libvirtd and an sshd)" >&2; exit 1; }
for tool in libvirtd virtlogd virsh unshare ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "start-second-host: $tool is missing: run 'npm run setup'" >&2; exit 1; }
done
[ -x /usr/sbin/sshd ] || { echo "start-second-host: /usr/sbin/sshd is missing: run 'npm run setup' (openssh-server)" >&2; exit 1; }

answers() { [ "$(virsh -c "$TCP_URI" hostname 2>/dev/null)" = "$HOSTNAME2" ]; }

print_info() {
  cat <<EOF
TCP_URI=$TCP_URI
SSH_URI=$SSH_URI
SSH_HOST=$ADDR
SSH_PORT=$SSH_PORT
HOSTNAME=$HOSTNAME2
HOST_UUID=$HOST_UUID
KEY_FILE=$D/keys/id_ed25519
PASSPHRASE_KEY_FILE=$D/keys/id_ed25519_pass
PASSPHRASE=$PASSPHRASE
HOST_KEY_FILE=$D/ssh/host_ed25519_key.pub
STATE_DIR=$D
EOF
}

prepare() {
  rm -rf "$D/etc" "$D/run" "$D/lib-qemu" "$D/cache" "$D/log" "$D/ssh" "$D/started-by-tests"
  mkdir -p "$D"/{run,lib-qemu,cache,log,ssh,keys}
  cp -a /etc/libvirt "$D/etc"
  # Host 2 starts empty: no copy of host 1's VMs, networks (virbr0 is host 1's) or pools.
  find "$D/etc/qemu" -maxdepth 1 -name '*.xml' -delete
  rm -rf "$D/etc/qemu/autostart" "$D/etc/qemu/networks" "$D/etc/storage"
  mkdir -p "$D/etc/qemu/autostart" "$D/etc/qemu/networks/autostart" "$D/etc/storage/autostart"
  cat >>"$D/etc/libvirtd.conf" <<EOF

# virtdesk second host
host_uuid = "$HOST_UUID"
listen_tls = 0
listen_tcp = 1
tcp_port = "$TCP_PORT"
listen_addr = "$ADDR"
auth_tcp = "none"
EOF
  # Host 2 shares host 1's network namespace: its own ports for guest displays (VNC and SPICE),
  # their WebSockets and incoming migrations, so its guests never take a port host 1 wants.
  cat >>"$D/etc/qemu.conf" <<EOF

# virtdesk second host
remote_display_port_min = $DISPLAY_PORT_MIN
remote_display_port_max = $DISPLAY_PORT_MAX
remote_websocket_port_min = $WEBSOCKET_PORT_MIN
remote_websocket_port_max = $WEBSOCKET_PORT_MAX
migration_port_min = $MIGRATION_PORT_MIN
migration_port_max = $MIGRATION_PORT_MAX
EOF
  [ -f "$D/keys/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C virtdesk-host2-test -f "$D/keys/id_ed25519"
  [ -f "$D/keys/id_ed25519_pass" ] || ssh-keygen -q -t ed25519 -N "$PASSPHRASE" -C virtdesk-host2-passphrase -f "$D/keys/id_ed25519_pass"
  printf '%s\n' "$PASSPHRASE" >"$D/keys/passphrase"
  ssh-keygen -q -t ed25519 -N '' -C "$HOSTNAME2" -f "$D/ssh/host_ed25519_key"
  cat "$D/keys/id_ed25519.pub" "$D/keys/id_ed25519_pass.pub" >"$D/ssh/authorized_keys"
  chmod 600 "$D/ssh/authorized_keys"
  cat >"$D/ssh/sshd_config" <<EOF
ListenAddress $ADDR:$SSH_PORT
HostKey $D/ssh/host_ed25519_key
PidFile $D/ssh/sshd.pid
AuthorizedKeysFile $D/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxSessions 64
MaxStartups 64:30:128
LogLevel VERBOSE
Subsystem sftp internal-sftp
EOF
  # Runs inside the new namespaces: its own hostname and libvirt folders, then the daemons.
  cat >"$D/inside.sh" <<EOF
set -e
hostname $HOSTNAME2
mount --make-rprivate /
mount --bind $D/etc /etc/libvirt
mount --bind $D/lib-qemu /var/lib/libvirt/qemu
mount --bind $D/cache /var/cache/libvirt
mount --bind $D/log /var/log/libvirt
mount --bind $D/run /run/libvirt
virtlogd -d -p /run/libvirt/virtlogd.pid
mkdir -p /run/sshd
/usr/sbin/sshd -f $D/ssh/sshd_config -E $D/sshd.log
reaper=()
if command -v tini >/dev/null; then reaper=(tini -s --); fi
exec "\${reaper[@]}" libvirtd --listen -p /run/libvirt/libvirtd.pid
EOF
}

start() {
  if answers; then
    echo "reused"
    print_info
    return
  fi
  stop_daemons
  prepare
  # 9>&-: the daemons must not inherit the lock this script holds.
  setsid unshare --mount --uts --propagation private bash "$D/inside.sh" >>"$D/libvirtd.log" 2>&1 </dev/null 9>&- &
  echo $! >"$D/namespace.pid"
  for _ in $(seq 90); do
    if answers && [ -s "$D/ssh/sshd.pid" ]; then
      echo "started"
      print_info
      return
    fi
    sleep 1
  done
  echo "start-second-host: host 2 did not answer on $TCP_URI within 90 s; see $D/libvirtd.log and $D/sshd.log" >&2
  exit 1
}

# A process inside host 2's namespaces: the leader namespace.pid started, else (libvirtd, the
# leader, was stopped on its own by stop-libvirtd) its sshd or virtlogd.
namespace_member() {
  local pid
  for pid in "$(cat "$D/namespace.pid" 2>/dev/null)" "$(cat "$D/ssh/sshd.pid" 2>/dev/null)" "$(cat "$D/run/virtlogd.pid" 2>/dev/null)"; do
    # Never this script's own namespace (a pid file of a process gone, its number reused).
    [ -n "$pid" ] && [ -e "/proc/$pid/ns/mnt" ] && [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/$$/ns/mnt)" ] && { echo "$pid"; return 0; }
  done
  return 1
}

# The processes of host 2: everything whose mount namespace is host 2's.
namespace_pids() {
  local member ns
  member=$(namespace_member) || return 0
  ns=$(readlink "/proc/$member/ns/mnt" 2>/dev/null) || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
  done
  return 0
}

stop_daemons() {
  local pids
  pids=$(namespace_pids | tr '\n' ' ')
  [ -n "${pids// /}" ] || return 0
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  for _ in $(seq 50); do
    pids=$(namespace_pids | tr '\n' ' ')
    [ -n "${pids// /}" ] || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  [ -z "${pids// /}" ] || kill -9 $pids 2>/dev/null || true
  rm -f "$D/namespace.pid"
}

stop() {
  if answers; then
    for vm in $(virsh -c "$TCP_URI" list --name 2>/dev/null); do virsh -c "$TCP_URI" destroy "$vm" >/dev/null 2>&1 || true; done
  fi
  stop_daemons
  rm -f "$D/started-by-tests"
  echo "stopped"
}

# Only host 2's libvirtd stops (its sshd, virtlogd and guests stay), as when a host's daemon
# dies: clients see the connection drop. start-libvirtd starts it again inside host 2.
stop_libvirtd() {
  local pid
  pid=$(cat "$D/run/libvirtd.pid" 2>/dev/null) || { echo "start-second-host: host 2's libvirtd is not running" >&2; exit 1; }
  # A stale pid file may name a number since reused: never a process of this machine's own namespace.
  if [ ! -e "/proc/$pid" ] || [ "$(readlink "/proc/$pid/ns/mnt")" = "$(readlink /proc/$$/ns/mnt)" ]; then
    echo "start-second-host: host 2's libvirtd is not running" >&2
    exit 1
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    [ -e "/proc/$pid" ] || break
    sleep 0.1
  done
  [ ! -e "/proc/$pid" ] || kill -9 "$pid" 2>/dev/null || true
  echo "libvirtd stopped"
}

start_libvirtd() {
  local member
  if answers; then echo "libvirtd running"; return; fi
  member=$(namespace_member) || { echo "start-second-host: host 2 is not running: run start" >&2; exit 1; }
  nsenter --target "$member" --mount --uts -- libvirtd -d --listen -p /run/libvirt/libvirtd.pid >>"$D/libvirtd.log" 2>&1 9>&-
  for _ in $(seq 60); do
    if answers; then echo "libvirtd started"; return; fi
    sleep 0.5
  done
  echo "start-second-host: host 2's libvirtd did not answer within 30 s; see $D/libvirtd.log" >&2
  exit 1
}

exec 9>"${D%/}.lock"
flock 9
case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  stop-libvirtd) stop_libvirtd ;;
  start-libvirtd) start_libvirtd ;;
  status) if answers; then echo "running"; print_info; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 [start|stop|status|stop-libvirtd|start-libvirtd]" >&2; exit 2 ;;
esac
