#!/usr/bin/python3
"""`ippm stamp reflector --threads 2 --stateful` (issue 11): each worker
has its own SO_REUSEPORT socket and session table, and the kernel keeps a
4-tuple on one worker, so every session's replies are numbered 0, 1, 2 ...
with no gap or restart whichever worker answers it. Requests from 32
source ports spread over both workers; SIGTERM stops all of them with one
summary whose counts add up.

Exact whatever the load: each port sends its requests one at a time and
waits for the reply (nothing can overflow a socket), and the summary is
compared with what the test sent and received.

usage: threads.py IPPM     exit 0 pass, 1 fail
"""
import re
import signal
import socket
import struct
import sys
import tempfile

import refl_flood
from refl_flood import PATIENCE, fail

IPPM = sys.argv[1]
PORTS = 32
PER_PORT = 8


def request(seq):
    return struct.pack("!IQH30x", seq, 0, 1)


def main():
    with tempfile.TemporaryFile("w+") as err:
        refl, port = refl_flood.start_reflector(
            IPPM, ["--stateful", "--threads", "2", "--cpus", "0-1"], err)
        socks = []
        for _ in range(PORTS):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            s.settimeout(PATIENCE)
            socks.append(s)
        for i in range(PER_PORT):
            for n, s in enumerate(socks):
                s.sendto(request(1000 + i), ("127.0.0.1", port))
                try:
                    reply = s.recv(2048)
                except socket.timeout:
                    fail("port %d: no reply to request %d" % (n, i))
                refl_seq = struct.unpack("!I", reply[:4])[0]
                sender_seq = struct.unpack("!I", reply[24:28])[0]
                if sender_seq != 1000 + i or refl_seq != i:
                    fail("port %d request %d: reflector numbered it %d "
                         "(sender seq %d): the session moved between workers"
                         % (n, i, refl_seq, sender_seq))
        refl.send_signal(signal.SIGTERM)
        rc = refl.wait(timeout=PATIENCE)
        err.seek(0)
        summary = err.read()
    print(summary, end="")
    total = PORTS * PER_PORT
    if rc != 0:
        fail("exit status %d after SIGTERM" % rc)
    if summary.count("ippm stamp reflector: received") != 1:
        fail("expected exactly one summary")
    if "received %d, replied %d, dropped 0" % (total, total) not in summary:
        fail("summary does not count %d requests and replies" % total)
    if "sessions: %d held" % PORTS not in summary:
        fail("summary does not hold the %d sessions of both workers" % PORTS)
    m = re.search(r"workers: 2 \(received (\d+), (\d+)\)", summary)
    if not m:
        fail("no workers line")
    a, b = int(m.group(1)), int(m.group(2))
    if a + b != total or a % PER_PORT or b % PER_PORT:
        fail("workers received %d and %d: not whole sessions of %d" %
             (a, b, total))
    if not a or not b:
        fail("one worker got all %d ports (chance 2^-31)" % PORTS)
    print("PASS: %d sessions numbered without a gap over 2 workers (%d, %d)"
          % (PORTS, a // PER_PORT, b // PER_PORT))


main()
