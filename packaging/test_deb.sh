#!/bin/sh
# The .deb end to end: cpack -G DEB from the build directory, check what
# it holds (binary, unit, conffile, man page, Depends from shlibdeps),
# unpack it into a scratch root with dpkg-deb -x (the real system is not
# touched), start the reflector from the unpacked files with the unpacked
# config, and measure to it with the unpacked sender. Then check the unit
# with systemd-analyze verify and security, when systemd-analyze exists.
#   test_deb.sh BUILD_DIR
# Exit 0 pass, 1 fail, 77 skip (no cpack or dpkg-deb).
set -u
BUILD=$1
for t in cpack dpkg-deb; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
dir=$(mktemp -d)
rpid=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f"; tail -20 "$f"; }
    done
    exit 1
}

# ---- build the package ----
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$dir/pkg" \
    >"$dir/cpack.out" 2>&1 || fail "cpack -G DEB"
deb=$(ls "$dir"/pkg/ippm_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack wrote no ippm_*.deb"
echo "ok   built $(basename "$deb")"

# ---- what it holds ----
dpkg-deb -c "$deb" >"$dir/contents.out" || fail "dpkg-deb -c"
for f in ./usr/bin/ippm ./lib/systemd/system/ippm-reflector.service \
    ./lib/systemd/system/ippm-twamp-light.service \
    ./lib/systemd/system/ippm-twamp-server.service \
    ./lib/systemd/system/ippm-owamp-server.service \
    ./lib/systemd/system/ippm-rmbt-server.service \
    ./lib/systemd/system/ippm-udping-server.service \
    ./etc/ippm/ippm.conf ./usr/share/man/man1/ippm.1.gz; do
    grep -q " $f\$" "$dir/contents.out" || fail "package lacks $f"
done
echo "ok   holds ippm, the unit, the config and the man page"
dpkg-deb -f "$deb" Depends >"$dir/depends.out"
for lib in libc6 libinih1 libjansson4 libpcap0.8 libssl3; do
    grep -q "$lib" "$dir/depends.out" || fail "Depends lacks $lib: $(cat "$dir/depends.out")"
done
echo "ok   Depends: $(cat "$dir/depends.out")"
dpkg-deb -e "$deb" "$dir/control" || fail "dpkg-deb -e"
grep -qx /etc/ippm/ippm.conf "$dir/control/conffiles" ||
    fail "/etc/ippm/ippm.conf is not a conffile"
for s in postinst prerm postrm; do
    [ -x "$dir/control/$s" ] || fail "no executable $s"
    sh -n "$dir/control/$s" || fail "$s does not parse"
done
echo "ok   conffiles and maintainer scripts"

# ---- unpack into a scratch root ----
root=$dir/root
dpkg-deb -x "$deb" "$root" || fail "dpkg-deb -x"
IPPM=$root/usr/bin/ippm
CONF=$root/etc/ippm/ippm.conf
"$IPPM" --version >"$dir/version.out" || fail "installed ippm does not run"
if command -v groff >/dev/null 2>&1; then
    zcat "$root/usr/share/man/man1/ippm.1.gz" |
        groff -man -Tutf8 -ww -P-bcou >"$dir/man.txt" 2>"$dir/man.err" ||
        fail "groff failed on the man page"
    [ -s "$dir/man.err" ] && fail "man page warnings: $(cat "$dir/man.err")"
    grep -q "CONFIGURATION FILE" "$dir/man.txt" || fail "man page incomplete"
    echo "ok   man page renders without warnings"
fi

# ---- run the installed reflector from the installed config ----
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$IPPM" stamp reflector --config "$CONF" --port "$PORT" --listen 127.0.0.1 \
    >"$dir/refl.out" 2>"$dir/refl.err" &
rpid=$!
i=0
while ! grep -q "listening on" "$dir/refl.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "installed reflector did not start"
    kill -0 "$rpid" 2>/dev/null || { rpid=; fail "installed reflector exited"; }
    sleep 0.1
done
grep -q "listening on 127.0.0.1:$PORT (stateless, open, ntp)" "$dir/refl.out" ||
    fail "reflector banner: $(cat "$dir/refl.out")"
"$IPPM" stamp sender 127.0.0.1 --config "$CONF" --port "$PORT" --count 5 \
    --interval 0.01 --wait 1 --no-progress >"$dir/send.out" 2>"$dir/send.err" ||
    fail "installed sender exit status $?"
grep -q "5 sent, 5 received" "$dir/send.out" || fail "sender: no 5 replies"
kill -TERM "$rpid"
wait "$rpid" || { rpid=; fail "reflector exit status $? after SIGTERM"; }
rpid=
grep -q "received 5, replied 5" "$dir/refl.err" || fail "reflector summary"
echo "ok   installed reflector answered the installed sender"

# ---- the installed RMBT server from the installed config ----
# ([rmbt-server] of ippm.conf: port 444 there, another one here; a secret
# file as LoadCredential would give it; a request made with Python's hmac)
printf '# test\ntopsecret deb\n' >"$dir/rmbt.secrets"
RPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$IPPM" rmbt server --config "$CONF" --port "$RPORT" --bind 127.0.0.1 \
    --secret-file "$dir/rmbt.secrets" --threads 1 2>"$dir/rmbt.err" &
rpid=$!
i=0
while ! grep -q "worker thread(s) total" "$dir/rmbt.err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "installed rmbt server did not start"
    kill -0 "$rpid" 2>/dev/null || { rpid=; fail "installed rmbt server exited"; }
    sleep 0.1
done
/usr/bin/python3 - "$RPORT" >"$dir/rmbt.out" 2>&1 <<'PY' || fail "rmbt ping"
import hashlib, hmac, socket, struct, sys, time
t = struct.pack("!I", int(time.time()))
ip = b"\0" * 10 + b"\xff\xff" + socket.inet_aton("127.0.0.1")
h = lambda m, n: hmac.new(b"topsecret", m, hashlib.sha256).digest()[:n]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"RP01\0\0\0\7" + t + h(t, 8) + h(t + ip, 4), ("127.0.0.1", int(sys.argv[1])))
assert s.recv(64) == b"RR01\0\0\0\7"
PY
kill -TERM "$rpid"
wait "$rpid" || { rpid=; fail "rmbt server exit status $? after SIGTERM"; }
rpid=
grep -q "Secret 1: deb" "$dir/rmbt.err" || fail "rmbt server: secret label"
grep -q "received 1, replied 1 (RR01 1" "$dir/rmbt.err" || fail "rmbt server summary"
echo "ok   installed rmbt server answered RR01"

