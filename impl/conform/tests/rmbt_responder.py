#!/usr/bin/env python3
"""A stand-in RMBT UDP ping server for the conform tests: the notes' §4
rules as impl/rmbt/tests/rmbt_responder.py decides them (imported, not
copied), bent by one misbehaviour at a time.

usage: rmbt_responder.py PORT SECRET [MODE]   (binds 127.0.0.1:PORT)
MODE: good (default), answer-bad (answers 23/25 octets, RP02, wrong keys
and expired times with RE01), reply24 (echoes the whole request),
other-port (answers from another socket), twice (two replies), no-edges
(window one second narrower at both ends), re01 (no secret: RE01 to every
request inside the window)."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "rmbt", "tests"))
from rmbt_responder import decide  # noqa: E402


def reply(mode, secret, req, src):
    """What a server with this misbehaviour sends back, or None."""
    now = int(time.time())
    if mode == "no-edges" and len(req) == 24:
        t = struct.unpack("!I", req[8:12])[0]
        if t + 14400 == now or t == now + 30:
            return None
    rep = decide([] if mode == "re01" else [secret], req, src, now)
    if mode == "answer-bad" and rep is None and len(req) >= 8:
        rep = b"RE01" + req[4:8]
    if mode == "reply24" and rep is not None:
        rep = req
    return rep


def main():
    port, secret = int(sys.argv[1]), sys.argv[2].encode()
    mode = sys.argv[3] if len(sys.argv) > 3 else "good"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.1", 0))
    print("listening", flush=True)
    while True:
        req, peer = s.recvfrom(1024)
        rep = reply(mode, secret, req, peer[0])
        if rep is None:
            continue
        (other if mode == "other-port" else s).sendto(rep, peer)
        if mode == "twice":
            s.sendto(rep, peer)


if __name__ == "__main__":
    main()
