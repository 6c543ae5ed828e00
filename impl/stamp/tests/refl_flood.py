"""What the live flood tests of a stateful reflector share
(session_flood.py, session_lock.py): a reflector on a free loopback port,
and the kernel's view of its socket, so a flood can wait until every
datagram of a burst has been read before it sends the next."""
import subprocess
import sys
import time

from procnet import udp_socket_state
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

PATIENCE = 30.0        # seconds a loaded machine may take to answer


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def wait_drained(port):
    """Waits until the reflector has read everything queued on its socket;
    returns the kernel's drop count for it."""
    end = time.time() + PATIENCE
    while True:
        st = udp_socket_state(port)
        if st is None:
            fail("the reflector's socket is gone")
        if st[0] == 0:
            return st[1]
        if time.time() > end:
            fail("the reflector left %d octets unread for %.0f s"
                 % (st[0], PATIENCE))
        time.sleep(0.001)


def start_reflector(ippm, args, err):
    """Starts `ippm stamp reflector --listen 127.0.0.1 ARGS` on a free port;
    returns (process, port) once it has bound (its banner). A port taken
    between free_port() and the bind (another test running beside this
    one) is retried."""
    for _ in range(5):
        port = free_port()
        refl = subprocess.Popen(
            [ippm, "stamp", "reflector", "--listen", "127.0.0.1", "--port",
             str(port)] + args,
            stdout=subprocess.PIPE, stderr=err, text=True)
        banner = refl.stdout.readline()
        if "listening on" in banner:
            return refl, port
        refl.wait()
    fail("the reflector did not start: " + banner.strip())
