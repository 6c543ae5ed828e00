#!/bin/sh
# Live RFC 8972 / RFC 9503 / RFC 9534 TLV round trips on loopback: each
# TLV option of `ippm stamp sender` against `ippm stamp reflector`, the
# reflector's answer checked in the sender's JSON (and --per-packet line).
#   e2e_stamp_tlv.sh IPPM MODE
# MODE:
#   tlvs     stateful reflector: CoS, Location, Timestamp Information,
#            Direct Measurement, Access Report, Follow-Up, Destination
#            Node Address, Return Path, Micro-session ID, padding
#   refl     reflector options: --micro-session, --dscp-permitted,
#            --max-reply-len, --hmac-key-file with --hmac-tlv, BER
#   notlv    --no-tlv reflector: TLVs come back as sent (U set)
#   dmloss   ippm relay --fwd-drop 3 --rev-drop 7 --fwd-dup-list 5
#            --rev-dup-list 9 before a STATELESS reflector: Direct
#            Measurement splits the loss 1 / 1 and the duplicates 1 / 1
#   v6       Location and Destination Node Address over IPv6 loopback
#   config   every new option as a config file key
# Exit 0 pass, 1 fail, 77 skip (no IPv6 loopback).
set -u
IPPM=$1
MODE=$2
COUNT=5
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

dir=$(mktemp -d)
rpid=
lpid=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
    [ -n "$lpid" ] && kill "$lpid" 2>/dev/null && wait "$lpid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

