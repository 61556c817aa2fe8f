#!/usr/bin/env bash
# npm test: typecheck, build (electron-vite, no Electron binary needed), then every test:
# unit (test:///default), integration (real qemu:///system + tiny TCG guest) and e2e
# (browser mode in Debian's Chromium). Nothing is skipped: a missing daemon or browser fails.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "npm test: $*" >&2; exit 1; }
command -v virsh >/dev/null || fail "libvirt is not installed: run 'npm run setup'"
virsh -c qemu:///system uri >/dev/null 2>&1 || fail "qemu:///system does not answer: start libvirtd ('sudo systemctl start libvirtd', or 'sudo bash scripts/start-daemons.sh' without systemd) and make sure you may use it (root or the libvirt group)"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || fail "Chromium is missing at ${CHROMIUM_PATH:-/usr/bin/chromium}: run 'npm run setup'"

echo "== typecheck"
npm run -s typecheck
echo "== build"
npx electron-vite build --logLevel warn
node scripts/build-cli.mjs
echo "== tests"
bash scripts/build-tiny-guest.sh >/dev/null
bash scripts/build-cloud-test-image.sh >/dev/null
npx vitest run "$@"
