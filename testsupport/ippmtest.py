"""What ippm's Python test scripts share (impl/*/tests, ci/, pcaps/): a
port the kernel hands out, the one-line failure, an NTP timestamp. A
script finds this folder from its own path:

    sys.path.insert(0, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "../../../testsupport"))
    from ippmtest import fail, free_port
"""
import socket
import sys
import time

NTP_UNIX = 2208988800  # seconds from 1900 to 1970 (RFC 5905)


def fail(msg):
    """Prints the failure and exits 1."""
    print("FAIL: " + msg)
    sys.exit(1)


def free_port(kind=socket.SOCK_DGRAM, host="127.0.0.1"):
    """A port the kernel hands out now on host (IPv6 when it has a colon),
    for SOCK_DGRAM or SOCK_STREAM. Another process may take it before the
    caller binds: callers that can retry do."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, kind)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ntp_now():
    """The time now as a 64-bit NTP timestamp (RFC 5905 §6)."""
    t = time.time()
    sec = int(t)
    return ((sec + NTP_UNIX) << 32) | int((t - sec) * (1 << 32))