fail() {
    echo "FAIL ($MODE): $*" >&2
    for f in "$dir"/*.out "$dir"/*.err; do
        [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
    exit 1
}

free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

have_v6() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' 2>/dev/null
}

wait_for() { # wait_for FILE PATTERN PID
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "no '$2' in $1"
        kill -0 "$3" 2>/dev/null || fail "process for $1 exited"
        sleep 0.1
    done
}

start_reflector() {
    PORT=$(free_port)
    "$IPPM" stamp reflector --listen "${LISTEN:-127.0.0.1}" --port "$PORT" "$@" \
        >"$dir/refl.out" 2>"$dir/refl.err" &
    rpid=$!
    wait_for "$dir/refl.out" "listening on" "$rpid"
}

stop_reflector() {
    kill -INT "$rpid"
    wait "$rpid"
    rc=$?
    rpid=
    [ $rc -eq 0 ] || fail "reflector exit status $rc after SIGINT"
}

# run NAME [options]: COUNT packets to PORT, JSON to $dir/NAME.json; the
# exit status must be EXPECT_RC (default 0).
run() {
    name=$1
    shift
    "$IPPM" stamp sender "${LISTEN:-127.0.0.1}" --port "${TO_PORT:-$PORT}" --count $COUNT \
        --interval 0.01 --wait 0.5 --per-packet --json "$dir/$name.json" "$@" \
        >"$dir/$name.out" 2>"$dir/$name.err"
    rc=$?
    [ "$rc" -eq "${EXPECT_RC:-0}" ] ||
        fail "$name: sender exit status $rc, expected ${EXPECT_RC:-0}"
}

# check NAME PYTHON-EXPRESSION: j is the JSON, p the received packets,
# t(p, 'cos') that packet's TLV object of that type.
check() {
    "$PY" - "$dir/$1.json" "$2" "$PORT" <<'PYEOF' || fail "$1: $2"
import json, sys
j = json.load(open(sys.argv[1]))
p = [x for x in j["packets"] if x["state"] == "received"]
port = int(sys.argv[3])
def t(pk, ty):
    for x in pk["tlvs"]:
        if x["type"] == ty:
            return x
    return None
ok = eval(sys.argv[2], {"j": j, "p": p, "t": t, "port": port, "C": 5})
if not ok:
    for x in p[:2]:
        print(json.dumps(x), file=sys.stderr)
sys.exit(0 if ok else 1)
PYEOF
}

ALL="j['received'] == C and len(p) == C and all(x['tlv_status'] == 'ok' for x in p)"

mode_tlvs() {
    start_reflector --stateful
    # RFC 8972 §4.4: DSCP1 asked, DSCP2 the one received, RP 0 (allowed)
    run cos --cos 34 --dscp 46
    check cos "$ALL and all(t(x,'cos') == {'type':'cos','flags':'','dscp1':34,'dscp2':46,'ecn':0,'rp':0} for x in p)"
    grep -q "^seq=0 .* cos=dscp1:34,dscp2:46,ecn:0,rp:0" "$dir/cos.out" ||
        fail "no cos= token on the per-packet line"
    # Issue 10 item 10: by default no sender gets CS6 or CS7 (network
    # control) onto a reply: refused, RP 1, the DSCP received kept
    run cs6 --cos 48 --dscp 10
    check cs6 "$ALL and all(t(x,'cos')['rp'] == 1 and t(x,'cos')['dscp2'] == 10 for x in p)"
    run cs7 --cos 56
    check cs7 "$ALL and all(t(x,'cos')['rp'] == 1 for x in p)"
    # §4.2: the reflector's address and port, and ours, one port per run
    run loc --location
    check loc "$ALL and all(t(x,'loc')['dst'] == '127.0.0.1:%d' % port for x in p) and len(set(t(x,'loc')['src'] for x in p)) == 1 and t(p[0],'loc')['src'].startswith('127.0.0.1:') and t(p[0],'loc')['src'] != t(p[0],'loc')['dst']"
    # §4.3: software timestamps both ways
    run tsinfo --timestamp-info
    check tsinfo "$ALL and all(t(x,'ts-info')['in'] == 'sw' and t(x,'ts-info')['out'] == 'sw' and t(x,'ts-info')['sync'] in ('ntp', 'free') for x in p)"
    # §4.5: a new session per run: counters equal packet counts
    run dm --direct-measurement
    check dm "$ALL and all(t(x,'dm') == {'type':'dm','flags':'','s_tx':x['seq']+1,'r_rx':x['seq']+1,'r_tx':x['seq']+1} for x in p)"
    check dm "j['directional_loss'] == {'forward': 0, 'backward': 0, 'unknown': 0} and j['directional_loss_source'] == 'direct-measurement'"
    grep -q "^seq=2 .* dm=s_tx:3,r_rx:3,r_tx:3" "$dir/dm.out" ||
        fail "no dm= token on the per-packet line"
    # §4.6: ID and code copied; an ID beyond 1 and 2 is not processed
    run acc --access-report 2:7
    check acc "$ALL and all(t(x,'access') == {'type':'access','flags':'','id':2,'code':7} for x in p)"
    run acc3 --access-report 3:7
    check acc3 "all(t(x,'access')['flags'] == 'U' for x in p)"
    # §4.7: stateful: the previous reply's number and the time it left:
    # the kernel's transmit time (issue 11), not before its Timestamp
    # field (2 us: a double's rounding) and within 100 ms of it.
    run fu --follow-up
    check fu "$ALL and t(p[0],'fu')['seq'] == 0 and t(p[0],'fu')['ts'] == '0' and all(t(x,'fu')['seq'] == x['seq']-1 and -2e3 < float(t(x,'fu')['ts'])*1e9 - [y for y in p if y['seq'] == x['seq']-1][0]['t3_ns'] < 1e8 for x in p[1:])"
    # RFC 9503 §3: U when not the reflector's address
    run dest --dest-addr 127.0.0.1
    check dest "$ALL and all(t(x,'dest') == {'type':'dest','flags':'','addr':'127.0.0.1'} for x in p)"
    run dest2 --dest-addr 192.0.2.1
    check dest2 "all(t(x,'dest')['flags'] == 'U' for x in p)"
    # RFC 9503 §4: the source address is followed; a link or a label
    # stack this reflector cannot follow is U
    run rpa --return-path addr:127.0.0.1
    check rpa "$ALL and all(t(x,'rp') == {'type':'rp','flags':'','addr':'127.0.0.1'} for x in p)"
    run rps --return-path same-link
    check rps "all(t(x,'rp')['flags'] == 'U' for x in p)"
    grep -q "^seq=0 .* rp=U" "$dir/rps.out" || fail "no 'rp=U' token"
    run rpm --return-path mpls:100,200
    check rpm "all(t(x,'rp')['flags'] == 'U' for x in p)"
    run rp6 --return-path srv6:2001:db8::1,2001:db8::2
    check rp6 "all(t(x,'rp')['flags'] == 'U' for x in p)"
    # §4.1.1: Control Code 0: no reply at all
    EXPECT_RC=1 run rpn --return-path no-reply
    check rpn "j['received'] == 0"
    # RFC 9534: no Reflector ID configured: 0 back, and no check
    run micro --micro-session 3
    check micro "$ALL and all(t(x,'micro') == {'type':'micro','flags':'','sid':3,'rid':0} for x in p)"
    # §4.1: Extra Padding, here and made of --size
    run pad --tlv-padding 20 --cos 0
    check pad "$ALL and all(t(x,'pad') == {'type':'pad','flags':'','len':20} for x in p) and j['size'] == 44 + 8 + 24"
    run size --cos 0 --size 100
    check size "$ALL and all(t(x,'pad')['len'] == 100 - 44 - 8 - 4 for x in p)"
    stop_reflector
    # --dscp-permitted all widens the default to network control too
    start_reflector --dscp-permitted all
    run cs6all --cos 48
    check cs6all "$ALL and all(t(x,'cos')['rp'] == 0 for x in p)"
    stop_reflector
}

mode_refl() {
    printf 'tlv-key\n' >"$dir/key"
    printf 'other\n' >"$dir/bad"
    chmod 600 "$dir/key" "$dir/bad"
    start_reflector --micro-session 7 --dscp-permitted 0-10,46 \
        --max-reply-len 300 --hmac-key-file "$dir/key"
    # RFC 9534 §3.2: our link, the reflector's ID comes back
    run m7 --micro-session 3:7
    check m7 "$ALL and all(t(x,'micro')['rid'] == 7 for x in p)"
    EXPECT_RC=1 run m9 --micro-session 3:9
    # RFC 8972 §4.4: DSCP 34 not permitted: RP 1
    run cos1 --cos 34
    check cos1 "all(t(x,'cos')['rp'] == 1 for x in p)"
    run cos0 --cos 46
    check cos0 "all(t(x,'cos')['rp'] == 0 for x in p)"
    # asymmetrical packets: 200 allowed (C clear), 400 capped (C set)
    run a200 --reflected-len 200
    check a200 "$ALL and all(t(x,'ctrl')['flags'] == '' and t(x,'pad')['len'] == 200 - 44 - 16 - 4 for x in p)"
    run a400 --reply-control 400,1,0.001
    check a400 "$ALL and all(t(x,'ctrl')['flags'] == 'C' and t(x,'pad')['len'] == 300 - 44 - 16 - 4 for x in p)"
    # §4.8 in open mode: a shared key verifies, a wrong one is I
    run h --hmac-tlv --hmac-key-file "$dir/key" --cos 0
    check h "$ALL and all(t(x,'hmac')['flags'] == '' for x in p)"
    run hb --hmac-tlv --hmac-key-file "$dir/bad" --cos 0
    check hb "all(x['tlv_status'] == 'integrity-failed' and 'I' in t(x,'cos')['flags'] for x in p)"
    # BER: an unharmed pattern counts no errors
    run ber --ber-pattern a55a --tlv-padding 32
    check ber "$ALL and all(t(x,'ber-bits')['n'] == 0 and t(x,'ber-burst')['n'] == 0 and t(x,'pad')['len'] == 32 for x in p)"
    stop_reflector
    grep -q "dropped $COUNT: micro-session ID names another link" \
        "$dir/refl.err" || fail "reflector did not count the micro-session drops"
}

mode_notlv() {
    start_reflector --no-tlv
    run n --cos 46 --direct-measurement --location
    # RFC 8762 §4.3: the octets are copied: the sender's U flags stay
    check n "j['received'] == C and all(t(x,'cos')['flags'] == 'U' and t(x,'dm')['flags'] == 'U' for x in p)"
    stop_reflector
}

mode_dmloss() {
    start_reflector
    TO_PORT=$(free_port)
    "$IPPM" relay --listen "127.0.0.1:$TO_PORT" --to "127.0.0.1:$PORT" \
        --proto stamp --fwd-drop 3 --rev-drop 7 --fwd-dup-list 5 \
        --rev-dup-list 9 >"$dir/relay.out" \
        2>"$dir/relay.err" &
    lpid=$!
    wait_for "$dir/relay.out" "listening on" "$lpid"
    COUNT=12 run s --direct-measurement
    check s "j['lost'] == 2 and j['directional_loss'] == {'forward': 1, 'backward': 1, 'unknown': 0} and j['directional_loss_source'] == 'direct-measurement'"
    # the reply to request 5 twice (R_RxC moved on), reply 8 twice (not);
    # relay indices count the copy of request 5 on the way back
    check s "j['duplicated'] == 2 and j['duplicated_by_direction'] == {'forward': 1, 'backward': 1}"
    grep -q "^duplicated: forward 1, backward 1" "$dir/s.out" ||
        fail "no duplicated by direction line"
    # stateless: its numbers copy ours
    check s "all(x['refl_seq'] == x['seq'] for x in p)"
    grep -q "^directional loss: forward 1, backward 1 (Direct Measurement" \
        "$dir/s.out" || fail "no directional loss line"
    kill -INT "$lpid"
    wait "$lpid"
    lpid=
    stop_reflector
}

mode_v6() {
    have_v6 || { echo "no IPv6 loopback: skipped"; exit 77; }
    LISTEN=::1
    start_reflector
    # RFC 8972 §4.2.2: the IPv6 sub-TLVs, with the reflector's address
    run loc --location --dest-addr ::1
    check loc "$ALL and all(t(x,'loc')['dst'] == '[::1]:%d' % port and t(x,'loc')['src'].startswith('[::1]:') for x in p)"
    check loc "all(t(x,'dest') == {'type':'dest','flags':'','addr':'::1'} for x in p)"
    run dest --dest-addr 2001:db8::1
    check dest "all(t(x,'dest')['flags'] == 'U' for x in p)"
    stop_reflector
}

mode_config() {
    printf 'cfg-key\n' >"$dir/key"
    chmod 600 "$dir/key"
    PORT=$(free_port)
    cat >"$dir/ippm.conf" <<EOF
[stamp-reflector]
listen = 127.0.0.1
port = $PORT
stateful = true
micro-session = 9
dscp-permitted = 0-63
max-reply-len = 400
hmac-key-file = $dir/key

[stamp-sender]
port = $PORT
tlv-padding = 12
cos = 10
location = true
timestamp-info = true
direct-measurement = true
access-report = 1:4
follow-up = true
hmac-tlv = true
hmac-key-file = $dir/key
dest-addr = 127.0.0.1
return-path = addr:127.0.0.1
micro-session = 5:9
reply-control = 300,1,0
ber-pattern = ff00
EOF
    "$IPPM" stamp reflector --config "$dir/ippm.conf" >"$dir/refl.out" \
        2>"$dir/refl.err" &
    rpid=$!
    wait_for "$dir/refl.out" "listening on" "$rpid"
    run c --config "$dir/ippm.conf"
    check c "$ALL and all(sorted(y['type'] for y in x['tlvs']) == sorted(['ctrl','cos','loc','ts-info','dm','access','fu','dest','rp','micro','ber-pattern','ber-bits','ber-burst','pad','hmac']) for x in p)"
    check c "all(t(x,'cos')['dscp1'] == 10 and t(x,'access')['code'] == 4 and t(x,'micro')['rid'] == 9 and t(x,'ctrl')['flags'] == '' and t(x,'rp')['flags'] == '' for x in p)"
    stop_reflector
    # the last key left: reflected-len, and no-tlv / require-hmac-tlv
    cat >"$dir/two.conf" <<EOF
[stamp-reflector]
listen = 127.0.0.1
port = $PORT
no-tlv = true

[stamp-sender]
reflected-len = 100
EOF
    # Not the last reflector's banner: the background shell truncates
    # refl.out only when it runs, which may be after wait_for's first grep.
    rm -f "$dir/refl.out"
    "$IPPM" stamp reflector --config "$dir/two.conf" >"$dir/refl.out" \
        2>"$dir/refl.err" &
    rpid=$!
    wait_for "$dir/refl.out" "listening on" "$rpid"
    run d --config "$dir/two.conf"
    check d "j['received'] == C and all(t(x,'ctrl')['flags'] == 'U' for x in p)"
    stop_reflector
    cat >"$dir/three.conf" <<EOF
[stamp-reflector]
require-hmac-tlv = true
EOF
    "$IPPM" stamp reflector --config "$dir/three.conf" >"$dir/x.out" \
        2>"$dir/x.err"
    [ $? -eq 2 ] && grep -q "require-hmac-tlv: needs --hmac-key-file" \
        "$dir/x.err" || fail "require-hmac-tlv as a key"
}

case "$MODE" in
tlvs) mode_tlvs ;;
refl) mode_refl ;;
notlv) mode_notlv ;;
dmloss) mode_dmloss ;;
v6) mode_v6 ;;
config) mode_config ;;
*) fail "unknown mode" ;;
esac
echo "PASS ($MODE)"
