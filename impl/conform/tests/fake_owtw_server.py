#!/usr/bin/env python3
"""A tiny TWAMP or OWAMP server, open mode only, for the live tests of
`ippm conform twamp-server|owamp-server`: it answers like RFC 5357 / 4656
asks, or breaks one rule on request, so a test can show a case passing
and the same case failing. Not an implementation: fixed answers, one
connection at a time, no test packets.

usage: fake_owtw_server.py PORTFILE [--owamp] [--count N] [--close-on-bad-cmd]
Writes the port it listens on (127.0.0.1) to PORTFILE, serves until killed.
"""
import socket
import struct
import sys

args = sys.argv[2:]
owamp = '--owamp' in args
count = int(args[args.index('--count') + 1]) if '--count' in args else 1024
close_on_bad_cmd = '--close-on-bad-cmd' in args


def recv_n(c, n):
    b = b''
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            return None
        b += x
    return b


def accept_session(accept, sid_byte):
    port = 0 if accept else 20000
    sid = bytes([0x7f, 0, 0, 1]) + bytes([sid_byte]) * 12 if not accept else bytes(16)
    return struct.pack('!BBH', accept, 0, port) + sid + bytes(12) + bytes(16)


def serve(c, n):
    chal = bytes([(n * 7 + i) & 0xff for i in range(16)])
    salt = bytes([(n * 13 + i) & 0xff for i in range(16)])
    c.sendall(bytes(12) + struct.pack('!I', 1) + chal + salt +
              struct.pack('!I', count) + bytes(12))
    su = recv_n(c, 164)
    if su is None:
        return
    mode = struct.unpack('!I', su[:4])[0]
    if mode == 0:
        return
    if mode != 1:
        c.sendall(bytes(15) + b'\x01' + bytes(32))
        return
    c.sendall(bytes(15) + b'\x00' + bytes(16) + b'\xee\xb1\x4c\x4e\x71\x72\xcd\x7c' + bytes(8))
    sessions = 0
    while True:
        blk = recv_n(c, 16)
        if blk is None:
            return
        cmd = blk[0]
        if cmd in (1, 5) and (cmd == 1) == owamp:
            rest = recv_n(c, 96)
            if rest is None:
                return
            req = blk + rest
            slots = struct.unpack('!I', req[4:8])[0]
            if slots and recv_n(c, 16 * slots + 16) is None:
                return
            bad = (not owamp and (req[2] or req[3])) or \
                  (owamp and req[32] not in (0, 127))
            sessions += not bad
            c.sendall(accept_session(3 if bad else 0, sessions))
        elif cmd == 2:
            if recv_n(c, 16) is None:
                return
            c.sendall(b'\x00' + bytes(31))
        elif cmd == 3:
            hdr = blk
            nsess = struct.unpack('!I', hdr[4:8])[0]
            tail = 16 + (48 * nsess if owamp else 0)
            if recv_n(c, tail) is None:
                return
            if owamp:
                c.sendall(b'\x03' + bytes(31))
        elif cmd == 4 and owamp:
            if recv_n(c, 32) is None:
                return
            c.sendall(b'\x01' + bytes(31))  # refused, every field zero
        else:
            if close_on_bad_cmd:
                return
            c.sendall(accept_session(3, 0))


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', 0))
    s.listen(8)
    with open(sys.argv[1], 'w') as f:
        f.write(str(s.getsockname()[1]))
    n = 0
    while True:
        c, _ = s.accept()
        n += 1
        try:
            serve(c, n)
        except OSError:
            pass
        c.close()


main()
