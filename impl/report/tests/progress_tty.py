#!/usr/bin/python3
"""The progress line of `ippm stamp sender`: drawn on a terminal for a run
longer than 3 s, erased before the summary, absent with --no-progress and
for a short run. The sender runs on a pseudo-terminal (stdout and stderr),
against `ippm stamp reflector` on loopback.

    progress_tty.py IPPM
Exit 0 pass, 1 fail."""
import os
import pty
import re
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

IPPM = sys.argv[1]


def on_tty(args):
    """Runs args with stdout and stderr on a pty; returns (status, bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 30)
        if not r:
            p.kill()
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(), out


def fail(msg, out=b""):
    print("FAIL: %s" % msg)
    sys.stdout.write(out.decode(errors="replace").replace("\r", "\\r"))
    sys.exit(1)


port = free_port()
refl = subprocess.Popen([IPPM, "stamp", "reflector", "--listen", "127.0.0.1",
                         "--port", str(port)], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL)
try:
    refl.stdout.readline()  # "listening on ..."
    send = [IPPM, "stamp", "sender", "127.0.0.1", "--port", str(port),
            "--wait", "0.3"]
    # 16 x 0.25 s = 4 s: long enough for a line
    rc, out = on_tty(send + ["--count", "16", "--interval", "0.25"])
    if rc != 0:
        fail("sender exit %d" % rc, out)
    lines = re.findall(rb"\rsent (\d+), received (\d+), lost (\d+) "
                       rb"\([0-9.]+%\), (\d+) s left", out)
    if len(lines) < 4:
        fail("%d progress redraws in 4 s, expected several" % len(lines), out)
    if len(lines) > 4 * 4 * 2:
        fail("%d redraws in 4 s: not rate-limited" % len(lines), out)
    sent = [int(x[0]) for x in lines]
    if sent != sorted(sent) or sent[-1] < 10:
        fail("sent counts %r do not climb" % sent, out)
    left = [int(x[3]) for x in lines]
    if left[0] < 3 or left[-1] > 1:
        fail("time left %r does not count down" % left, out)
    # erased before the summary: blanks then \r, then the summary line
    if not re.search(rb"\r +\r--- 127\.0\.0\.1:\d+ STAMP statistics", out):
        fail("progress line not erased before the summary", out)
    rc, out = on_tty(send + ["--count", "16", "--interval", "0.25",
                             "--no-progress"])
    if rc != 0 or b"left" in out:
        fail("--no-progress still drew a line", out)
    rc, out = on_tty(send + ["--count", "10", "--interval", "0.01"])
    if rc != 0 or b"left" in out:
        fail("a 0.1 s run drew a line", out)
    # issue 11: a run with loss waits out --wait, and the redraw at its
    # end read "351909:41:30 left" (an unsigned subtraction wrapped round).
    # No reflector on this port: every packet is lost; a --wait of four
    # redraw periods puts a redraw on its last nanosecond.
    rc, out = on_tty([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                      str(free_port()), "--count", "16", "--interval", "0.25",
                      "--wait", "1"])
    left = re.findall(rb"\rsent \d+, received \d+, lost \d+ \([0-9.]+%\)"
                      rb", ([0-9:]+)(?: s)? left", out)
    if rc != 1 or not left:
        fail("lossy run: exit %d, %d progress lines" % (rc, len(left)), out)
    if any(b":" in x or int(x) > 5 for x in left):
        fail("lossy run: time left %r grows past the run" % left, out)
    if left[-1] != b"0":
        fail("lossy run: the last line says %s s left, not 0" % left[-1], out)
finally:
    refl.terminate()
    refl.wait()
print("PASS")
