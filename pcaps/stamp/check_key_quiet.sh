#!/bin/sh
# The corpus's key is a published fixture (its first line says so,
# impl/core/keyfile.h IPPM_KEY_FIXTURE_LINE): grading the corpus with it
# readable by all, as a checkout leaves it, prints no "readable by group
# or others" warning (issue 11: it printed four). A copy of the key
# without the mark still warns.
#   check_key_quiet.sh IPPM PCAP_DIR
ippm=$1 src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cp "$src"/stamp/MANIFEST "$src"/stamp/*.pcap* "$src"/stamp/test.key "$tmp"/
chmod 644 "$tmp/test.key"
"$ippm" pcap check --manifest "$tmp/MANIFEST" >/dev/null 2>"$tmp/err" || {
    echo "FAIL: the corpus does not grade"; cat "$tmp/err"; exit 1; }
if grep -q "readable by group" "$tmp/err"; then
    echo "FAIL: the fixture key warned:"; cat "$tmp/err"; exit 1
fi
tail -n 1 "$tmp/test.key" >"$tmp/real.key"
chmod 644 "$tmp/real.key"
"$ippm" pcap check "$tmp/stamp-auth.pcap" --auth-key-file "$tmp/real.key" \
    >/dev/null 2>"$tmp/err"
grep -q "readable by group" "$tmp/err" || {
    echo "FAIL: a real key readable by all did not warn"; exit 1; }
echo PASS
