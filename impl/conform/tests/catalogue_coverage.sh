#!/bin/sh
# `ippm catalogue --coverage` (issue 9): every normative sentence of the
# RFCs in scope is quoted by a case, tied to one (see), excepted or a gap;
# and the check fails on a sentence with no entry, or a "see" naming a
# case the catalogue lacks.
#   catalogue_coverage.sh IPPM SENTENCES_TSV
set -u
IPPM=$1
TSV=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

"$IPPM" catalogue --coverage >"$dir/out" 2>&1 || {
    echo "FAIL: ippm catalogue --coverage exits non-zero:"
    grep -A1 ' NONE ' "$dir/out"
    fail=1
}
grep '^RFC all:' "$dir/out"
grep 'GAPS' "$dir/out"

# The built-in table is the repository's file (ci/coverage.py keeps the
# .inc in step): the same totals from either.
"$IPPM" catalogue --coverage --sentences "$TSV" >"$dir/file" 2>&1
cmp -s "$dir/out" "$dir/file" || {
    echo "FAIL: built-in sentence table differs from $TSV"
    fail=1
}

expect_fail() { # expect_fail WHAT TSV
    "$IPPM" catalogue --coverage --unlisted --sentences "$2" >"$dir/bad" 2>&1
    rc=$?
    if [ "$rc" != 1 ] || ! grep -q ' NONE ' "$dir/bad"; then
        echo "FAIL: $1 passed the check (exit $rc)"
        fail=1
    fi
}
cp "$TSV" "$dir/fake.tsv"
printf '8762\t4.1\t-\t-\tA fake sentence MUST be caught.\n' >>"$dir/fake.tsv"
expect_fail "a sentence with no entry" "$dir/fake.tsv"
cp "$TSV" "$dir/see.tsv"
printf '8762\t4.1\tsee\tSTAMP-8762-99-99: no such case\tA fake MUST.\n' \
    >>"$dir/see.tsv"
expect_fail "a see naming no case" "$dir/see.tsv"

# An unknown RFC is a usage error.
"$IPPM" catalogue --coverage 1234 >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: unknown RFC not exit 2"; fail=1; }
exit $fail
