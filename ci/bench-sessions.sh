#!/usr/bin/env bash
# Lookup cost of the stateful STAMP reflector's session table at two
# sizes (issue 10 item 3): ci/bench_sessions.c, built with -O2 against the
# proto/ sources of TREE, prints ns per packet for a known session and for
# a new one at a full table, and the ratio of the large size to the small
# (goal: flat, 1.0). Not a test: no threshold, figures only.
#
# usage: ci/bench-sessions.sh [TREE] [SMALL LARGE]   (this tree, 1000 60000)
# TREE may be a checkout from before the change (git archive REV | tar -x):
# the program compiles against either session API.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "${1:-$root}" && pwd)
small=${2:-1000}
large=${3:-60000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

srcs=$(ls "$tree"/proto/common/*.c "$tree"/proto/stamp/*.c | grep -v '_test\.c$')
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -O2 -DNDEBUG -I"$tree" -o "$tmp/bench" \
    "$root/ci/bench_sessions.c" $srcs
pin=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
    pin="taskset -c 1"
fi
rev=$(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo "$tree")
echo "# session lookup, $rev, $(date -u '+%Y-%m-%d %H:%M UTC')"
$pin "$tmp/bench" "$small" "$large"
