#!/usr/bin/python3
"""Issue 10 item 3: one socket must not lock a stateful reflector out.

A stateful `ippm stamp reflector` with its default table (4096 sessions)
gets 4,096 requests from one source port with SSIDs 0..4095 (RFC 8972 §3
makes each a session), repeated while a second sender, from another
address (127.0.0.2), runs a session of its own. The second sender must be
answered every time, numbered by the reflector from 0 (RFC 8762 §4: its
own counter), and the reflector's summary must count the flood's sessions
refused by the per-source limit.

Before the fix the flood filled the table and every new 4-tuple was
dropped for the session timeout.

usage: session_lock.py IPPM     exit 0 pass, 1 fail, 77 skipped
"""
import os
import re
import signal
import socket
import struct
import sys
import tempfile

from refl_flood import PATIENCE, fail, start_reflector, wait_drained

IPPM = sys.argv[1]
SSIDS = 4096
BURST = 200       # well under the reflector socket's receive buffer
ROUNDS = 5        # second-sender packets, each after a repeat of the flood


def stamp_request(seq, ssid):
    # RFC 8762 Figure 2 with the SSID of RFC 8972 §3 at octets 14-15.
    return struct.pack("!IQHH28x", seq, 0, 1, ssid)


def flood(sock, port):
    """One request per SSID from one socket, in bursts the reflector reads
    before the next; the replies are discarded."""
    for first in range(0, SSIDS, BURST):
        for ssid in range(first, min(first + BURST, SSIDS)):
            sock.sendto(stamp_request(ssid, ssid), ("127.0.0.1", port))
        wait_drained(port)
        try:
            while True:
                sock.recv(2048)
        except BlockingIOError:
            pass


def second_sender(port):
    """A sender from 127.0.0.2; None when that address cannot be bound."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.2", 0))
    except OSError:
        return None
    s.connect(("127.0.0.1", port))
    s.settimeout(PATIENCE)
    return s


def exchange(sock, k):
    sock.send(stamp_request(100 + k, 7))
    try:
        rep = sock.recv(2048)
    except socket.timeout:
        fail("no reply to the second sender's packet %d in %.0f s: the "
             "flood locked it out" % (k, PATIENCE))
    if len(rep) < 44:
        fail("a %d-octet reply" % len(rep))
    seq, = struct.unpack("!I", rep[:4])
    ssid, = struct.unpack("!H", rep[14:16])
    ss_seq, = struct.unpack("!I", rep[16 + 8:16 + 12])
    if ss_seq != 100 + k or ssid != 7:
        fail("reply for packet %d carries ss-seq %d, SSID %d"
             % (k, ss_seq, ssid))
    if seq != k:
        fail("second sender's packet %d numbered %d by the reflector (its "
             "own counter from 0, RFC 8762 §4)" % (k, seq))


def main():
    tmp = tempfile.mkdtemp()
    err = open(os.path.join(tmp, "refl.err"), "w+")
    refl, port = start_reflector(
        IPPM, ["--stateful", "--session-timeout", "600"], err)
    try:
        other = second_sender(port)
        if other is None:
            print("SKIP: cannot bind 127.0.0.2")
            sys.exit(77)
        attacker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        attacker.bind(("127.0.0.1", 0))
        attacker.setblocking(False)
        for k in range(ROUNDS):
            flood(attacker, port)
            exchange(other, k)
    finally:
        refl.send_signal(signal.SIGINT)
        refl.wait(timeout=PATIENCE)
    err.seek(0)
    summary = err.read()
    print(summary.strip())
    m = re.search(r"sessions: (\d+) held of (\d+), (\d+) evicted .*, "
                  r"(\d+) refused", summary)
    if not m:
        fail("no session counters in the reflector's summary")
    held, _, evicted, refused = (int(m.group(i)) for i in (1, 2, 3, 4))
    if refused < SSIDS - 64:
        fail("only %d sessions refused to one source sending %d SSIDs"
             % (refused, SSIDS))
    print("ok: %d x %d SSIDs from one socket, %d refused, %d evicted, %d "
          "held; the second sender numbered 0..%d"
          % (ROUNDS, SSIDS, refused, evicted, held, ROUNDS - 1))


main()
