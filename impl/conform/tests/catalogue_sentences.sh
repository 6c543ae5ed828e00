#!/bin/sh
# conformance/coverage/sentences.tsv and .inc are what ci/coverage.py
# extracts from the RFC text today; a copy with a sentence altered fails.
# Skips (77) without python3 or ../shared/rfc.
#   catalogue_sentences.sh REPO
set -u
REPO=$1
RFC=${IPPM_RFC_DIR:-$REPO/../shared/rfc}
command -v python3 >/dev/null 2>&1 || { echo "no python3"; exit 77; }
[ -f "$RFC/rfc8762.txt" ] || { echo "no $RFC; skipping"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 "$REPO/ci/coverage.py" check "$RFC" "$REPO" || exit 1

mkdir -p "$dir/conformance/coverage"
sed 's/MUST use UDP port 862/MUST use UDP port 863/' \
    "$REPO/conformance/coverage/sentences.tsv" \
    >"$dir/conformance/coverage/sentences.tsv"
cp "$REPO/conformance/coverage/sentences.inc" "$dir/conformance/coverage/"
if python3 "$REPO/ci/coverage.py" check "$RFC" "$dir" >/dev/null; then
    echo "FAIL: a sentence list out of date with the RFC passed"
    exit 1
fi
echo "sentence list matches the RFC text"
