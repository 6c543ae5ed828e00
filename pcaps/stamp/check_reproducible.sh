#!/bin/sh
# Regenerates the corpus into a temporary folder and compares it with the
# committed one byte for byte. Exit 77 (skip) without scapy.
# usage: check_reproducible.sh [PYTHON [DIR GENERATOR]]   (default: this
# folder's gen_stamp.py; pcaps/twamp passes its gen_twamp_light.py)
py=${1:-/usr/bin/python3}
here=${2:-$(cd "$(dirname "$0")" && pwd)}
gen=${3:-gen_stamp.py}
"$py" -c 'import scapy.all' 2>/dev/null || { echo "no scapy: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$py" "$here/$gen" "$tmp" || exit 1
rc=0
for f in "$tmp"/*; do
    b=$(basename "$f")
    cmp -s "$f" "$here/$b" || { echo "differs from the committed copy: $b"; rc=1; }
done
for f in "$here"/*.pcap "$here"/*.pcapng; do
    [ -e "$f" ] || continue # a pattern that matched nothing
    b=$(basename "$f")
    [ -e "$tmp/$b" ] || { echo "committed but no longer generated: $b"; rc=1; }
done
exit $rc
