#!/usr/bin/python3
"""ippm twamp|owamp client against ippm's own server on loopback, in one
security mode (and, for OWAMP, each direction): every packet counted
exactly in the --json report. And the keys file a server or client must
refuse when others can read it.
    live.py IPPM twamp|owamp open|auth|encrypted
    live.py IPPM keys
    live.py IPPM conform twamp|owamp CASE[,CASE...]
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

IPPM, WHAT = sys.argv[1], sys.argv[2]
MODE = sys.argv[3] if len(sys.argv) > 3 else None
COUNT = 20
failures = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def keys_file(tmp, mode=0o600):
    path = os.path.join(tmp, "keys")
    with open(path, "w") as f:
        f.write("# perfSONAR's pfstore format\nippmtest 7465737470617373\n")
    os.chmod(path, mode)
    return path


def start_server(proto, port, keys):
    args = [IPPM, proto, "server", "--listen", "127.0.0.1", "--port",
            str(port)]
    if keys:
        args += ["--keys", keys]
    srv = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    line = srv.stdout.readline()
    if "listening on" not in line:
        srv.kill()
        raise SystemExit("server did not start: %r" % line)
    return srv


def run_client(proto, port, keys, mode, direction, out):
    args = [IPPM, proto, "client", "127.0.0.1:%d" % port, "--count",
            str(COUNT), "--interval", "5ms", "--start-delay", "0.2",
            "--wait", "0.5", "--json", out, "--no-progress"]
    if mode != "open":
        args += ["--modes", mode, "--keys", keys, "--key-id", "ippmtest"]
    if direction:
        args.append(direction)
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


def check(what, rc, out, ways):
    if rc.returncode != 0:
        failures.append("%s: exit %d: %s" % (what, rc.returncode,
                                             rc.stderr.strip()))
        return
    with open(out) as f:
        rep = json.load(f)
    got = {d["name"]: d for d in rep["directions"]}
    if rep["mode"] != MODE:
        failures.append("%s: mode %s" % (what, rep["mode"]))
    for name in ways:
        d = got.get(name)
        if not d or (d["sent"], d["received"], d["lost"],
                     d["duplicates"]) != (COUNT, COUNT, 0, 0):
            failures.append("%s: %s: %s" % (what, name, d))
        else:
            print("ok   %s: %s %d sent, %d received" % (what, name, COUNT,
                                                       COUNT))


def sessions():
    with tempfile.TemporaryDirectory() as tmp:
        keys = keys_file(tmp)
        port = free_port()
        srv = start_server(WHAT, port, keys)
        out = os.path.join(tmp, "r.json")
        try:
            if WHAT == "twamp":
                rc = run_client("twamp", port, keys, MODE, None, out)
                check("twamp %s" % MODE, rc, out,
                      ["round trip", "send", "reflect"])
            else:
                for d, ways in (("--to", ["to server"]),
                                ("--from", ["from server"]),
                                ("--both", ["to server", "from server"])):
                    rc = run_client("owamp", port, keys, MODE, d, out)
                    check("owamp %s %s" % (MODE, d), rc, out, ways)
        finally:
            srv.terminate()
            srv.wait(timeout=10)


def keys_refused():
    """A keys file others may read is refused with one line and exit 2,
    before any traffic; the fixture line makes a published one pass."""
    with tempfile.TemporaryDirectory() as tmp:
        keys = keys_file(tmp, 0o644)
        for args in (["twamp", "server", "--keys", keys, "--port", "1"],
                     ["owamp", "server", "--keys", keys, "--port", "1"],
                     ["twamp", "client", "127.0.0.1:1", "--keys", keys,
                      "--key-id", "ippmtest"],
                     ["owamp", "client", "127.0.0.1:1", "--keys", keys,
                      "--key-id", "ippmtest"]):
            p = subprocess.run([IPPM] + args, capture_output=True, text=True,
                               timeout=10)
            lines = p.stderr.strip().splitlines()
            if (p.returncode != 2 or len(lines) != 1 or
                    "readable by group or others" not in lines[0]):
                failures.append("%s: exit %d, %r" % (" ".join(args[:2]),
                                                     p.returncode, p.stderr))
            else:
                print("ok   %s refuses a keys file others can read"
                      % " ".join(args[:2]))


def conform():
    """ippm conform PROTO-server against ippm's own server, the cases
    named (each fixed on ippm's side, so each must pass)."""
    proto, only = sys.argv[3], sys.argv[4]
    with tempfile.TemporaryDirectory() as tmp:
        keys = keys_file(tmp)
        port = free_port()
        srv = start_server(proto, port, keys)
        try:
            p = subprocess.run([IPPM, "conform", "%s-server" % proto,
                                "127.0.0.1:%d" % port, "--keys", keys,
                                "--only", only], capture_output=True,
                               text=True, timeout=120)
        finally:
            srv.terminate()
            srv.wait(timeout=10)
        if p.returncode != 0:
            failures.append("conform %s-server --only %s: exit %d\n%s"
                            % (proto, only, p.returncode, p.stdout))
        else:
            print("ok   ippm conform %s-server --only %s passes"
                  % (proto, only))


if WHAT == "keys":
    keys_refused()
elif WHAT == "conform":
    conform()
else:
    sessions()
for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
