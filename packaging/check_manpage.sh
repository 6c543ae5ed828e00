#!/bin/sh
# The man page covers every command and option: for each command that
# `ippm --help` lists, and each subcommand its --help names ("ippm stamp
# reflector"), every --option its --help prints must appear in ippm.1, and
# the page must render with groff -ww without a warning.
#   check_manpage.sh IPPM MANPAGE
set -u
IPPM=$1
MAN=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
missing=0

if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww "$MAN" >/dev/null 2>"$dir/warn"
    if [ -s "$dir/warn" ]; then
        echo "FAIL: groff warnings:"
        cat "$dir/warn"
        missing=$((missing + 1))
    fi
fi

# Option names as the page writes them: \-\-name.
sed 's/\\-/-/g' "$MAN" >"$dir/man.txt"

check() { # check WORDS...: `ippm WORDS --help`'s options are in the page
    "$IPPM" "$@" --help >"$dir/help" 2>&1
    # A subcommand without --help of its own: its command's usage names
    # its options (ippm bench).
    cat "$dir/top" >>"$dir/help"
    grep -q "ippm $*" "$dir/man.txt" || {
        echo "FAIL: no 'ippm $*' in the man page"
        missing=$((missing + 1))
    }
    for opt in $(grep -o -- '--[a-z][a-z0-9-]*' "$dir/help" | sort -u); do
        # Not followed by a name character: --quiet is not --quietx.
        if ! grep -q -- "$opt\\([^a-z0-9-]\\|\$\\)" "$dir/man.txt"; then
            echo "FAIL: ippm $* $opt is not in the man page"
            missing=$((missing + 1))
        fi
    done
}

cmds=$("$IPPM" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || { echo "FAIL: ippm --help lists no command"; exit 1; }
for c in $cmds; do
    "$IPPM" "$c" --help >"$dir/top" 2>&1
    subs=$(grep -o "ippm $c [a-z][a-z-]*" "$dir/top" | awk '{print $3}' | sort -u)
    if [ -z "$subs" ]; then
        check "$c"
    else
        for s in $subs; do
            check "$c" "$s"
        done
    fi
done

[ $missing -eq 0 ] || { echo "$missing missing"; exit 1; }
echo "man page covers: $(echo $cmds)"
