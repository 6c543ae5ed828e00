#!/usr/bin/env bash
# Proves that proto/ is pure (STYLE.md, "Allocation-free, and how CI
# proves it"), on the archive of a release build:
#   1. nm: the only symbols libippm_proto.a takes from outside itself are
#      memcpy memmove memset memcmp __stack_chk_fail;
#   2. size -A: every object has an empty .data and .bss (and no TLS), so
#      proto holds no mutable global; no common symbols either;
#   3. grep: no proto/ source outside tests includes a header of I/O,
#      allocation, clock, threads, sockets, OpenSSL or pcap.
#
# usage: ci/check-proto-purity.sh [BUILD_DIR]        (default: build)
#        ci/check-proto-purity.sh --archive LIB.a [--src DIR]
#        ci/check-proto-purity.sh --self-test
# Exits 0 when pure, 1 on a violation (each one printed), 2 on misuse.
set -uo pipefail

ALLOWED_UNDEF="memcpy memmove memset memcmp __stack_chk_fail"
FORBIDDEN_INC='stdio|stdlib|malloc|unistd|time|pthread|sys/[^>"]*|openssl/[^>"]*|netinet/[^>"]*|arpa/[^>"]*|pcap[^>"]*'

root=$(cd "$(dirname "$0")/.." && pwd)

# check_nm ARCHIVE: undefined symbols not defined by another member.
check_nm() {
    local ar=$1 defined undef bad=0 sym
    defined=$(nm -g --defined-only "$ar" 2>/dev/null |
        awk 'NF >= 3 { print $3 }' | sort -u)
    # "archive:member: U sym" with -A; keep the member to name the culprit.
    undef=$(nm -A -u "$ar" 2>/dev/null | awk '{ print $NF "\t" $1 }' | sort -u)
    while IFS=$'\t' read -r sym where; do
        [ -z "$sym" ] && continue
        case " $ALLOWED_UNDEF " in *" $sym "*) continue ;; esac
        if grep -qxF -- "$sym" <<<"$defined"; then
            continue
        fi
        echo "  FAIL nm: ${where%:} needs '$sym' (only $ALLOWED_UNDEF allowed)"
        bad=1
    done <<<"$undef"
    # -fcommon tentative definitions are mutable globals too.
    local commons
    commons=$(nm -A "$ar" 2>/dev/null | awk '$(NF-1) == "C" { print $1 " " $NF }')
    if [ -n "$commons" ]; then
        echo "$commons" | sed 's/^/  FAIL nm: common symbol (mutable global): /'
        bad=1
    fi
    return $bad
}

