#!/bin/sh
# Writes pcaps/owtw/MANIFEST: every case each capture grades (pass or
# fail) as ippm grades it today. Run after a change that is meant to move
# a verdict, and read the diff: a verdict that moves without a reason is a
# regression. The perfSONAR captures pass every graded case
# (conformance/deviations.md says where the catalogue reads perfSONAR).
#   gen_manifest.sh IPPM   (from the repository root)
set -eu
ippm=$1
dir=pcaps/owtw
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
    echo "# Written by gen_manifest.sh; do not edit."
    echo "# file case-id expected [ippm pcap check options]"
    for f in "$dir"/*.pcap; do
        b=$(basename "$f")
        opts=""
        case "$b" in *-A.pcap|*-E.pcap|*-keyed*.pcap) opts="--keys perfsonar.keys" ;; esac
        # shellcheck disable=SC2086
        "$ippm" pcap check "$f" ${opts:+--keys "$dir/perfsonar.keys"} \
            --json "$tmp" >/dev/null 2>&1 || true
        /usr/bin/python3 - "$tmp" "$b" "$opts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d['cases']:
    if c['verdict'] in ('pass', 'fail'):
        print(' '.join(x for x in (sys.argv[2], c['id'], c['verdict'], sys.argv[3]) if x))
PY
    done
} >"$dir/MANIFEST"
