#!/usr/bin/python3
"""`ippm rmbt ping` and `ippm rmbt token` live on loopback against
rmbt_responder.py (a server written from rmbt-udp-ping notes §4):

  rr01      seed mode, HOST:PORT: every packet "Response from", the
            statistics block of notes §6, exit 0, --json counts
  re01      a token minted by `ippm rmbt token` for 192.0.2.1: every
            packet "Error response from", counted received, exit 0
  lost      a secret the server does not have: "No response from" after
            --wait for each, 100.0% loss, no rtt line, exit 1
  v6        --host ::1 with --ip ::1 (the responder on ::1)
  sigint    --count 0 until SIGINT: the statistics block, exit 0
  token     `ippm rmbt token` prints makeToken.py's four lines for the
            notes' vector (--time 1700000000, TZ=UTC)
  usage     the original's argparse refusals, one line, exit 2, no packet
  server    against `ippm rmbt server` (skipped, 77, in a tree without
            it): RR01 over 127.0.0.1 and ::1 (dual-stack), RE01 for a
            token of another address, nothing for another secret

usage: ping_live.py IPPM SCENARIO     exit 0 pass, 1 fail, 77 skip
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../../testsupport"))
from ippmtest import fail, free_port  # noqa: E402

IPPM, SCEN = sys.argv[1], sys.argv[2]
RESPONDER = os.path.join(HERE, "rmbt_responder.py")
STATS = re.compile(r"\n--- (\S+) ping statistics ---\n"
                   r"(\d+) packets transmitted, (\d+) received, "
                   r"([\d.]+)% packet loss, time (\d+)ms\n"
                   r"(rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms\n)?$")


def responder(host="127.0.0.1", secrets=("topsecret",)):
    args = ["/usr/bin/python3", RESPONDER, "--host", host]
    for s in secrets:
        args += ["--secret", s]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.match(r"listening on (\d+)", line)
    if not m:
        p.kill()
        fail("the responder did not start: %r" % line)
    return p, int(m.group(1))


def stop(p):
    p.send_signal(signal.SIGINT)
    try:
        out = p.communicate(timeout=5)[0]
    except subprocess.TimeoutExpired:
        p.kill()
        out = p.communicate()[0]
    return out


def ping(*args, timeout=30):
    r = subprocess.run([IPPM, "rmbt", "ping"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def check_lines(out, label, host, n):
    lines = out.split("\n--- ")[0].strip().split("\n")
    want = ["%s from %s: seq=%d" % (label, host, i + 1) for i in range(n)]
    got = [re.sub(r" time=[\d.]+ ms$", "", l) for l in lines]
    if got != want:
        fail("per-packet lines %r, want %r" % (lines, want))
    if label != "No response":
        for l in lines:
            if not re.search(r" time=\d+\.\d{3} ms$", l):
                fail("no time=X.XXX ms in %r" % l)


def check_stats(out, host, sent, recv):
    m = STATS.search(out)
    if not m:
        fail("no statistics block in %r" % out)
    if (m.group(1), int(m.group(2)), int(m.group(3))) != (host, sent, recv):
        fail("statistics %r, want host %s sent %d received %d"
             % (m.group(0), host, sent, recv))
    loss = 100.0 * (sent - recv) / sent if sent else 0.0
    if m.group(4) != "%.1f" % loss:
        fail("loss %s%%, want %.1f" % (m.group(4), loss))
    if bool(m.group(6)) != (recv > 0):
        fail("rtt line %s with %d received" % (m.group(6), recv))


def token_for(ip, secret="topsecret"):
    r = subprocess.run([IPPM, "rmbt", "token", "--seed", secret, "--ip", ip],
                       stdout=subprocess.PIPE, text=True, check=True)
    return r.stdout.split("Token (Base64): ")[1].strip()


def sc_rr01(tmp):
    p, port = responder()
    js = os.path.join(tmp, "p.json")
    rc, out, err = ping("127.0.0.1:%d" % port, "--seed", "topsecret", "--ip",
                        "127.0.0.1", "-c", "4", "-i", "50ms", "--json", js)
    srv = stop(p)
    if rc != 0:
        fail("exit %d: %s" % (rc, err))
    check_lines(out, "Response", "127.0.0.1", 4)
    check_stats(out, "127.0.0.1", 4, 4)
    j = json.load(open(js))
    want = {"protocol": "rmbt-udp-ping", "mode": "seed", "sent": 4,
            "received": 4, "rr01": 4, "re01": 0, "lost": 0, "ignored": 0,
            "interrupted": False}
    bad = {k: j.get(k) for k in want if j.get(k) != want[k]}
    if bad or j["rtt_ms"]["n"] != 4:
        fail("--json %s, want %s" % (bad, want))
    if "replied 4 dropped 0" not in srv:
        fail("responder saw %r" % srv)


def sc_re01(tmp):
    p, port = responder()
    rc, out, err = ping("--host", "127.0.0.1", "--port", str(port),
                        "--token", token_for("192.0.2.1"), "-c", "3",
                        "-i", "50ms")
    stop(p)
    if rc != 0:
        fail("exit %d: %s" % (rc, err))
    check_lines(out, "Error response", "127.0.0.1", 3)
    check_stats(out, "127.0.0.1", 3, 3)


def sc_lost(tmp):
    p, port = responder()
    js = os.path.join(tmp, "p.json")
    rc, out, err = ping("--host", "127.0.0.1", "-p", str(port), "--seed",
                        "wrong", "--ip", "127.0.0.1", "-c", "3", "-i",
                        "50ms", "-W", "300ms", "--json", js)
    srv = stop(p)
    if rc != 1:
        fail("exit %d, want 1 (no reply): %s" % (rc, err))
    check_lines(out, "No response", "127.0.0.1", 3)
    check_stats(out, "127.0.0.1", 3, 0)
    j = json.load(open(js))
    if (j["timed_out"], j["lost"], j["rtt_ms"]["avg"]) != (3, 3, None):
        fail("--json %s" % j)
    if "replied 0 dropped 3" not in srv:
        fail("responder saw %r" % srv)


def sc_v6(tmp):
    try:
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))
    except OSError:
        print("skip: no ::1")
        sys.exit(77)
    p, port = responder("::1")
    rc, out, err = ping("[::1]:%d" % port, "--seed", "topsecret", "--ip",
                        "::1", "-c", "2", "-i", "50ms")
    stop(p)
    if rc != 0:
        fail("exit %d: %s" % (rc, err))
    check_lines(out, "Response", "::1", 2)
    check_stats(out, "::1", 2, 2)


def sc_sigint(tmp):
    p, port = responder()
    pg = subprocess.Popen([IPPM, "rmbt", "ping", "127.0.0.1", "--port",
                           str(port), "--seed", "topsecret", "--ip",
                           "127.0.0.1", "-i", "100ms"],
                          stdout=subprocess.PIPE, text=True)
    time.sleep(0.75)
    pg.send_signal(signal.SIGINT)
    out = pg.communicate(timeout=10)[0]
    stop(p)
    if pg.returncode != 0:
        fail("exit %d after SIGINT" % pg.returncode)
    m = STATS.search(out)
    if not m or int(m.group(2)) < 3 or m.group(2) != m.group(3):
        fail("statistics after SIGINT: %r" % out)
    check_lines(out, "Response", "127.0.0.1", int(m.group(3)))


def sc_token(tmp):
    r = subprocess.run([IPPM, "rmbt", "token", "--seed", "topsecret", "--ip",
                        "127.0.0.1", "--time", "1700000000"],
                       stdout=subprocess.PIPE, text=True,
                       env=dict(os.environ, TZ="UTC"))
    want = ("Current time: 2023-11-14 22:13:20\n"
            "time hex 6553f100\n"
            "Original token (in hex): 6553f1004cc4accebe54193778fcb688\n"
            "Token (Base64): ZVPxAEzErM6+VBk3ePy2iA==\n")
    if r.returncode != 0 or r.stdout != want:
        fail("token printed %r (exit %d), want %r"
             % (r.stdout, r.returncode, want))
    r = subprocess.run([IPPM, "rmbt", "token", "--seed", "s", "--ip",
                        "192.0.2.300"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 2 or r.stdout or r.stderr.count("\n") != 1 or \
            "Invalid IP address - '192.0.2.300'" not in r.stderr:
        fail("invalid IP: exit %d, %r" % (r.returncode, r.stderr))


def sc_usage(tmp):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.3)
    port = s.getsockname()[1]
    tok = "ZVPxAEzErM6+VBk3ePy2iA=="
    cases = [
        (["127.0.0.1:%d" % port, "--token", tok, "--seed", "x"],
         "--token cannot be used with --seed or --ip"),
        (["127.0.0.1:%d" % port, "--seed", "x"],
         "either --token or both --seed and --ip are required"),
        (["127.0.0.1:%d" % port, "--token", tok[:-1]], "--token"),
        (["127.0.0.1:%d" % port, "--seed", "x", "--ip", "localhost"],
         "Invalid IP address"),
        (["--token", tok], "--host is required"),
        (["127.0.0.1:%d" % port, "--port", "9", "--token", tok], "port"),
        (["127.0.0.1:%d" % port, "--token", tok, "-i", "0"], "--interval"),
    ]
    for args, text in cases:
        rc, out, err = ping(*args)
        if rc != 2 or out or err.count("\n") != 1 or text not in err or \
                not err.startswith("ippm: "):
            fail("%s: exit %d, %r; want 2 and one line with %r"
                 % (args, rc, err, text))
    try:
        s.recvfrom(64)
        fail("a refused command line sent a packet")
    except socket.timeout:
        pass


def ippm_server(secret):
    """`ippm rmbt server` on a free port of every address, one worker."""
    if subprocess.run([IPPM, "rmbt", "server", "--help"],
                      stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        print("skip: this ippm has no rmbt server")
        sys.exit(77)
    for _ in range(5):
        port = free_port()
        p = subprocess.Popen([IPPM, "rmbt", "server", "-s", secret, "-p",
                              str(port), "-t", "1"],
                             stderr=subprocess.PIPE, text=True)
        for line in p.stderr:
            if "Listening on" in line:
                return p, port
        p.wait()
    fail("ippm rmbt server did not start")


def sc_server(tmp):
    p, port = ippm_server("topsecret")
    try:
        rc, out, err = ping("127.0.0.1:%d" % port, "--seed", "topsecret",
                            "--ip", "127.0.0.1", "-c", "3", "-i", "50ms")
        if rc != 0:
            fail("127.0.0.1: exit %d: %s" % (rc, err))
        check_lines(out, "Response", "127.0.0.1", 3)
        check_stats(out, "127.0.0.1", 3, 3)
        rc, out, err = ping("[::1]:%d" % port, "--seed", "topsecret",
                            "--ip", "::1", "-c", "2", "-i", "50ms")
        if rc != 0:
            fail("::1: exit %d: %s" % (rc, err))
        check_lines(out, "Response", "::1", 2)
        rc, out, err = ping("127.0.0.1", "-p", str(port), "--token",
                            token_for("62.1.2.3"), "-c", "2", "-i", "50ms")
        if rc != 0:
            fail("token for 62.1.2.3: exit %d: %s" % (rc, err))
        check_lines(out, "Error response", "127.0.0.1", 2)
        rc, out, err = ping("127.0.0.1:%d" % port, "--seed", "other", "--ip",
                            "127.0.0.1", "-c", "2", "-i", "50ms", "-W",
                            "300ms")
        if rc != 1:
            fail("another secret: exit %d, want 1" % rc)
        check_lines(out, "No response", "127.0.0.1", 2)
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()


SCENARIOS = {"rr01": sc_rr01, "re01": sc_re01, "lost": sc_lost, "v6": sc_v6,
             "sigint": sc_sigint, "token": sc_token, "usage": sc_usage,
             "server": sc_server}

if __name__ == "__main__":
    if SCEN not in SCENARIOS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with tempfile.TemporaryDirectory(prefix="ippm-rmbt-") as tmp:
        SCENARIOS[SCEN](tmp)
    print("ok: %s" % SCEN)
