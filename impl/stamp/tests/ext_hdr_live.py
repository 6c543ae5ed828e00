#!/usr/bin/python3
"""Issue 11, STAMP loose ends: the reflector answers a Reflected IPv6
Extension Header Data TLV (type 246, draft-ietf-ippm-stamp-ext-hdr-07 §3)
with the headers the kernel received, not U = 1.

A request to `ippm stamp reflector` on ::1 (and on its dual-stack
socket of every address) leaves a socket with sticky IPV6_HOPOPTS and
IPV6_DSTOPTS (Linux asks CAP_NET_RAW for both) and carries three type-246
TLVs. The reply must carry the Hop-by-Hop header in the first, the
Destination Options header then zeros in the second, each with U = 0 and
the Next Header octet the kernel wrote, and U = 1 with the value as sent
in the third (no third header). An IPv4 request to the dual-stack socket
gets U = 1 in all three.

usage: ext_hdr_live.py IPPM     exit 0 pass, 1 fail, 77 skipped
"""
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import fail, free_port  # noqa: E402

IPPM = sys.argv[1]
PATIENCE = 30.0
U = 0x80
EXT_HDR = 246
# Next Header left 0: the kernel writes it. Linux drops more than 7
# octets of padding in a row, so the longer header carries an
# experimental option (RFC 4727: 0x1e, skipped by whoever does not know it).
HBH = bytes([0, 0, 1, 4, 0, 0, 0, 0])
DST = bytes([0, 1, 0x1e, 10]) + b"ippm-stamp" + bytes([1, 0])
SENT = b"\xee" * 8   # the third TLV's value, to come back as sent


def tlv(flags, typ, value):
    return struct.pack("!BBH", flags, typ, len(value)) + value


def request():
    # RFC 8762 Figure 2 (unauthenticated, 44 octets), then the TLVs.
    base = struct.pack("!IQHH28x", 1, 0, 1, 0)
    return (base + tlv(0, EXT_HDR, bytes(8)) + tlv(0, EXT_HDR, bytes(24))
            + tlv(0, EXT_HDR, SENT))


def reply_tlvs(rep):
    out, off = [], 44
    while off + 4 <= len(rep):
        flags, typ, n = struct.unpack("!BBH", rep[off:off + 4])
        out.append((flags, typ, rep[off + 4:off + 4 + n]))
        off += 4 + n
    return out


def start_reflector(listen):
    """listen None: every address, on one dual-stack socket."""
    for _ in range(5):
        port = free_port(host="::1")
        where = ["--listen", listen] if listen else []
        refl = subprocess.Popen(
            [IPPM, "stamp", "reflector", "--port", str(port)] + where,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        banner = refl.stdout.readline()
        if "listening on" in banner:
            return refl, port
        refl.wait()
    fail("the reflector did not start on %s: %s" % (listen, banner.strip()))


def exchange(fam, host, port, ext):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(PATIENCE)
    if ext:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, HBH)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, DST)
    s.sendto(request(), (host, port))
    try:
        rep = s.recv(2048)
    except socket.timeout:
        fail("no reply from %s in %.0f s" % (host, PATIENCE))
    s.close()
    t = reply_tlvs(rep)
    if len(t) != 3 or any(typ != EXT_HDR for _, typ, _ in t):
        fail("reply TLVs %r, expected three of type 246" % (t,))
    return t


def check_v6(t, where):
    (f0, _, v0), (f1, _, v1), (f2, _, v2) = t
    if f0 & U or v0 != bytes([socket.IPPROTO_DSTOPTS]) + HBH[1:]:
        fail("%s: first TLV flags 0x%02x value %s, expected the Hop-by-Hop "
             "header with U = 0" % (where, f0, v0.hex()))
    want = bytes([socket.IPPROTO_UDP]) + DST[1:] + bytes(8)
    if f1 & U or v1 != want:
        fail("%s: second TLV flags 0x%02x value %s, expected %s with U = 0"
             % (where, f1, v1.hex(), want.hex()))
    if not f2 & U or v2 != SENT:
        fail("%s: third TLV flags 0x%02x value %s, expected U = 1 and the "
             "value as sent" % (where, f2, v2.hex()))


def main():
    try:
        probe = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        probe.bind(("::1", 0))
        probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, DST)
        probe.close()
    except OSError as e:
        print("SKIP: no IPv6 loopback or no CAP_NET_RAW (%s)" % e)
        sys.exit(77)
    for listen in ("::1", None):
        refl, port = start_reflector(listen)
        try:
            check_v6(exchange(socket.AF_INET6, "::1", port, True),
                     "--listen " + listen if listen else "dual-stack")
            if not listen:
                t = exchange(socket.AF_INET, "127.0.0.1", port, False)
                if not all(f & U for f, _, _ in t):
                    fail("IPv4 request: flags %r, expected U = 1 in each"
                         % ([f for f, _, _ in t],))
        finally:
            refl.send_signal(2)
            refl.wait()
    print("ok: type-246 TLVs carry the Hop-by-Hop and Destination Options "
          "headers received; U = 1 for none and for IPv4")


main()
