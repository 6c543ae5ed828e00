#!/usr/bin/env bash
# Installs what ippm needs to build and test, on Debian 12, as root.
# Idempotent: when every package is present it asks no registry and
# returns at once.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config
  clang libfuzzer-14-dev libclang-rt-14-dev
  libssl-dev libpcap-dev libcmocka-dev libjansson-dev libinih-dev file
  python3-scapy tshark valgrind
  libmicrohttpd-dev libsnmp-dev snmpd snmp curl  # --metrics, --agentx
  chromium fonts-dejavu-core python3-pil libxml2-utils  # HTML render, JUnit schema
  python3-jsonschema  # JSON reports against conformance/schema/
  systemd groff-base  # unit verification, man page check
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# SETUP_FORCE=1 runs apt-get even when everything is present (to test
# this script's install path).
if [ "${SETUP_FORCE:-0}" = 1 ]; then
  missing=("${PKGS[@]}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, unattended.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
  $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}"
echo "setup: done"
