#!/usr/bin/python3
"""One spoofed datagram must not start a reflection loop (issue 10 item 1).

A STAMP reply is itself a valid request (in authenticated mode too: the
same key signs the same 96 octets), so a request whose source is the
reflector's own address and port was answered to itself for ever, and two
reflectors bounced one request between them for ever. Each mode sends one
spoofed request through a raw socket (root; ctest runs as root in CI),
then one from an ordinary socket, which must still be answered: once its
reply is back the reflector has read the spoofed one, and its summary must
show at most one datagram sent for it, refused under its reason.

  self       reflector bound to 127.0.0.1:P, request from 127.0.0.1:P
  wildcard   reflector bound to every address with --allow-src-port P
             (only the own-address rule can refuse it), from 127.0.0.1:P
  wildcard2  the same, from 127.0.0.2:P: another address of this host,
             so the reply would come back to the same socket
  self6      the same over ::1, reflector bound to every address
  auth       authenticated reflector, a signed request from itself
  bounce     reflectors A 127.0.0.1:P and B 127.0.0.2:P (the same port,
             as two reflectors on 862 would be); request to A from B

usage: reflection_loop.py IPPM MODE     exit 0 pass, 1 fail, 77 skip
"""
import hashlib
import hmac
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

IPPM, MODE = sys.argv[1], sys.argv[2]
KEY = b"loop-test-key-0123456789"
PATIENCE = 10.0


def fail(msg):
    print("FAIL (%s): %s" % (MODE, msg))
    sys.exit(1)


def request(seq, auth):
    """A Session-Sender packet, RFC 8762 Figure 2 or 4 (signed, §4.4)."""
    if not auth:
        return struct.pack("!IQH30x", seq, 0, 1)
    body = struct.pack("!I12xQH70x", seq, 0, 1)
    return body + hmac.new(KEY, body, hashlib.sha256).digest()[:16]


def spoof(src, dst, payload):
    """Sends one UDP datagram from src to dst, both (host, port), through a
    raw socket bound to the source address: the kernel writes the IP
    header; the UDP checksum is ours to give (0: none, IPv4) or the
    kernel's (IPV6_CHECKSUM)."""
    v6 = ":" in src[0]
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
    if v6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_CHECKSUM, 6)
    s.bind((src[0], 0))
    udp = struct.pack("!HHHH", src[1], dst[1], 8 + len(payload), 0)
    s.sendto(udp + payload, (dst[0], 0))
    s.close()


def start(tmp, name, port, args):
    """Starts a reflector; returns its process once it is listening."""
    err = open(os.path.join(tmp, name + ".err"), "w+")
    p = subprocess.Popen([IPPM, "stamp", "reflector", "--port", str(port)]
                         + args, stdout=subprocess.PIPE, stderr=err,
                         text=True)
    p.err = err
    if "listening on" not in p.stdout.readline():
        p.wait()
        return None
    return p


def stop(p):
    """SIGINT; returns (replied, stderr)."""
    p.send_signal(signal.SIGINT)
    p.wait(timeout=PATIENCE)
    p.err.seek(0)
    text = p.err.read()
    m = re.search(r"received (\d+), replied (\d+)", text)
    if not m:
        fail("no summary:\n" + text)
    return int(m.group(2)), text


def still_answers(host, port, auth):
    """An ordinary request is answered (and so everything before it read)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(PATIENCE)
    s.sendto(request(1, auth), (host, port))
    try:
        s.recv(200)
    except socket.timeout:
        fail("no reply to an ordinary request to %s port %d" % (host, port))
    s.close()


def expect_refused(name, replied, text, reason):
    print("%s: replied %d\n%s" % (name, replied, text.strip()))
    # one ordinary request answered; at most one datagram for the spoofed
    if replied > 2:
        fail("%s sent %d datagrams for one spoofed request" % (name,
                                                               replied - 1))
    if reason not in text:
        fail("%s: no '%s' in its summary" % (name, reason))


SELF = "source is the reflector's own address and port"
OWN_PORT = "source port is the reflector's own"


def one_reflector(tmp, host, bind, extra, auth, src_host=None):
    for _ in range(5):
        port = free_port(host=host)
        args = (["--listen", host] if bind else []) + extra(port)
        if auth:
            key = os.path.join(tmp, "key")
            with open(key, "wb") as f:
                f.write(KEY + b"\n")
            os.chmod(key, 0o600)
            args += ["--auth-key-file", key]
        r = start(tmp, "r", port, args)
        if r:
            break
    else:
        fail("the reflector did not start")
    spoof((src_host or host, port), (host, port), request(0, auth))
    still_answers(host, port, auth)
    time.sleep(0.2)  # a loop, if any, has time to show
    replied, text = stop(r)
    expect_refused("reflector", replied, text, SELF)


def bounce(tmp):
    for _ in range(5):
        port = free_port()
        a = start(tmp, "a", port, ["--listen", "127.0.0.1"])
        b = start(tmp, "b", port, ["--listen", "127.0.0.2"]) if a else None
        if a and b:
            break
        for p in (a, b):
            if p:
                p.kill()
                p.wait()
    else:
        fail("the reflectors did not start")
    spoof(("127.0.0.2", port), ("127.0.0.1", port), request(0, False))
    still_answers("127.0.0.1", port, False)
    still_answers("127.0.0.2", port, False)
    time.sleep(0.2)
    ra, ta = stop(a)
    rb, tb = stop(b)
    expect_refused("A", ra, ta, OWN_PORT)
    print("B: replied %d\n%s" % (rb, tb.strip()))
    if rb > 1:
        fail("B sent %d datagrams: the bounce went on" % rb)


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root for a raw socket")
        sys.exit(77)
    tmp = tempfile.mkdtemp()
    if MODE == "self":
        one_reflector(tmp, "127.0.0.1", True, lambda p: [], False)
    elif MODE == "wildcard":
        one_reflector(tmp, "127.0.0.1", False,
                      lambda p: ["--allow-src-port", str(p)], False)
    elif MODE == "wildcard2":
        one_reflector(tmp, "127.0.0.1", False,
                      lambda p: ["--allow-src-port", str(p)], False,
                      src_host="127.0.0.2")
    elif MODE == "self6":
        try:
            free_port(host="::1")
        except OSError:
            print("SKIP: no IPv6 loopback")
            sys.exit(77)
        one_reflector(tmp, "::1", False, lambda p: [], False)
    elif MODE == "auth":
        one_reflector(tmp, "127.0.0.1", True, lambda p: [], True)
    elif MODE == "bounce":
        bounce(tmp)
    else:
        fail("unknown mode")
    print("ok")


main()
