#!/usr/bin/python3
"""`ippm stamp reflector --rate-limit 1 --rate-burst 5 --deny-from
127.0.0.3`, from a config file's [stamp-reflector] keys (RFC 8762 §6,
issue 11): a flood from 127.0.0.2 far above the
rate is answered only as its bucket allows, while 127.0.0.1 is still
served in full, and 127.0.0.3 is never answered; the shutdown summary and
the Prometheus series count exactly what was refused.

Counts are exact however loaded the machine is: the flood is queued while
the reflector is stopped, the datagrams the kernel drops are read from
/proc/net/udp (none expected), and every assertion compares the
reflector's counters with what the test's own sockets received, never
with a duration. The flood's answered share depends on time (one token
a second), so only its sum with the refusals is asserted, and that it is
well below what was sent.

usage: rate_limit.py IPPM     exit 0 pass, 1 fail
"""
import re
import signal
import socket
import struct
import sys
import tempfile
import time
import urllib.request

import refl_flood
from refl_flood import PATIENCE, fail, wait_drained

IPPM = sys.argv[1]
FLOOD = 300   # requests from the flooding source
OTHER = 5     # from a well-behaved one: within its burst
DENIED = 7    # from the denied address


def request(seq):
    return struct.pack("!IQH30x", seq, 0, 1)


def sock_from(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 0))
    s.settimeout(0.2)
    return s


def count_replies(s, want):
    """Replies on s until want arrived or PATIENCE passed, then any more
    that straggle in within 0.5 s."""
    n = 0
    end = time.time() + PATIENCE
    while time.time() < end:
        try:
            s.recv(2048)
            n += 1
        except socket.timeout:
            if n >= want:
                break
    return n


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                timeout=PATIENCE) as r:
        return r.read().decode()


def series(text, name):
    m = re.search(r"^%s (\S+)$" % re.escape(name), text, re.M)
    return int(float(m.group(1))) if m else None


def main():
    mport = refl_flood.free_port(socket.SOCK_STREAM)
    with tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
        conf.write("[stamp-reflector]\nrate-limit = 1\nrate-burst = 5\n"
                   "deny-from = 127.0.0.3/32, 2001:db8::/32\n")
        conf.flush()
        refl, port = refl_flood.start_reflector(
            IPPM, ["--config", conf.name,
                   "--metrics", "127.0.0.1:%d" % mport], err)
        flood, other, denied = (sock_from("127.0.0.2"), sock_from("127.0.0.1"),
                                sock_from("127.0.0.3"))
        dest = ("127.0.0.1", port)
        refl.send_signal(signal.SIGSTOP)
        for i in range(FLOOD):
            flood.sendto(request(i), dest)
        for i in range(DENIED):
            denied.sendto(request(i), dest)
        refl.send_signal(signal.SIGCONT)
        drops = wait_drained(port)
        for i in range(OTHER):
            other.sendto(request(i), dest)
        got_other = count_replies(other, OTHER)
        got_flood = count_replies(flood, 5)
        got_denied = count_replies(denied, 0)
        wait_drained(port)
        text = scrape(mport)
        refl.send_signal(signal.SIGTERM)
        refl.wait(timeout=PATIENCE)
        err.seek(0)
        summary = err.read()
    print(summary, end="")
    if drops:
        fail("the kernel dropped %d datagrams: counts would not add up" % drops)
    if got_other != OTHER:
        fail("the other source got %d replies of %d" % (got_other, OTHER))
    if got_denied:
        fail("the denied source got %d replies" % got_denied)
    if not 5 <= got_flood < FLOOD // 2:
        fail("the flooding source got %d replies of %d sent at 1/s burst 5"
             % (got_flood, FLOOD))
    limited = FLOOD - got_flood
    want = {
        "received": FLOOD + OTHER + DENIED,
        "replied": got_flood + OTHER,
        "source over its rate limit": limited,
        "source address denied by the allow/deny list": DENIED,
    }
    m = re.search(r"received (\d+), replied (\d+), dropped (\d+)", summary)
    if not m:
        fail("no summary line")
    if int(m.group(1)) != want["received"] or int(m.group(2)) != want["replied"]:
        fail("summary says received %s replied %s, expected %d and %d"
             % (m.group(1), m.group(2), want["received"], want["replied"]))
    for why in ("source over its rate limit",
                "source address denied by the allow/deny list"):
        if "dropped %d: %s" % (want[why], why) not in summary:
            fail("summary lacks 'dropped %d: %s'" % (want[why], why))
    if "2 sources tracked of 16384, 0 forgotten" not in summary:
        fail("summary lacks the rate limiter's 2 sources")
    prom = {
        'ippm_stamp_reflector_packets_dropped_total{reason="rate_limited"}':
            limited,
        'ippm_stamp_reflector_packets_dropped_total{reason="source_denied"}':
            DENIED,
        "ippm_stamp_reflector_rate_sources": 2,
        "ippm_stamp_reflector_packets_sent_total": got_flood + OTHER,
    }
    for name, v in prom.items():
        if series(text, name) != v:
            fail("%s is %s, expected %d" % (name, series(text, name), v))
    print("PASS: flood of %d answered %d, other source %d of %d, denied 0 of %d"
          % (FLOOD, got_flood, got_other, OTHER, DENIED))


main()
