#!/usr/bin/env bash
# Install the real browsers the differential suite drives (tests/browser/).
#
# Run as root on Debian (12 "bookworm" or newer):   sudo bash tests/browser/install-browsers.sh
# Idempotent: packages already installed are left alone; re-running only re-checks them.
# Quiet: apt output goes to a log file that is printed only when something fails.
set -euo pipefail

PACKAGES=(
    chromium            # /usr/bin/chromium
    firefox-esr         # /usr/bin/firefox-esr
    libwebkit2gtk-4.1-0 # WebKitGTK; ships MiniBrowser under /usr/lib/<triplet>/webkit2gtk-4.1/
    xvfb                # Xvfb: MiniBrowser is a GTK program and needs an X display
    fonts-dejavu-core   # one font, so GTK/WebKit and Firefox can lay out the runner page
)

if [[ ${EUID} -ne 0 ]]; then
    echo "install-browsers.sh: must run as root (try: sudo bash $0)" >&2
    exit 1
fi

log=$(mktemp /tmp/install-browsers.XXXXXX.log)
trap 'rm -f "$log"' EXIT

run_quiet() {
    if ! "$@" >>"$log" 2>&1; then
        echo "install-browsers.sh: failed: $*" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    run_quiet apt-get update -q
    run_quiet apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Verify every binary the harness launches exists and reports a version.
minibrowser=$(ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser 2>/dev/null | head -n 1 || true)
if [[ -z "$minibrowser" ]]; then
    echo "install-browsers.sh: WebKitGTK MiniBrowser not found under /usr/lib/*/webkit2gtk-4.1/" >&2
    exit 1
fi
for bin in chromium firefox-esr Xvfb; do
    if ! command -v "$bin" >/dev/null; then
        echo "install-browsers.sh: $bin missing after install" >&2
        exit 1
    fi
done
run_quiet chromium --version
run_quiet firefox-esr --version

echo "browsers ready: $(chromium --version 2>/dev/null | head -n 1);" \
    "$(firefox-esr --version 2>/dev/null | head -n 1);" \
    "WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0) ($minibrowser)"
