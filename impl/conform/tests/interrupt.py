#!/usr/bin/python3
"""SIGINT or SIGTERM during `ippm conform` and `ippm pcap check` (issue 10
item 11): the run stops, prints and writes the report of what it graded
before the signal, marked as interrupted, and exits 5. Before, the signal
killed it (exit 130) with no summary and no report.

  interrupt.py IPPM SOURCE_DIR pcap|reflector|sender|self

pcap       ippm pcap check reading a FIFO whose writer stays open: the
           read blocks; SIGINT ends it and the frames read are graded.
reflector  ippm conform stamp-reflector against ippm stamp reflector with
           --timeout 60: SIGINT while it waits for late replies.
sender     ippm conform stamp-sender with no sender: SIGTERM while it
           listens; nothing graded, and still the report.
self       ippm conform (the self-test): SIGINT in its first modes.

Each: exit 5; the totals line ends "(INTERRUPTED)"; --json is valid
against conformance/schema/ippm-report.schema.json (when python3-
jsonschema is there) with "interrupted": true; --junit is well-formed
with the property interrupted=true. The stop must come well before the
60 s the run would otherwise take (20 s allowed, however loaded).
Exit 0 pass, 1 fail.
"""
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

IPPM, SRC, SCEN = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
TMP = tempfile.mkdtemp(prefix="ippm-interrupt-")
PROCS = []


def fail(msg):
    print("FAIL (%s): %s" % (SCEN, msg), file=sys.stderr)
    for name in sorted(os.listdir(TMP)):
        if name.endswith((".out", ".err")):
            print("--- %s\n%s" % (name, open(os.path.join(TMP, name),
                                             errors="replace").read()[-3000:]),
                  file=sys.stderr)
    sys.exit(1)


def path(name):
    return os.path.join(TMP, name)


def start(name, argv, **kw):
    p = subprocess.Popen(argv, stdout=open(path(name + ".out"), "w"),
                         stderr=open(path(name + ".err"), "w"), **kw)
    PROCS.append(p)
    return p


def wait_text(name, text, p):
    end = time.time() + 20
    while text not in open(path(name)).read():
        if p.poll() is not None or time.time() > end:
            fail("no %r in %s" % (text, name))
        time.sleep(0.05)


def interrupt(p, sig):
    p.send_signal(sig)
    try:
        return p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        fail("still running 20 s after the signal")


def check_reports(rc, name, json_path, junit_path):
    if rc != 5:
        fail("exit %d, want 5 (interrupted)" % rc)
    out = open(path(name + ".out")).read()
    totals = [l for l in out.splitlines() if " cases: " in l]
    if not totals or not totals[-1].endswith("(INTERRUPTED)"):
        fail("totals line %r" % totals[-1:])
    if "interrupted" not in open(path(name + ".err")).read():
        fail("stderr does not say interrupted")
    with open(json_path) as f:
        rep = json.load(f)
    if rep.get("interrupted") is not True:
        fail("--json has no \"interrupted\": true")
    try:
        import jsonschema
        with open(os.path.join(SRC, "conformance/schema/"
                               "ippm-report.schema.json")) as f:
            schema = json.load(f)
        errs = [e.message for e in
                jsonschema.Draft202012Validator(schema).iter_errors(rep)]
        if errs:
            fail("--json against the schema: %s" % errs[:3])
    except ImportError:
        print("no python3-jsonschema: the schema is not checked")
    props = {p.get("name"): p.get("value")
             for p in ET.parse(junit_path).iter("property")}
    if props.get("interrupted") != "true":
        fail("--junit has no interrupted property")
    return rep


def scen_pcap():
    fifo = path("capture.pcap")
    os.mkfifo(fifo)
    p = start("check", [IPPM, "pcap", "check", fifo, "--json",
                        path("r.json"), "--junit", path("r.xml")])
    # open() waits for the reader: ippm is running and has its handler.
    w = os.open(fifo, os.O_WRONLY)
    with open(os.path.join(SRC, "pcaps/stamp/stamp-bad-copy-seq.pcap"),
              "rb") as f:
        os.write(w, f.read())
    # Until ippm has drained the pipe; the writer stays open, so its next
    # read blocks.
    buf = bytearray(4)
    end = time.time() + 20
    while True:
        fcntl.ioctl(w, termios.FIONREAD, buf)
        if int.from_bytes(buf, sys.byteorder) == 0 or time.time() > end:
            break
        time.sleep(0.05)
    time.sleep(0.2)
    rc = interrupt(p, signal.SIGINT)
    os.close(w)
    check_reports(rc, "check", path("r.json"), path("r.xml"))


def scen_reflector():
    port = free_port()
    r = start("refl", [IPPM, "stamp", "reflector", "--listen", "127.0.0.1",
                       "--port", str(port)])
    wait_text("refl.out", "listening on", r)
    p = start("conform", [IPPM, "conform", "stamp-reflector",
                          "127.0.0.1:%d" % port, "--timeout", "60",
                          "--json", path("r.json"), "--junit",
                          path("r.xml")])
    time.sleep(2)  # the probes go out at once; then it waits for replies
    rc = interrupt(p, signal.SIGINT)
    rep = check_reports(rc, "conform", path("r.json"), path("r.xml"))
    if rep["totals"]["pass"] == 0:
        print("note: no case passed before the signal (a loaded machine)")
    r.send_signal(signal.SIGINT)
    r.wait(timeout=20)


def scen_sender():
    port = free_port()
    p = start("conform", [IPPM, "conform", "stamp-sender", "--listen",
                          "127.0.0.1", "--port", str(port), "--timeout",
                          "60", "--json", path("r.json"), "--junit",
                          path("r.xml")])
    wait_text("conform.err", "listening on", p)
    rc = interrupt(p, signal.SIGTERM)
    rep = check_reports(rc, "conform", path("r.json"), path("r.xml"))
    if not rep.get("graded_nothing"):
        fail("nothing came, yet graded_nothing is not set")


def scen_self():
    p = start("self", [IPPM, "conform", "--no-pcap", "--json",
                       path("r.json"), "--junit", path("r.xml")], cwd=TMP)
    wait_text("self.out", "ippm's own STAMP reflector", p)
    rc = interrupt(p, signal.SIGINT)
    check_reports(rc, "self", path("r.json"), path("r.xml"))


try:
    {"pcap": scen_pcap, "reflector": scen_reflector, "sender": scen_sender,
     "self": scen_self}[SCEN]()
    print("PASS (%s)" % SCEN)
finally:
    for p in PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(TMP, ignore_errors=True)
