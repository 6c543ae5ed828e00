#!/bin/sh
# The JUnit XML of `ippm conform` and `ippm pcap check` loads in a
# standard JUnit consumer: it validates against the Jenkins xUnit plugin's
# junit-10.xsd (conformance/schema/junit-10.xsd), with passes, n/a
# (skipped), warnings (passed, "verdict: warn") and failures in it.
#   junit_schema.sh IPPM SOURCE_DIR
# Exit 0 pass, 1 fail, 77 skip (no xmllint: Debian libxml2-utils).
set -u
IPPM=$1
SRC=$2
XSD=$SRC/conformance/schema/junit-10.xsd
command -v xmllint >/dev/null 2>&1 || { echo "no xmllint: skipped"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
    exit 1
}

validate() {
    xmllint --noout --schema "$XSD" "$1" 2>"$dir/xmllint.err" ||
        fail "$2: does not validate against junit-10.xsd"
}

# The schema is strict enough to matter: it rejects what the writer
# used to emit (<properties> in a <testcase>).
cat >"$dir/bad.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="s" tests="1" failures="0" errors="0">
<testcase name="c"><properties><property name="level" value="MUST"/></properties></testcase>
</testsuite></testsuites>
XML
xmllint --noout --schema "$XSD" "$dir/bad.xml" 2>/dev/null &&
    fail "the schema accepts a <testcase> with <properties>"

# ippm conform against ippm's own reflector: passes (every mode leaves
# few n/a, maybe none; the captures below have them).
(cd "$dir" && "$IPPM" conform --no-pcap --junit "$dir/self.xml" \
    >"$dir/self.out" 2>"$dir/self.err") || fail "ippm conform exit $?"
validate "$dir/self.xml" "ippm conform"

# Captures that fail cases, open and authenticated.
"$IPPM" pcap check "$SRC/pcaps/stamp/stamp-bad-copy-seq.pcap" \
    --junit "$dir/bad-seq.xml" >"$dir/p1.out" 2>"$dir/p1.err"
[ $? -eq 1 ] || fail "pcap check of stamp-bad-copy-seq.pcap did not exit 1"
validate "$dir/bad-seq.xml" "ippm pcap check (failures)"
grep -q '<failure ' "$dir/bad-seq.xml" || fail "no failure to validate"
grep -q '<skipped ' "$dir/bad-seq.xml" || fail "no skipped case to validate"
"$IPPM" pcap check "$SRC/pcaps/stamp/stamp-auth-bad-rep-hmac.pcap" \
    --auth-key-file "$SRC/pcaps/stamp/test.key" --strict \
    --junit "$dir/auth.xml" >"$dir/p2.out" 2>"$dir/p2.err"
validate "$dir/auth.xml" "ippm pcap check (authenticated)"

# A SHOULD not met (a request answered twice): warn, a passed testcase
# that says so; with --strict a <failure>. Both validate.
"$IPPM" pcap check "$SRC/pcaps/stamp/stamp-dup-replies.pcap" \
    --junit "$dir/warn.xml" >"$dir/p3.out" 2>"$dir/p3.err" ||
    fail "pcap check of stamp-dup-replies.pcap exit $? (a warn passes)"
validate "$dir/warn.xml" "ippm pcap check (a warn)"
grep -q '<failure ' "$dir/warn.xml" && fail "a warn is a JUnit <failure>"
grep -q '<system-out>verdict: warn&#10;level: SHOULD' "$dir/warn.xml" ||
    fail "no testcase says verdict: warn"
grep -q '<property name="warn" value="1"/>' "$dir/warn.xml" ||
    fail "the suite does not count 1 warn"
"$IPPM" pcap check "$SRC/pcaps/stamp/stamp-dup-replies.pcap" --strict \
    --junit "$dir/strict.xml" >"$dir/p4.out" 2>"$dir/p4.err"
[ $? -eq 1 ] || fail "--strict pcap check of stamp-dup-replies.pcap did not exit 1"
validate "$dir/strict.xml" "ippm pcap check --strict (a SHOULD fails)"
grep -q '<failure [^>]*type="SHOULD"' "$dir/strict.xml" ||
    fail "--strict: the SHOULD is no <failure>"
echo "PASS"
