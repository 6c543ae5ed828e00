#!/bin/sh
# Regenerates the corpus into a temporary folder and compares it with the
# committed one byte for byte. Exit 77 (skip) without scapy.
# usage: check_reproducible.sh [PYTHON]
py=${1:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
"$py" -c 'import scapy.all' 2>/dev/null || { echo "no scapy: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$py" "$here/gen_stamp.py" "$tmp" || exit 1
rc=0
for f in "$tmp"/*; do
    b=$(basename "$f")
    cmp -s "$f" "$here/$b" || { echo "differs from the committed copy: $b"; rc=1; }
done
for f in "$here"/*.pcap "$here"/*.pcapng; do
    b=$(basename "$f")
    [ -e "$tmp/$b" ] || { echo "committed but no longer generated: $b"; rc=1; }
done
exit $rc
