#!/bin/sh
# `--config FILE` end to end, through the ippm binary: refusals exit 2 with
# one line naming FILE:LINE; a reflector and a sender configured from one
# file (sections, globals, booleans) exchange packets on loopback; the
# command line overrides the file; IPPM_AUTH_KEY is the other key source.
#   config.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
rpid=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
failures=0

fail() {
    echo "FAIL: $*"
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f"; cat "$f"; }
    done
    failures=$((failures + 1))
}

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# refuse "EXPECTED STDERR" ARGS...: exit 2, exactly that line, no stdout.
refuse() {
    want=$1
    shift
    "$IPPM" "$@" >"$dir/x.out" 2>"$dir/x.err"
    got=$?
    if [ $got -eq 2 ] && [ "$(cat "$dir/x.err")" = "$want" ] &&
        [ ! -s "$dir/x.out" ]; then
        echo "ok   [2] $want"
    else
        echo "FAIL [$got] ippm $*"
        echo "  want: $want"
        echo "  got:  $(cat "$dir/x.err")"
        failures=$((failures + 1))
    fi
}

# start_reflector ARGS...: waits for the banner in refl.out. The last
# reflector's banner goes first: the background shell truncates the file
# only when it runs, which on a loaded machine can be after the first grep.
start_reflector() {
    rm -f "$dir/refl.out"
    "$IPPM" stamp reflector "$@" >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    i=0
    while ! grep -q "listening on" "$dir/refl.out" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 50 ] || ! kill -0 "$rpid" 2>/dev/null; then
            fail "reflector did not start: $*"
            rpid=
            return 1
        fi
        sleep 0.1
    done
}

stop_reflector() {
    kill -INT "$rpid"
    wait "$rpid"
    rpid=
}

# sender NAME ARGS...: runs the sender, JSON in NAME.json; returns its status.
sender() {
    name=$1
    shift
    "$IPPM" stamp sender 127.0.0.1 --no-progress --json "$dir/$name.json" \
        "$@" >"$dir/$name.out" 2>"$dir/$name.err"
}

json() {
    /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"
}

PORT=$(free_port)
OTHER=$(free_port)
conf=$dir/ippm.conf
printf 'k3y-from-file\n' >"$dir/key"
chmod 600 "$dir/key"

# ---- refusals, each naming the line ----
cat >"$dir/bad.conf" <<EOF
; line 1
[stamp-reflector]
port = $PORT

# line 5
listen = 127.0.0.1
prot = 862
EOF
refuse "ippm: $dir/bad.conf:7: unknown key 'prot'" \
    stamp reflector --config "$dir/bad.conf"
printf '[stamp-sender]\ncount = 3\nauth-key = hunter2\n' >"$dir/secret.conf"
refuse "ippm: $dir/secret.conf:3: 'auth-key' would put a secret in a config file; give the key with auth-key-file or the IPPM_AUTH_KEY environment variable" \
    stamp sender 127.0.0.1 --config "$dir/secret.conf"
# A secret is refused even in the other subcommand's section.
refuse "ippm: $dir/secret.conf:3: 'auth-key' would put a secret in a config file; give the key with auth-key-file or the IPPM_AUTH_KEY environment variable" \
    stamp reflector --config "$dir/secret.conf"
printf 'stateful = maybe\n' >"$dir/bool.conf"
refuse "ippm: $dir/bool.conf:1: 'stateful' is a flag: true or false, not 'maybe'" \
    stamp reflector --config "$dir/bool.conf"
printf '[stamp-reflecter]\nport = 1\n' >"$dir/sect.conf"
refuse "ippm: $dir/sect.conf:2: unknown section [stamp-reflecter]" \
    stamp reflector --config "$dir/sect.conf"
printf 'count = 3\n' >"$dir/global.conf"
refuse "ippm: $dir/global.conf:1: unknown key 'count' (stamp reflector has no --count; put it in the section of the subcommand that has)" \
    stamp reflector --config "$dir/global.conf"
printf 'port = 70000\n' >"$dir/value.conf"
refuse "ippm: --port: '70000' is not a port (1-65535)" \
    stamp reflector --config "$dir/value.conf"
refuse "ippm: --config: cannot read '$dir/none.conf': No such file or directory" \
    stamp reflector --config "$dir/none.conf"
refuse "ippm: stamp sender: --config given twice" \
    stamp sender 127.0.0.1 --config "$dir/value.conf" --config="$dir/value.conf"
export IPPM_AUTH_KEY=x
refuse "ippm: --auth-key-file and IPPM_AUTH_KEY both give a key; use one" \
    stamp reflector --auth-key-file "$dir/key"
unset IPPM_AUTH_KEY

# ---- one file for both: sections, globals, booleans, CLI override ----
cat >"$conf" <<EOF
# global: both subcommands
timestamp = ptp

[stamp-reflector]
    listen = 127.0.0.1     ; indented keys are fine
    port = $OTHER
    stateful = yes
    reply-to-short = false

[stamp-sender]
port = $PORT
count = 7
interval = 0.01
wait = 1
EOF
# The file says port $OTHER; the command line's --port wins.
if start_reflector --config "$conf" --port "$PORT"; then
    grep -q "listening on 127.0.0.1:$PORT (stateful, open, ptp)" \
        "$dir/refl.out" || fail "reflector banner: $(cat "$dir/refl.out")"
    if sender run --config "$conf"; then
        [ "$(json "$dir/run.json" 'j["received"]')" = 7 ] ||
            fail "sender: expected 7 replies"
        [ "$(json "$dir/run.json" 'j["timestamp"]')" = ptp ] ||
            fail "sender: global timestamp = ptp not applied"
    else
        fail "config-driven sender exit status $?"
    fi
    # Command line over the file: --count 2 wins over count = 7.
    sender over --config "$conf" --count 2 ||
        fail "sender --count 2 exit status $?"
    [ "$(json "$dir/over.json" 'j["sent"]')" = 2 ] ||
        fail "sender: --count 2 did not override count = 7"
    stop_reflector
    echo "ok   config-driven reflector and sender, command line overrides"
fi

# ---- IPPM_AUTH_KEY: the key from the environment on both sides ----
printf '[stamp-reflector]\nlisten = 127.0.0.1\nport = %s\n' "$PORT" >"$dir/auth.conf"
IPPM_AUTH_KEY=sh4red-k3y
export IPPM_AUTH_KEY
if start_reflector --config "$dir/auth.conf"; then
    grep -q "(stateless, authenticated, ntp)" "$dir/refl.out" ||
        fail "IPPM_AUTH_KEY did not make the reflector authenticated"
    sender env --port "$PORT" --count 3 --interval 0.01 --wait 1 ||
        fail "authenticated sender (key from the environment) exit $?"
    [ "$(json "$dir/env.json" 'j["mode"] + str(j["received"])')" = authenticated3 ] ||
        fail "IPPM_AUTH_KEY sender: $(cat "$dir/env.out")"
    # A different key: every reply fails the HMAC check.
    IPPM_AUTH_KEY=other-key sender wrong --port "$PORT" --count 3 \
        --interval 0.01 --wait 0.5
    [ $? -eq 1 ] || fail "wrong IPPM_AUTH_KEY: sender should exit 1"
    stop_reflector
    echo "ok   IPPM_AUTH_KEY as the key source"
fi
unset IPPM_AUTH_KEY

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all config checks passed"