# ---- as the unit runs it: no root, CAP_NET_BIND_SERVICE only, port 862 ----
# (systemd itself is not PID 1 on CI machines; setpriv gives the same
# user, capability sets and no_new_privs, not the namespaces or seccomp.)
port_free() {
    /usr/bin/python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    port_free 862; then
    chmod 755 "$dir" # mktemp -d is 0700; nobody must reach the config
    caps=-all,+net_bind_service
    setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs \
        --inh-caps=$caps --ambient-caps=$caps --bounding-set=$caps \
        "$IPPM" stamp reflector --config "$CONF" --listen 127.0.0.1 \
        >"$dir/priv.out" 2>"$dir/priv.err" &
    rpid=$!
    i=0
    while ! grep -q "listening on 127.0.0.1:862 " "$dir/priv.out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "unprivileged reflector did not start on 862"
        kill -0 "$rpid" 2>/dev/null || { rpid=; fail "unprivileged reflector exited"; }
        sleep 0.1
    done
    "$IPPM" stamp sender 127.0.0.1 --count 3 --interval 0.01 --wait 1 \
        --no-progress >"$dir/priv-send.out" 2>&1 ||
        fail "sender to the unprivileged reflector: exit $?"
    kill -TERM "$rpid"
    wait "$rpid"
    rpid=
    echo "ok   reflector as uid 65534 with CAP_NET_BIND_SERVICE only on port 862"
else
    echo "skip unprivileged run: not root, no setpriv, or port 862 taken"
fi
# The RMBT server the same way on its port 444 (ippm.conf's [rmbt-server]).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    port_free 444; then
    chmod 755 "$dir" # as above, when the run on 862 was skipped
    caps=-all,+net_bind_service
    setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs \
        --inh-caps=$caps --ambient-caps=$caps --bounding-set=$caps \
        "$IPPM" rmbt server --config "$CONF" --bind 127.0.0.1 --threads 1 \
        2>"$dir/rmbt-priv.err" &
    rpid=$!
    i=0
    while ! grep -q "Listening on 127.0.0.1, port 444$" "$dir/rmbt-priv.err" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "unprivileged rmbt server did not start on 444"
        kill -0 "$rpid" 2>/dev/null || { wait "$rpid"; rc=$?; rpid=; fail "unprivileged rmbt server exited ($rc)"; }
        sleep 0.1
    done
    kill -TERM "$rpid"
    wait "$rpid" || { rpid=; fail "unprivileged rmbt server exit status $?"; }
    rpid=
    echo "ok   rmbt server as uid 65534 with CAP_NET_BIND_SERVICE only on port 444"
else
    echo "skip unprivileged rmbt run: not root, no setpriv, or port 444 taken"
fi

# ---- the units: STAMP's, and the others' built from it ----
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "skip systemd-analyze: not installed"
    exit 0
fi
MANPATH=$root/usr/share/man man -w ippm >/dev/null 2>&1 ||
    fail "man -w ippm does not find the unpacked man page"
mkdir "$dir/unit"
for name in ippm-reflector ippm-twamp-light ippm-twamp-server \
    ippm-owamp-server ippm-rmbt-server ippm-udping-server; do
UNIT=$root/lib/systemd/system/$name.service
# verify wants ExecStart='s binary to exist, and the package is not
# installed on this system: check a copy pointing at the unpacked one.
# --man=no: man(1) would not find ippm(1) here for the same reason.
sed "s|/usr/bin/ippm|$IPPM|; s|/etc/ippm/ippm.conf|$CONF|" "$UNIT" \
    >"$dir/unit/$name.service"
systemd-analyze verify --man=no "$dir/unit/$name.service" \
    >"$dir/verify.out" 2>&1 || fail "systemd-analyze verify $name"
[ -s "$dir/verify.out" ] && fail "systemd-analyze verify: $(cat "$dir/verify.out")"
echo "ok   systemd-analyze verify $name"
systemd-analyze security --offline=true "$UNIT" >"$dir/security.out" 2>&1 ||
    fail "systemd-analyze security"
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$dir/security.out")
[ -n "$score" ] || fail "no exposure score"
# 10 is a unit with no hardening; ours is 1.5. Fail on a regression.
awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' ||
    fail "exposure $score > 2.0: $(grep '✗' "$dir/security.out")"
echo "ok   systemd-analyze security $name: exposure $score"
done
echo "all packaging checks passed"
