#!/usr/bin/python3
"""Garbage at a fixed rate: UDP datagrams of random length (0..1500) and
random octets, sent with sendmmsg(2) in batches of 64 from a socket bound
to SRC, paced to RATE datagrams/s for SECONDS. Prints
"sent N in T s (R/s)" on exit. A process of its own, so that the suite's
legitimate peer does not share its interpreter.

usage: blast.py SRC DST PORT RATE SECONDS
"""
import ctypes
import os
import random
import socket
import sys
import time

BATCH = 64
PAYLOADS = 4096   # distinct datagrams, cycled


class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class MsgHdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(IoVec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


class MMsgHdr(ctypes.Structure):
    _fields_ = [("hdr", MsgHdr), ("len", ctypes.c_uint)]


def batches(rng):
    """PAYLOADS/BATCH ready mmsghdr arrays over one random buffer."""
    lens = [rng.randint(0, 1500) for _ in range(PAYLOADS)]
    buf = ctypes.create_string_buffer(os.urandom(sum(lens) + 1))
    base = ctypes.addressof(buf)
    iovs = (IoVec * PAYLOADS)()
    off = 0
    for i, n in enumerate(lens):
        iovs[i].base = base + off
        iovs[i].len = n
        off += n
    out = []
    for b in range(PAYLOADS // BATCH):
        msgs = (MMsgHdr * BATCH)()
        for i in range(BATCH):
            msgs[i].hdr.iov = ctypes.pointer(iovs[b * BATCH + i])
            msgs[i].hdr.iovlen = 1
        out.append(msgs)
    return out, (buf, iovs)


def main():
    src, dst, port, rate, seconds = (sys.argv[1], sys.argv[2],
                                     int(sys.argv[3]), float(sys.argv[4]),
                                     float(sys.argv[5]))
    libc = ctypes.CDLL(None, use_errno=True)
    rng = random.Random(862)
    msgs, keep = batches(rng)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.bind((src, 0))
    s.connect((dst, port))
    fd = s.fileno()
    sent = 0
    b = 0
    t0 = time.monotonic()
    end = t0 + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        ahead = sent - rate * (now - t0)
        if ahead > 0:
            time.sleep(ahead / rate)
            continue
        n = libc.sendmmsg(fd, msgs[b], BATCH, 0)
        if n > 0:   # -1 (ECONNREFUSED once the server left): go on
            sent += n
        b = (b + 1) % len(msgs)
    took = time.monotonic() - t0
    del keep
    print("sent %d in %.2f s (%.0f/s)" % (sent, took, sent / took), flush=True)


if __name__ == "__main__":
    main()
