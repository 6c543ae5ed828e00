#!/usr/bin/env python3
"""A stand-in RMBT UDP ping server for the tests, written from
../shared/notes/rmbt-udp-ping.md §4, with one misbehaviour at a time.

usage: rmbt_responder.py PORT SECRET [MODE]   (binds 127.0.0.1:PORT)
MODE: good (default), answer-bad (answers 23/25 octets, RP02, wrong keys
and expired times with RE01), reply24 (echoes the whole request),
other-port (answers from another socket), twice (two replies), no-edges
(window one second narrower at both ends), re01 (no secret: RE01 to every
request inside the window)."""
import hashlib
import hmac
import socket
import struct
import sys
import time


def tag_for(secret, req, src_ip):
    """RR01/RE01 as the notes' rules decide, or None for a silent drop."""
    if len(req) != 24 or req[:4] != b"RP01":
        return None
    t = struct.unpack("!I", req[8:12])[0]
    now = int(time.time())
    if t + 14400 < now or t > now + 30:
        return None
    if secret is None:
        return b"RE01"
    key = secret.encode()
    if hmac.new(key, req[8:12], hashlib.sha256).digest()[:8] != req[12:20]:
        return None
    ip = socket.inet_pton(socket.AF_INET, src_ip)
    ip128 = b"\0" * 10 + b"\xff\xff" + ip
    want = hmac.new(key, req[8:12] + ip128, hashlib.sha256).digest()[:4]
    return b"RR01" if want == req[20:24] else b"RE01"


def main():
    port, secret = int(sys.argv[1]), sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "good"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.1", 0))
    print("listening", flush=True)
    while True:
        req, peer = s.recvfrom(1024)
        tag = tag_for(None if mode == "re01" else secret, req, peer[0])
        if mode == "no-edges" and len(req) == 24:
            t = struct.unpack("!I", req[8:12])[0]
            now = int(time.time())
            if t + 14400 <= now or t >= now + 30:
                tag = None
        if mode == "answer-bad" and tag is None and len(req) >= 8:
            tag = b"RE01"
        if tag is None:
            continue
        rep = tag + req[4:8]
        if mode == "reply24":
            rep = req
        (other if mode == "other-port" else s).sendto(rep, peer)
        if mode == "twice":
            s.sendto(rep, peer)


if __name__ == "__main__":
    main()
