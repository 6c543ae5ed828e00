#!/usr/bin/python3
"""Every JSON report ippm writes validates against
conformance/schema/ippm-report.schema.json, and says what the schema
cannot: its totals count its cases' verdicts and its result is fail
exactly when a case's verdict is.

  report_schema.py IPPM SOURCE_DIR pcap|conform

pcap:    ippm pcap check on every capture of the corpus (pcaps/stamp,
         pcaps/reference), with and without --strict.
conform: ippm conform's self-test, and ippm conform stamp-reflector and
         stamp-sender against ippm's own reflector and sender.
Exit 0 pass, 1 fail, 77 skip (no jsonschema: Debian python3-jsonschema).
"""
import atexit
import copy
import glob
import struct
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../../testsupport"))
from ippmtest import free_port  # noqa: E402

try:
    import jsonschema
except ImportError:
    print("no python3-jsonschema: skipped")
    sys.exit(77)

IPPM, SRC, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
SCHEMA_PATH = os.path.join(SRC, "conformance/schema/ippm-report.schema.json")
with open(SCHEMA_PATH) as f:
    SCHEMA = json.load(f)
jsonschema.Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
TMP = tempfile.mkdtemp(prefix="ippm-report-schema-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
checked = 0


def fail(msg):
    print("FAIL (%s): %s" % (MODE, msg), file=sys.stderr)
    sys.exit(1)


def problems(report):
    """Why report is not a valid ippm report; [] when it is."""
    out = [e.message for e in VALIDATOR.iter_errors(report)]
    if out:
        return out
    counts = {"pass": 0, "fail": 0, "warn": 0, "n/a": 0}
    by_level = {"MUST": 0, "SHOULD": 0, "MAY": 0, "ADVISORY": 0}
    for c in report["cases"]:
        counts[c["verdict"]] += 1
        if c["verdict"] in ("fail", "warn"):
            by_level[c["level"]] += 1
        if (c["verdict"] == "warn" and c["level"] in ("SHOULD", "ADVISORY")
                and report["strict"]):
            out.append("%s: a %s failure is warn under --strict"
                       % (c["id"], c["level"]))
        if c["level"] == "MUST" and c["verdict"] == "warn":
            out.append("%s: a MUST failure is warn" % c["id"])
    t = report["totals"]
    want = {"cases": len(report["cases"]), "pass": counts["pass"],
            "fail": counts["fail"], "warn": counts["warn"], "na": counts["n/a"],
            "must_fail": by_level["MUST"], "should_fail": by_level["SHOULD"],
            "may_fail": by_level["MAY"], "advisory_fail": by_level["ADVISORY"]}
    for k, v in want.items():
        if t[k] != v:
            out.append("totals.%s is %d, the cases say %d" % (k, t[k], v))
    # A run that graded nothing never passes (exit 4, IPPM_EXIT_NOTHING).
    result = "fail" if counts["fail"] or report.get("graded_nothing") else "pass"
    if report["result"] != result:
        out.append("result is %s, the cases say %s" % (report["result"], result))
    return out


def check(path, what, rc=None):
    global checked
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: no JSON report: %s" % (what, e))
    p = problems(report)
    if p:
        fail("%s: %s" % (what, "; ".join(p[:5])))
    want_rc = 4 if report.get("graded_nothing") else \
        1 if report["result"] == "fail" else 0
    if rc is not None and rc != want_rc:
        fail("%s: exit %d but result %s" % (what, rc, report["result"]))
    checked += 1
    return report


def run(args, what):
    p = subprocess.run([IPPM] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, cwd=TMP, timeout=120)
    if p.returncode not in (0, 1, 4):
        fail("%s: exit %d: %s" % (what, p.returncode, p.stderr.decode()[-400:]))
    return p.returncode


def self_check():
    """The checker rejects what the writer used to emit: a SHOULD failure
    as "verdict": "fail" with "result": "pass" and totals.fail 1."""
    good = {
        "schema_version": 1, "ippm_version": "0.1.0",
        "command_line": "ippm pcap check x.pcap",
        "catalogue": {"version": "0123456789abcdef", "cases": 2},
        "suite": "pcap", "target": "x.pcap", "start": "2026-01-01T00:00:00Z",
        "start_ns": 0, "duration_s": 0.5, "strict": False, "result": "pass",
        "totals": {"cases": 2, "pass": 1, "fail": 0, "warn": 1, "na": 0,
                   "must_fail": 0, "should_fail": 1, "may_fail": 0,
                   "advisory_fail": 0},
        "cases": [
            {"id": "STAMP-8762-4.3.1-03", "section": "RFC 8762 §4.3.1",
             "level": "MUST", "role": "reflector", "title": "t", "quote": "q",
             "verdict": "pass", "fails_run": False, "detail": ""},
            {"id": "STAMP-8762-4.3-04", "section": "RFC 8762 §4.3",
             "level": "SHOULD", "role": "reflector", "title": "t",
             "quote": "q", "verdict": "warn", "fails_run": False,
             "detail": "seq 3: 2 replies"},
        ],
    }
    if problems(good):
        fail("a good report is rejected: %s" % problems(good))
    old = copy.deepcopy(good)
    old["cases"][1]["verdict"] = "fail"
    old["totals"]["fail"], old["totals"]["warn"] = 1, 0
    del old["totals"]["warn"]
    if not problems(old):
        fail("the report format issue 9 retired is accepted")
    for mutate in (lambda r: r.pop("schema_version"),
                   lambda r: r.pop("catalogue"),
                   lambda r: r["cases"][1].update(fails_run=True),
                   lambda r: r["totals"].update({"pass": 2}),
                   lambda r: r.update(result="fail"),
                   lambda r: r["cases"][0].update(verdict="warn")):
        bad = copy.deepcopy(good)
        mutate(bad)
        if not problems(bad):
            fail("a broken report is accepted: %s" % json.dumps(bad)[:200])
    # An ADVISORY finding is a warn counted in advisory_fail; under
    # --strict it must read fail.
    adv = copy.deepcopy(good)
    adv["cases"][1].update(id="STAMP-8762-ADV-01", level="ADVISORY")
    adv["totals"].update(should_fail=0, advisory_fail=1)
    if problems(adv):
        fail("an ADVISORY warn is rejected: %s" % problems(adv))
    adv["strict"] = True
    if not problems(adv):
        fail("an ADVISORY warn under --strict is accepted")


def pcap_mode():
    caps = sorted(glob.glob(os.path.join(SRC, "pcaps/stamp/*.pcap")) +
                  glob.glob(os.path.join(SRC, "pcaps/reference/*.pcap*")))
    if not caps:
        fail("no capture in the corpus")
    key = os.path.join(SRC, "pcaps/stamp/test.key")
    verdicts, modes = set(), set()
    for cap in caps:
        for strict in (False, True):
            args = ["pcap", "check", cap]
            if "auth" in os.path.basename(cap):
                args += ["--auth-key-file", key]
            if strict:
                args.append("--strict")
            out = os.path.join(TMP, "p.json")
            args += ["--json", out]
            what = "pcap check %s%s" % (os.path.basename(cap),
                                        " --strict" if strict else "")
            rc = run(args, what)
            r = check(out, what, rc)
            verdicts |= {c["verdict"] for c in r["cases"]}
            if "reflector" in r:
                modes.add(r["reflector"]["mode"])
            if r["command_line"].split()[:3] != ["ippm", "pcap", "check"]:
                fail("%s: command_line %r" % (what, r["command_line"]))
            os.unlink(out)
    # A capture with no packet at all: the report that graded nothing.
    empty = os.path.join(TMP, "empty.pcap")
    with open(empty, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    out = os.path.join(TMP, "p.json")
    rc = run(["pcap", "check", empty, "--json", out], "pcap check empty.pcap")
    if not check(out, "pcap check empty.pcap", rc).get("graded_nothing"):
        fail("pcap check empty.pcap: no graded_nothing in the report")
    os.unlink(out)
    # The corpus exercises every verdict and both modes, so every branch
    # of the schema met a real report.
    if verdicts != {"pass", "fail", "warn", "n/a"}:
        fail("the corpus gave only the verdicts %s" % sorted(verdicts))
    if modes != {"stateful", "stateless"}:
        fail("the corpus gave only the reflector modes %s" % sorted(modes))


def wait_listening(proc, path):
    for _ in range(50):
        if proc.poll() is not None:
            fail("ippm exited before listening")
        with open(path) as f:
            if "listening on" in f.read():
                return
        time.sleep(0.1)
    fail("ippm not listening after 5 s")


def conform_mode():
    out = os.path.join(TMP, "self.json")
    rc = run(["conform", "--no-pcap", "--json", out], "conform self-test")
    check(out, "conform self-test", rc)
    # ippm conform stamp-reflector against ippm's own reflector
    port = free_port()
    log = os.path.join(TMP, "refl.out")
    with open(log, "w") as lf:
        refl = subprocess.Popen([IPPM, "stamp", "reflector", "--listen",
                                 "127.0.0.1", "--port", str(port)],
                                stdout=lf, stderr=subprocess.STDOUT)
    try:
        wait_listening(refl, log)
        out = os.path.join(TMP, "refl.json")
        rc = run(["conform", "stamp-reflector", "127.0.0.1:%d" % port,
                  "--json", out], "conform stamp-reflector")
        r = check(out, "conform stamp-reflector", rc)
        if r.get("reflector", {}).get("mode") != "stateless":
            fail("conform stamp-reflector: reflector %r" % r.get("reflector"))
    finally:
        refl.terminate()
        refl.wait(timeout=10)
    # ippm conform stamp-sender graded on ippm's own sender
    port = free_port()
    log = os.path.join(TMP, "conf.out")
    out = os.path.join(TMP, "sender.json")
    with open(log, "w") as lf:
        conf = subprocess.Popen([IPPM, "conform", "stamp-sender", "--port",
                                 str(port), "--count", "5", "--json", out],
                                stdout=lf, stderr=subprocess.STDOUT, cwd=TMP)
    try:
        wait_listening(conf, log)
        subprocess.run([IPPM, "stamp", "sender", "127.0.0.1", "--port",
                        str(port), "--count", "5", "--interval", "0.05"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        rc = conf.wait(timeout=60)
    finally:
        if conf.poll() is None:
            conf.kill()
            conf.wait()
    r = check(out, "conform stamp-sender", rc)
    if "reflector" in r:
        fail("conform stamp-sender: a reflector mode for a sender")


self_check()
{"pcap": pcap_mode, "conform": conform_mode}[MODE]()
print("PASS: %d reports valid against %s" % (checked, SCHEMA_PATH))