# check_size ARCHIVE: .data/.bss/.tdata/.tbss (and -fdata-sections
# variants) must be absent or of size 0. .data.rel.ro is read-only after
# relocation and allowed.
check_size() {
    local ar=$1 out
    if ! out=$(size -A "$ar" 2>&1); then
        echo "  FAIL size: $out"
        return 1
    fi
    out=$(awk '
        /\(ex / { obj = $1; next }
        /^[^ ]+ +:/ && !/\(ex / { obj = $1; next }
        {
            s = $1; n = $2
            if (s ~ /^\.data\.rel\.ro/) next
            if (s ~ /^\.(data|bss|tdata|tbss)(\.|$)/ && n + 0 != 0)
                printf "  FAIL size: %s has %s of %s octets (mutable global)\n", obj, s, n
        }' <<<"$out")
    if [ -n "$out" ]; then
        echo "$out"
        return 1
    fi
    return 0
}

# check_includes DIR: forbidden headers in non-test sources.
check_includes() {
    local dir=$1 hits
    hits=$(find "$dir" \( -path '*/test/*' -o -name '*_test.c' \) -prune -o \
               \( -name '*.c' -o -name '*.h' \) -type f -print 2>/dev/null |
           sort | xargs -r grep -nHE \
             "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($FORBIDDEN_INC)(\.h)?[>\"]" \
             2>/dev/null)
    if [ -n "$hits" ]; then
        echo "$hits" | sed 's/^/  FAIL include: /'
        return 1
    fi
    return 0
}

# check ARCHIVE SRC_DIR: all three; prints a verdict line.
check() {
    local ar=$1 src=$2 rc=0
    if [ ! -f "$ar" ]; then
        echo "  FAIL: no archive $ar (build the release tree first)"
        return 1
    fi
    echo "proto purity: $ar, sources $src"
    check_nm "$ar" || rc=1
    check_size "$ar" || rc=1
    if [ -n "$src" ]; then
        check_includes "$src" || rc=1
    fi
    if [ $rc -eq 0 ]; then
        echo "  ok: undefined symbols within {$ALLOWED_UNDEF}, no .data/.bss, no forbidden include"
    fi
    return $rc
}

# The checker must fail on each kind of violation and pass a clean object,
# or it proves nothing.
self_test() {
    local t cc fails=0
    t=$(mktemp -d /tmp/purity-selftest.XXXXXX)
    trap 'rm -rf "$t"' RETURN
    cc=${CC:-cc}
    mkdir -p "$t/clean/src/test" "$t/bad"
    cat >"$t/clean/src/ok.c" <<'C'
#include <stddef.h>
#include <stdint.h>
#include <string.h>
int ok_copy(uint8_t *d, const uint8_t *s, size_t n);
static const int table[4] = { 1, 2, 3, 4 };
int ok_copy(uint8_t *d, const uint8_t *s, size_t n)
{
    memcpy(d, s, n);
    return table[n & 3];
}
C
    # a test helper may include anything: must not be flagged
    printf '#include <stdio.h>\n#include <sys/mman.h>\n' >"$t/clean/src/test/helper.h"
    printf '#include <stdlib.h>\n' >"$t/clean/src/x_test.c"
    cat >"$t/malloc.c" <<'C'
#include <stdlib.h>
void *bad_alloc(unsigned n);
void *bad_alloc(unsigned n) { return malloc(n); }
C
    cat >"$t/bss.c" <<'C'
int bad_counter;
int bad_bump(void);
int bad_bump(void) { return ++bad_counter; }
C
    cat >"$t/data.c" <<'C'
int bad_state = 7;
int bad_get(void);
int bad_get(void) { return bad_state++; }
C
    cat >"$t/static.c" <<'C'
int bad_static(void);
int bad_static(void) { static int n; return ++n; }
C
    # cross-member references inside the archive are fine
    cat >"$t/clean/src/user.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int ok_copy(uint8_t *d, const uint8_t *s, size_t n);
int ok_user(uint8_t *d, const uint8_t *s);
int ok_user(uint8_t *d, const uint8_t *s) { return ok_copy(d, s, 3); }
C
    local f
    for f in ok user; do
        $cc -O2 -c "$t/clean/src/$f.c" -o "$t/clean/$f.o" || return 1
    done
    for f in malloc bss data static; do
        $cc -O2 -c "$t/$f.c" -o "$t/bad/$f.o" || return 1
    done
    ar rcs "$t/clean.a" "$t/clean/ok.o" "$t/clean/user.o"

    expect() { # expect pass|fail label archive src
        local want=$1 label=$2 out rc
        out=$(check "$3" "$4" 2>&1); rc=$?
        if { [ "$want" = pass ] && [ $rc -eq 0 ]; } ||
           { [ "$want" = fail ] && [ $rc -ne 0 ]; }; then
            echo "  self-test ok: $label -> $want"
        else
            echo "  self-test WRONG: $label should $want, got rc=$rc:"
            echo "$out" | sed 's/^/    /'
            fails=$((fails + 1))
        fi
    }
    expect pass "clean archive, test-only includes" "$t/clean.a" "$t/clean/src"
    for f in malloc bss data static; do
        ar rcs "$t/$f.a" "$t/clean/ok.o" "$t/bad/$f.o"
        expect fail "object with $f" "$t/$f.a" ""
    done
    mkdir -p "$t/badsrc/stamp"
    printf '#include <stdint.h>\n#include <time.h>\n' >"$t/badsrc/stamp/x.c"
    expect fail "source including <time.h>" "$t/clean.a" "$t/badsrc"
    printf '#include "openssl/hmac.h"\n' >"$t/badsrc/stamp/x.c"
    expect fail "source including \"openssl/hmac.h\"" "$t/clean.a" "$t/badsrc"
    printf '#  include <sys/socket.h>\n' >"$t/badsrc/stamp/x.c"
    expect fail "source including <sys/socket.h>" "$t/clean.a" "$t/badsrc"
    expect fail "missing archive" "$t/nonexistent.a" ""
    if [ $fails -ne 0 ]; then
        echo "proto purity self-test: $fails WRONG"
        return 1
    fi
    echo "proto purity self-test: all checks behave"
    return 0
}

archive=
src=$root/proto
case "${1:-}" in
--self-test)
    self_test
    exit $?
    ;;
--archive)
    archive=${2:?--archive needs a path}
    if [ "${3:-}" = --src ]; then src=${4:?--src needs a dir}; fi
    ;;
-h|--help)
    sed -n '2,16p' "$0"; exit 0 ;;
*)
    build=${1:-$root/build}
    archive=$build/proto/libippm_proto.a
    ;;
esac
check "$archive" "$src"
rc=$?
[ $rc -eq 0 ] || echo "proto purity: FAILED"
exit $rc
