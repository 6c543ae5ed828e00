#!/usr/bin/python3
"""A stateful `ippm stamp reflector --max-sessions 256
--max-sessions-per-source 64` under a flood of new source ports from one
address: its memory must not grow, the sessions beyond the address's 64
must be dropped as "no room for another session" (counted as refused, none
evicted), and a sender on an existing session must keep getting answers.

Every count asserted is exact however loaded the machine is (ctest -j4 on
two cores): the flood goes out in bursts small enough for the reflector's
socket, each queued while the reflector is stopped (so it always reads
full batches, and the first bursts touch every batch buffer before memory
is measured) and sent once it has read the one before; the datagrams the
kernel still drops on that socket are read from /proc/net/udp, so the
reflector's own "received" accounts for every datagram sent.

usage: session_flood.py IPPM     exit 0 pass, 1 fail
"""
import os
import re
import signal
import socket
import struct
import sys
import tempfile
import time

import refl_flood
from refl_flood import PATIENCE, fail, wait_drained

IPPM = sys.argv[1]
PORTS = 20000          # new source ports in the flood
TABLE = 256
LIMIT = 64             # --max-sessions-per-source: the flood's one address
BURST = 200            # well under netdev_max_backlog (1000) and the rcvbuf


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def stamp_request(seq):
    # RFC 8762 Figure 2: seq, timestamp, error estimate (mult 1), MBZ.
    return struct.pack("!IQH30x", seq, 0, 1)


def start_reflector(err):
    return refl_flood.start_reflector(
        IPPM, ["--stateful", "--max-sessions", str(TABLE),
               "--max-sessions-per-source", str(LIMIT),
               "--session-timeout", "600"], err)


def flood_ports(refl_port):
    """Source ports for the flood, below the kernel's ephemeral range so
    that no other test's socket is handed one of them meanwhile."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError):
        low = 32768
    first = max(1024, low - PORTS - 2000)
    # Not the reflector's own port nor one it refuses as a reflecting
    # service's (proto/common/ippm_srcguard.c): those are not sessions.
    refused = (refl_port, 1900, 5353, 11211)
    return [p for p in range(first, first + PORTS + 2000) if p not in refused]


def flood(refl, port):
    """Sends one request from each of PORTS new source ports, in bursts.
    Returns (sent, kernel drops, RSS after 2000, RSS after all)."""
    sent = 0
    before = -1
    refl.send_signal(signal.SIGSTOP)
    for p in flood_ports(port):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            s.close()
            continue
        s.sendto(stamp_request(0), ("127.0.0.1", port))
        s.close()
        sent += 1
        if sent % BURST == 0 or sent == PORTS:
            refl.send_signal(signal.SIGCONT)
            wait_drained(port)
            refl.send_signal(signal.SIGSTOP)
        # The first bursts touch the preallocated buffers, so what
        # follows measures growth.
        if sent == 2000:
            before = rss_kb(refl.pid)
        if sent == PORTS:
            break
    refl.send_signal(signal.SIGCONT)
    drops = wait_drained(port)
    time.sleep(0.5)
    return sent, drops, before, rss_kb(refl.pid)


def exchange(sock, seq):
    sock.send(stamp_request(seq))
    try:
        return sock.recv(100)
    except socket.timeout:
        fail("no reply to the established session's packet %d in %.0f s"
             % (seq, PATIENCE))


def parse_summary(summary):
    """received, replied + send failed, dropped, dropped for no room."""
    m = re.search(r"received (\d+), replied (\d+), dropped (\d+)"
                  r"(?:, send failed (\d+))?", summary)
    if not m:
        fail("no counters in the reflector's summary")
    received, replied, dropped = (int(m.group(i)) for i in (1, 2, 3))
    replied += int(m.group(4) or 0)
    full = re.search(r"dropped (\d+): no room for another session", summary)
    if not full:
        fail("no 'no room for another session' drops in the summary")
    sess = re.search(r"sessions: \d+ held of \d+, (\d+) evicted .*, "
                     r"(\d+) refused", summary)
    if not sess:
        fail("no session counters in the summary")
    if int(sess.group(1)) != 0:
        fail("%s sessions evicted" % sess.group(1))
    if int(sess.group(2)) != int(full.group(1)):
        fail("%s refused, %s dropped for no room"
             % (sess.group(2), full.group(1)))
    return received, replied, dropped, int(full.group(1))


def main():
    tmp = tempfile.mkdtemp()
    err = open(os.path.join(tmp, "refl.err"), "w+")
    refl, port = start_reflector(err)
    try:
        keep = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        keep.connect(("127.0.0.1", port))
        keep.settimeout(PATIENCE)
        exchange(keep, 0)                   # an established session
        sent, kdrops, before, after = flood(refl, port)
        # The established session still answers, numbering on from 1.
        rep = exchange(keep, 1)
        if len(rep) != 44:
            fail("reply of %d octets to the established session" % len(rep))
        refl_seq = struct.unpack("!I", rep[:4])[0]
        if refl_seq != 1:
            fail("established session renumbered: reflector seq %d" % refl_seq)
        print("flood of %d new source ports (%d dropped by the kernel): "
              "RSS %d kB after 2000, %d kB after all"
              % (sent, kdrops, before, after))
        if after - before > 256:
            fail("RSS grew by %d kB" % (after - before))
    finally:
        refl.send_signal(signal.SIGCONT)
        refl.send_signal(signal.SIGINT)
        refl.wait(timeout=PATIENCE)
    err.seek(0)
    summary = err.read()
    print(summary.strip())
    received, answered, dropped, full = parse_summary(summary)
    # Every datagram sent was either read by the reflector or dropped by
    # the kernel on its socket (counted); the two of the established
    # session were read.
    if received != sent + 2 - kdrops:
        fail("the reflector received %d datagrams; %d sent, %d dropped by "
             "the kernel" % (received, sent + 2, kdrops))
    if kdrops > sent // 2:
        fail("the kernel dropped %d of %d: the flood did not reach the "
             "table" % (kdrops, sent))
    # 64 sessions for the address, one taken by the established session:
    # every new source port past the 63rd is dropped for no room, nothing
    # for another reason, and everything else answered.
    want = received - 2 - (LIMIT - 1)
    if full != want:
        fail("dropped %d new sessions, expected %d" % (full, want))
    if dropped != full:
        fail("%d drops for other reasons" % (dropped - full))
    if answered != received - dropped:
        fail("%d replies for %d packets kept" % (answered, received - dropped))
    print("ok: %d sessions beyond the address's limit dropped, memory flat"
          % full)


main()
