#!/usr/bin/env bash
# Make sure a Chromium is available for a11y-audit, installing Debian's when we can.
# Order: $A11Y_AUDIT_CHROMIUM, then chromium / chromium-browser / google-chrome on PATH,
# then `apt-get install chromium chromium-driver` when root on Debian/Ubuntu.
# Debian's chromium-headless-shell (the same Blink without the browser's own layer: less CPU and memory, the same
# findings) is installed beside it when apt-get can; the audit prefers it (audit/capture.py, HEADLESS_SHELLS).
set -euo pipefail
if [ -n "${A11Y_AUDIT_CHROMIUM:-}" ]; then
  if [ -x "$A11Y_AUDIT_CHROMIUM" ]; then echo "chromium: $A11Y_AUDIT_CHROMIUM (A11Y_AUDIT_CHROMIUM)"; exit 0; fi
  echo "A11Y_AUDIT_CHROMIUM=$A11Y_AUDIT_CHROMIUM is not an executable file." >&2; exit 1
fi
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
headless_shell() {
  if command -v chromium-headless-shell >/dev/null 2>&1; then
    echo "headless shell: $(command -v chromium-headless-shell)"
  elif can_apt; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1; } \
      || echo "(chromium-headless-shell not installed: the full Chromium is used, with the same findings)"
    if command -v chromium-headless-shell >/dev/null 2>&1; then
      echo "headless shell: $(command -v chromium-headless-shell)"
    fi
  fi
  return 0
}
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "chromium: $(command -v "$name")"
    if ! command -v chromedriver >/dev/null 2>&1 && can_apt; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-driver >/dev/null 2>&1 \
        || echo "(chromedriver not installed: only the Selenium backend needs it)"
    fi
    # Debian's shell goes with Debian's chromium only (another Chrome stays the one the audit runs)
    if [ "$name" = chromium ]; then headless_shell; fi
    exit 0
  fi
done
if can_apt; then
  echo "Installing Debian's chromium and chromium-driver (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
  echo "chromium: $(command -v chromium)"
  headless_shell
  exit 0
fi
cat >&2 <<'MSG'
No Chromium found, and it cannot be installed automatically here (this needs root on Debian/Ubuntu).
Provide one of:
  - sudo apt-get install chromium chromium-driver      (Debian/Ubuntu)
  - any Chromium or Chrome binary, then: export A11Y_AUDIT_CHROMIUM=/path/to/chromium
MSG
exit 1
