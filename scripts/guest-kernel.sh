# Sourced by the test-guest build scripts: fetch_kernel FLAVOR WORK downloads the newest Debian
# 6.1 kernel package of that flavour ('cloud-amd64' or 'amd64') with apt and unpacks it into
# WORK/kernel; sets kver (e.g. 6.1.0-56-cloud-amd64). Needs apt-get and dpkg.
fetch_kernel() {
  local flavor=$1 work=$2 pkg
  pkg=$(apt-cache search --names-only "^linux-image-6\\.1\\.0-[0-9]+-${flavor}\$" | awk '{print $1}' | sort -V | tail -n 1)
  [ -n "$pkg" ] || { echo "$(basename "$0"): no linux-image-6.1.0-*-${flavor} in apt; run apt-get update" >&2; exit 1; }
  chmod 0755 "$work" # apt-get download runs as _apt where it can
  (cd "$work" && apt-get download -q "$pkg" >/dev/null)
  dpkg -x "$work"/"$pkg"_*.deb "$work/kernel"
  kver=${pkg#linux-image-}
}
