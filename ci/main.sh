#!/usr/bin/env bash
# The main job: install, build the release tree, then let ippm grade itself:
# `ippm conform` with no target runs the catalogue against ippm's own
# reflector on loopback and over the pcap corpus. Exit status is ippm's
# (impl/commands.h: 0 every MUST passed, 1 a MUST failed, 2 usage,
# 3 could not run). The reports land in reports/ (.gitignore covers it).
set -euo pipefail

cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}

bash ci/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DIPPM_WERROR=ON
cmake --build build -j "$JOBS"
exec build/ippm conform "$@"
