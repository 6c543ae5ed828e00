#!/usr/bin/python3
"""A stateful `ippm stamp reflector --max-sessions 256` under a flood of new
source ports: its memory must not grow, the sessions beyond the table must
be dropped as "no room for another session", and a sender on an existing
session must keep getting answers.

usage: session_flood.py IPPM     exit 0 pass, 1 fail
"""
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

IPPM = sys.argv[1]
PORTS = 20000          # new source ports in the flood
TABLE = 256


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def stamp_request(seq):
    # RFC 8762 Figure 2: seq, timestamp, error estimate (mult 1), MBZ.
    return struct.pack("!IQH30x", seq, 0, 1)


def main():
    port = free_port()
    tmp = tempfile.mkdtemp()
    err = open(os.path.join(tmp, "refl.err"), "w+")
    refl = subprocess.Popen(
        [IPPM, "stamp", "reflector", "--listen", "127.0.0.1", "--port",
         str(port), "--stateful", "--max-sessions", str(TABLE),
         "--session-timeout", "600", "--quiet"],
        stderr=err)
    try:
        time.sleep(0.3)
        keep = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        keep.connect(("127.0.0.1", port))
        keep.settimeout(1.0)
        keep.send(stamp_request(0))
        keep.recv(100)                      # an established session
        # Explicit, distinct source ports (ephemeral ones get reused, and a
        # reused port is an old session, not a new one). A first burst
        # touches the preallocated buffers, so what follows measures growth.
        sent = 0
        before = -1
        for p in range(20000, 20000 + PORTS + 2000):
            if p == port:
                continue
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                s.close()
                continue
            s.sendto(stamp_request(0), ("127.0.0.1", port))
            s.close()
            sent += 1
            if sent == 2000:
                time.sleep(0.3)
                before = rss_kb(refl.pid)
            if sent == PORTS:
                break
        time.sleep(0.5)
        after = rss_kb(refl.pid)
        # The established session still answers, numbering on from 1.
        keep.send(stamp_request(1))
        rep = keep.recv(100)
        if len(rep) != 44:
            fail("reply of %d octets to the established session" % len(rep))
        refl_seq = struct.unpack("!I", rep[:4])[0]
        if refl_seq != 1:
            fail("established session renumbered: reflector seq %d" % refl_seq)
        print("flood of %d new source ports: RSS %d kB after 2000, %d kB "
              "after all" % (sent, before, after))
        if after - before > 256:
            fail("RSS grew by %d kB" % (after - before))
    finally:
        refl.send_signal(2)
        refl.wait(timeout=5)
    err.seek(0)
    summary = err.read()
    print(summary.strip())
    m = re.search(r"(\d+)[^\n,]*no room for another session", summary)
    if not m:
        fail("no 'no room for another session' drops in the summary")
    dropped = int(m.group(1))
    # 256 slots, one taken by the established session.
    want = sent - (TABLE - 1)
    if dropped != want:
        fail("dropped %d new sessions, expected %d" % (dropped, want))
    print("ok: %d sessions beyond the table dropped, memory flat" % dropped)


main()
