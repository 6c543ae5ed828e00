#!/usr/bin/python3
"""SIGTERM reaches `ippm stamp reflector` while a flood keeps its socket
full (issue 10 item 2): it must exit, with its summary, within STOP_S.

ppoll delivers a signal it unblocks only when it would sleep; with a
datagram always waiting it returns "readable" at once and the signal stays
pending, so a reflector that only checked its stop flag after a wakeup
drained the flood forever. The reflector runs authenticated and stateful
(two HMACs and a session lookup per packet) and at nice 10, the two Python
senders at nice -5 (root; ctest runs as root in CI), so that they outrun
it even while other tests load the machine: a pause of both senders long
enough for it to empty its socket would let the old loop see the signal.
The signal goes out once the kernel shows the socket backlogged. A
machine where the flood cannot back the socket up skips (77): it would
prove nothing.

usage: signal_flood.py IPPM     exit 0 pass, 1 fail, 77 skip
"""
import hashlib
import hmac
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from procnet import udp_socket_state

IPPM = sys.argv[1]
KEY = b"signal-flood-key-0123456789"
FLOODERS = 2
FLOOD_S = 30.0     # a flooder stops by itself after this long
STOP_S = 5.0       # generous: the fix stops within a batch or so
PATIENCE = 10.0    # to start, and to see the socket backlogged


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def request():
    # RFC 8762 Figure 4: seq, MBZ, timestamp, error estimate, MBZ, HMAC
    # over the first 96 octets (§4.4).
    body = struct.pack("!I12xQH70x", 0, 0, 1)
    return body + hmac.new(KEY, body, hashlib.sha256).digest()[:16]


def flooder(port):
    """Forks a process that sends requests to port for FLOOD_S seconds."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.nice(-5)
    except OSError:
        pass
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    pkt, dst = request(), ("127.0.0.1", port)
    end = time.time() + FLOOD_S
    while time.time() < end:
        for _ in range(1000):
            try:
                s.sendto(pkt, dst)
            except OSError:
                pass
    os._exit(0)


def queued(port):
    """Octets waiting on the socket bound to 127.0.0.1:port."""
    st = udp_socket_state(port)
    return st[0] if st else 0


def start_reflector(tmp, err):
    key = os.path.join(tmp, "key")
    with open(key, "wb") as f:
        f.write(KEY + b"\n")
    os.chmod(key, 0o600)
    for _ in range(5):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        refl = subprocess.Popen(
            [IPPM, "stamp", "reflector", "--listen", "127.0.0.1", "--port",
             str(port), "--auth-key-file", key, "--stateful"],
            stdout=subprocess.PIPE, stderr=err, text=True,
            preexec_fn=lambda: os.nice(10))
        if "listening on" in refl.stdout.readline():
            return refl, port
        refl.wait()
    fail("the reflector did not start")


def backlogged(port):
    end = time.time() + PATIENCE
    while time.time() < end:
        if queued(port) > 64 * 1024:
            return True
        time.sleep(0.01)
    return False


def main():
    tmp = tempfile.mkdtemp()
    err = open(os.path.join(tmp, "refl.err"), "w+")
    refl, port = start_reflector(tmp, err)
    kids = [flooder(port) for _ in range(FLOODERS)]
    try:
        if not backlogged(port):
            print("SKIP: the flood never backed the reflector's socket up")
            refl.kill()
            sys.exit(77)
        time.sleep(0.5)
        still = queued(port)
        t0 = time.time()
        refl.send_signal(signal.SIGTERM)
        try:
            rc = refl.wait(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            refl.kill()
            refl.wait()
            fail("still running %.0f s after SIGTERM under a flood (%d "
                 "octets queued when it was sent)" % (STOP_S, still))
        took = time.time() - t0
    finally:
        for k in kids:
            os.kill(k, signal.SIGKILL)
            os.waitpid(k, 0)
    err.seek(0)
    summary = err.read()
    print(summary.strip())
    if rc != 0:
        fail("exit status %d after SIGTERM" % rc)
    if "received" not in summary or "replied" not in summary:
        fail("no summary after SIGTERM")
    print("ok: stopped %.3f s after SIGTERM, %d octets queued" % (took, still))


main()
