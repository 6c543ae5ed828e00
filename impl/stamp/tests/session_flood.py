#!/usr/bin/python3
"""A stateful `ippm stamp reflector --max-sessions 256` under a flood of new
source ports: its memory must not grow, the sessions beyond the table must
be dropped as "no room for another session", and a sender on an existing
session must keep getting answers.

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
import subprocess
import sys
import tempfile
import time

from procnet import udp_socket_state

IPPM = sys.argv[1]
PORTS = 20000          # new source ports in the flood
TABLE = 256
BURST = 200            # well under netdev_max_backlog (1000) and the rcvbuf
PATIENCE = 30.0        # seconds a loaded machine may take to answer


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


def wait_drained(port):
    """Waits until the reflector has read everything queued on its socket;
    returns the kernel's drop count for it."""
    end = time.time() + PATIENCE
    while True:
        st = udp_socket_state(port)
        if st is None:
            fail("the reflector's socket is gone")
        if st[0] == 0:
            return st[1]
        if time.time() > end:
            fail("the reflector left %d octets unread for %.0f s"
                 % (st[0], PATIENCE))
        time.sleep(0.001)


def stamp_request(seq):
    # RFC 8762 Figure 2: seq, timestamp, error estimate (mult 1), MBZ.
    return struct.pack("!IQH30x", seq, 0, 1)


def start_reflector(err):
    """Starts the reflector on a free port; returns (process, port) once it
    has bound (its banner). A port taken between free_port() and the bind
    (another test running beside this one) is retried."""
    for _ in range(5):
        port = free_port()
        refl = subprocess.Popen(
            [IPPM, "stamp", "reflector", "--listen", "127.0.0.1", "--port",
             str(port), "--stateful", "--max-sessions", str(TABLE),
             "--session-timeout", "600"],
            stdout=subprocess.PIPE, stderr=err, text=True)
        banner = refl.stdout.readline()
        if "listening on" in banner:
            return refl, port
        refl.wait()
    fail("the reflector did not start: " + banner.strip())


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
    # 256 slots, one taken by the established session: every new source
    # port past the 255th is dropped for no room, nothing for another
    # reason, and everything else answered.
    want = received - 2 - (TABLE - 1)
    if full != want:
        fail("dropped %d new sessions, expected %d" % (full, want))
    if dropped != full:
        fail("%d drops for other reasons" % (dropped - full))
    if answered != received - dropped:
        fail("%d replies for %d packets kept" % (answered, received - dropped))
    print("ok: %d sessions beyond the table dropped, memory flat" % full)


main()
