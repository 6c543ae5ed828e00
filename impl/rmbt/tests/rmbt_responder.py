#!/usr/bin/python3
"""A small RMBT UDP ping server for ippm's tests, written from
../shared/notes/rmbt-udp-ping.md §4 (not from the original's code):

    rmbt_responder.py [--port P] [--host 127.0.0.1|::1] [--secret S]...

Checks length and magic, the window (4 h back, 30 s ahead), then with
secrets the packet_hash of each in order and the IP hash of the real
source: RR01 or RE01; no secret: RE01. Prints "listening on PORT" once
bound, and on SIGINT/SIGTERM a line "replied N dropped M". Test code:
`ippm rmbt ping` runs against it until `ippm rmbt server` does the
same job (impl/rmbt/rmbt_server.c)."""
import hashlib
import hmac
import ipaddress
import signal
import socket
import struct
import sys
import time


def ip128(addr):
    ip = ipaddress.ip_address(addr.split("%")[0])
    if ip.version == 4:
        return (int(ip) + 0xFFFF00000000).to_bytes(16, "big")
    return int(ip).to_bytes(16, "big")


def decide(secrets, data, src, now):
    """The 8-octet reply, or None for a drop."""
    if len(data) != 24 or data[:4] != b"RP01":
        return None
    t = struct.unpack(">I", data[8:12])[0]
    if t + 14400 < now or t > now + 30:
        return None
    if not secrets:
        return b"RE01" + data[4:8]
    for s in secrets:
        mac = hmac.new(s, data[8:12], hashlib.sha256).digest()[:8]
        if hmac.compare_digest(mac, data[12:20]):
            want = hmac.new(s, data[8:12] + ip128(src),
                            hashlib.sha256).digest()[:4]
            tag = b"RR01" if hmac.compare_digest(want, data[20:24]) else b"RE01"
            return tag + data[4:8]
    return None


def main(argv):
    port, host, secrets = 0, "127.0.0.1", []
    it = iter(argv[1:])
    for a in it:
        if a == "--port":
            port = int(next(it))
        elif a == "--host":
            host = next(it)
        elif a == "--secret":
            secrets.append(next(it).strip().encode())
        else:
            print(__doc__, file=sys.stderr)
            return 2
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((host, port))
    print("listening on %d" % s.getsockname()[1], flush=True)
    counts = {"replied": 0, "dropped": 0}
    stop = []
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    s.settimeout(0.05)
    while not stop:
        try:
            data, peer = s.recvfrom(1024)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        rep = decide(secrets, data, peer[0], int(time.time()))
        if rep is None:
            counts["dropped"] += 1
            continue
        s.sendto(rep, peer)
        counts["replied"] += 1
    print("replied %(replied)d dropped %(dropped)d" % counts, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
