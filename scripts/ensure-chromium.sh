#!/bin/sh
# The browser test (test/browser) drives Debian's Chromium: browser builds cannot be downloaded
# here, so, as Playwright's `install --with-deps` would, make sure one is installed before the
# tests run. CI runs as root on Debian and gets it from apt; elsewhere, say what to install.
set -eu
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q chromium
  [ -x "$CHROMIUM" ] && exit 0
fi
echo "ensure-chromium: the browser test needs $CHROMIUM. Install Debian's chromium package as root (apt-get update && apt-get install -y chromium) and run the tests again." >&2
exit 1
