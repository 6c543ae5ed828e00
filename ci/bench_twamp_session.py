#!/usr/bin/python3
"""Holds one started TWAMP test session open for ci/bench.sh
(BENCH_SET=twamp): connects to `ippm twamp server` on 127.0.0.1:CTL in
open mode, asks for a session on UDP port TEST (RFC 5357 §3.5), starts
it, prints "ready" and keeps the control connection until SIGTERM. The
server runs with --any-sender-port, since `ippm bench load` sends from a
port of its own.

usage: bench_twamp_session.py CTL TEST
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "hostile"))
import owtw  # noqa: E402


def main():
    ctl_port, test_port = int(sys.argv[1]), int(sys.argv[2])
    for _ in range(50):   # the server may not listen yet
        try:
            ctl = owtw.Control(ctl_port)
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("bench: no TWAMP server on port %d" % ctl_port)
    accept, port = ctl.request(0, test_port)
    if accept != 0 or port != test_port:
        sys.exit("bench: session refused (accept %d, port %d)"
                 % (accept, port))
    ctl.start()
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
