#!/bin/sh
# Every bad value of a TLV or directional option of `ippm stamp sender` / `reflector`
# exits 2 with exactly one line on stderr and nothing on stdout.
#   stamp_tlv_cli.sh IPPM
set -u
IPPM=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

# expect ARGS...: status 2, one stderr line, no stdout
expect() {
    "$IPPM" "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    lines=$(wc -l <"$dir/err")
    if [ $got -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$dir/out" ]; then
        echo "ok   [$got] ippm $*: $(head -1 "$dir/err")"
    else
        echo "FAIL [$got, $lines stderr lines] ippm $*"
        cat "$dir/err"
        failures=$((failures + 1))
    fi
}

printf 'k\n' >"$dir/key"
chmod 600 "$dir/key"
S="stamp sender 127.0.0.1"
# The directional options (sender_dirs.c), alike.
expect $S --reflector
expect $S --reflector foo
expect $S --grace 0
expect $S --grace x
expect $S --tlv-padding -1
expect $S --tlv-padding 65001
expect $S --tlv-padding x
expect $S --cos 64
expect $S --cos x
expect $S --location=yes
expect $S --access-report 1
expect $S --access-report 16:1
expect $S --access-report 1:256
expect $S --access-report a:b
expect $S --access-report :1
expect $S --hmac-tlv
expect $S --hmac-key-file "$dir/key"
expect $S --hmac-tlv --hmac-key-file "$dir/key" --auth-key-file "$dir/key"
expect $S --hmac-tlv --hmac-key-file "$dir/nonexistent"
expect $S --dest-addr 300.1.1.1
expect $S --dest-addr example.com
expect $S --return-path elsewhere
expect $S --return-path addr:
expect $S --return-path addr:1.2.3
expect $S --return-path mpls:
expect $S --return-path mpls:1048576
expect $S --return-path mpls:1,x
expect $S --return-path srv6:10.0.0.1
expect $S --return-path srv6:
expect $S --return-path same-link --return-path addr:127.0.0.1
expect $S --return-path same-link --return-path no-reply
expect $S --return-path mpls:1 --return-path srv6:2001:db8::1
expect $S --return-path addr:127.0.0.1 --return-path addr:127.0.0.2
expect $S --return-path mpls:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
expect $S --micro-session 0
expect $S --micro-session 65536
expect $S --micro-session 1:65536
expect $S --micro-session 1:x
expect $S --reply-control 43
expect $S --reply-control 100,65536
expect $S --reply-control 100,1,5
expect $S --reply-control 100,1,x
expect $S --reply-control x
expect $S --reflected-len 43
expect $S --reflected-len 65536
expect $S --ber-pattern ""
expect $S --ber-pattern abc
expect $S --ber-pattern zz
expect $S --ber-pattern "$(printf '%0512d' 0)"
expect $S --cos 1 --size 50
expect $S --cos 1 --size 54
expect $S --tlv-padding 65000 --size 100
expect $S --tlv-padding 65000 --ber-pattern "$(printf '%0510d' 0)" --location \
    --follow-up --direct-measurement \
    --return-path srv6:1::1,1::2,1::3,1::4,1::5,1::6,1::7,1::8
R="stamp reflector --listen 127.0.0.1 --port 1"
expect $R --max-reply-len 43
expect $R --max-reply-len 70000
expect $R --micro-session 0
expect $R --micro-session 65536
expect $R --dscp-permitted 64
expect $R --dscp-permitted 10-5
expect $R --dscp-permitted x
expect $R --dscp-permitted ""
expect $R --dscp-permitted 1,,x
expect $R --require-hmac-tlv
expect $R --hmac-key-file "$dir/key" --auth-key-file "$dir/key"
expect $R --hmac-key-file "$dir/nonexistent"
expect $R --no-tlv --micro-session 3
expect $R --no-tlv --max-reply-len 100
expect $R --no-tlv --dscp-permitted none
expect $R --no-tlv=1
# issue 10 item 1: ports exempt from the source rules, at most 16
expect $R --allow-src-port 0
expect $R --allow-src-port 65536
expect $R --allow-src-port 862,x
expect $R --allow-src-port ""
expect $R --allow-src-port 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
# RFC 8762 §6 admission options (issue 11).
expect $R --deny-from 10.0.0.0/33
expect $R --allow-from 2001:db8::/129
expect $R --allow-from 10.0.0.0/x
expect $R --deny-from example.org
expect $R --deny-from ""
expect $R --rate-limit x
expect $R --rate-limit 1000000001
expect $R --rate-burst 5
expect $R --rate-limit 10 --rate-burst 0
expect $R --rate-sources 4 --rate-limit 0
# --threads, --cpus (issue 11).
expect $R --threads 0
expect $R --threads 65
expect $R --cpus 3-1
expect $R --cpus x

# every new option is in --help
for o in tlv-padding cos location timestamp-info direct-measurement \
    access-report follow-up hmac-tlv hmac-key-file dest-addr return-path \
    micro-session reply-control reflected-len ber-pattern; do
    "$IPPM" stamp sender --help | grep -q -- "--$o " ||
        { echo "FAIL: sender --help lacks --$o"; failures=$((failures + 1)); }
done
for o in no-tlv max-reply-len micro-session dscp-permitted hmac-key-file \
    require-hmac-tlv; do
    "$IPPM" stamp reflector --help | grep -q -- "--$o " ||
        { echo "FAIL: reflector --help lacks --$o"; failures=$((failures + 1)); }
done
[ $failures -eq 0 ] || { echo "$failures failures"; exit 1; }
echo PASS
