#!/usr/bin/env bash
# Installs the system packages EdgeFuse's tests and demo use, when they are missing.
# Debian/Ubuntu only; runs apt-get as root or through sudo.
set -euo pipefail
# The gateway install test (raspberry-pi/) runs shellcheck, and systemd-analyze from the systemd package.
PACKAGES=(dataset-fashion-mnist mosquitto shellcheck systemd)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "setup: please install ${missing[*]} (Debian packages); apt-get is not available here" >&2
  exit 2
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
