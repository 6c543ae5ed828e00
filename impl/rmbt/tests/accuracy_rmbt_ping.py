#!/usr/bin/python3
"""Accuracy of `ippm rmbt ping` against the relay's truth file.

    accuracy_rmbt_ping.py IPPM [SCENARIO ...] [--markdown FILE] [--list]

    ippm rmbt ping --seed S --ip 127.0.0.1 -> ippm relay --truth T
        -> ippm rmbt server -t 1 (or, in a tree without it,
           rmbt_responder.py: a server written from rmbt-udp-ping notes §4)

The reporting of impl/stamp/tests/accuracy_stamp.py (imported, not
copied). The relay reads no sequence number of RMBT (--proto none), so
the truth is mapped by order: forward record i (0-based) is packet i + 1
(the client sends in order on loopback and these scenarios never reorder
forward); the server answers each request copy it receives, at once and
in order, so the k-th backward record is the reply to the k-th request
copy the relay delivered. A packet is answered when a backward copy of
its reply was delivered before the client's --wait ran out.

Asserted exactly: packets sent, received (RR01 + RE01: the original
counts both), the set of numbers printed "No response from", replies
ignored (copies after the first: the original drops them). Delay: the
median RTT within 50 us of the injected forward plus backward delay plus
the same run's unimpaired baseline (ping straight to the server); p95,
p99 and the undelayed-relay baseline are reported, not asserted.
Exit 0 pass, 1 fail, 77 skip (no ippm binary).
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../stamp/tests"))
import accuracy_stamp as acc  # noqa: E402
from ippmtest import free_port  # noqa: E402

RESPONDER = os.path.join(HERE, "rmbt_responder.py")
SECRET = "topsecret"
LINE = re.compile(r"^(Response|Error response|No response) from \S+: "
                  r"seq=(\d+)(?: time=([\d.]+) ms)?$")


class PingRig(acc.Rig):
    """One server for every run; a relay and a client per run (close() is
    the STAMP rig's)."""

    def __init__(self, ippm, tmp):  # not Rig's: no STAMP reflectors
        self.ippm, self.tmp = ippm, tmp
        self.procs = []
        self.port = self.server()

    def server(self):
        """`ippm rmbt server` when this ippm has it, else the responder
        written from the notes; returns its port."""
        out = os.path.join(self.tmp, "server.out")
        have = subprocess.run([self.ippm, "rmbt", "server", "--help"],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
        for _ in range(5):
            port = free_port()
            cmd = ([self.ippm, "rmbt", "server", "-s", SECRET, "-b",
                    "127.0.0.1", "-p", str(port), "-t", "1"] if have else
                   ["/usr/bin/python3", RESPONDER, "--secret", SECRET,
                    "--port", str(port)])
            p = subprocess.Popen(cmd, stdout=open(out, "w"),
                                 stderr=subprocess.STDOUT)
            try:
                acc.wait_line(out, "istening on", p, "server")
            except RuntimeError:
                continue
            self.procs.append(p)
            print("  server: %s" % " ".join(cmd[1:] if have else cmd[2:]))
            return port
        raise RuntimeError("no server started: %s" % open(out).read())

    def ping(self, name, port, count, interval, wait):
        """Runs the client; returns (its JSON, {number: rtt_ns or None})."""
        js = os.path.join(self.tmp, name + ".json")
        cmd = [self.ippm, "rmbt", "ping", "127.0.0.1:%d" % port, "--seed",
               SECRET, "--ip", "127.0.0.1", "--count", str(count),
               "--interval", str(interval), "--wait", str(wait), "--json",
               js]
        print("  $ %s" % " ".join(cmd[1:]).replace(self.tmp + "/", ""))
        s = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        if s.returncode not in (0, 1):
            raise RuntimeError("ping %s exit status %d: %s"
                               % (name, s.returncode, s.stdout))
        lines = {}
        for l in s.stdout.split("\n--- ")[0].splitlines():
            m = LINE.match(l)
            if not m:
                raise RuntimeError("ping %s printed %r" % (name, l))
            n = int(m.group(2))
            if n in lines:
                raise RuntimeError("ping %s: seq=%d twice" % (name, n))
            lines[n] = (None if m.group(1) == "No response"
                        else float(m.group(3)) * 1e6)
        return json.load(open(js)), lines

    def run(self, name, relay_args, count, interval, seed, wait=1.0):
        """The client through a fresh relay; (json, lines, truth records,
        truth summary)."""
        (j, lines), recs, summ = acc.through_relay(
            self, name, self.port, "none", seed, relay_args,
            lambda port: self.ping(name, port, count, interval, wait))
        return j, lines, recs, summ


def truth(recs, summ, count, wait_ns):
    """What the client must report, from the truth file: (answered
    numbers, reply copies beyond the first delivered in time)."""
    fwd = sorted((r for r in recs if r["dir"] == "fwd"),
                 key=lambda r: r["idx"])
    # A copy still queued when the relay stopped gets a second record,
    # "discarded", of the same idx: it never left.
    gone = {r["idx"] for r in recs
            if r["dir"] == "rev" and r["action"] == "discarded"}
    rev = sorted((r for r in recs if r["dir"] == "rev"
                  and r["action"] != "discarded"), key=lambda r: r["idx"])
    # "discarded": still queued in the relay when it stopped (late).
    odd = [r for r in recs
           if r["action"] not in acc.PASSED + ("dropped", "discarded")]
    if odd:
        raise RuntimeError("relay dropped on its own (%d, first %s)"
                           % (len(odd), odd[0]))
    if summ["fwd"]["received"] != count or len(fwd) != count:
        raise RuntimeError("relay saw %d requests, client sent %d"
                           % (summ["fwd"]["received"], count))
    # Request copies the server got, in order: packet number per copy.
    copies = []
    for i, r in enumerate(fwd):
        if r["action"] in acc.PASSED:
            copies += [(i + 1, r["arrival_ns"])] * r["copies"]
    if len(rev) != len(copies):
        raise RuntimeError("%d replies in the truth for %d request copies"
                           % (len(rev), len(copies)))
    answered, extra = set(), 0
    for (n, sent_ns), r in zip(copies, rev):
        if r["action"] not in acc.PASSED or r["copies"] == 0 or \
                r["idx"] in gone:
            continue
        # In time: the client's wait runs from its send, about the
        # relay's arrival; the scenarios keep far from the edge. A late
        # copy reaches a client still running (sc_late sees to that),
        # which ignores it.
        if r["release_ns"] - sent_ns > wait_ns:
            extra += r["copies"]
            continue
        if n in answered:
            extra += r["copies"]
        else:
            answered.add(n)
            extra += r["copies"] - 1
    return answered, extra


def check(rep, scen, j, lines, recs, summ, count, wait):
    answered, extra = truth(recs, summ, count, int(wait * 1e9))
    rep.count(scen, "sent", count, j["sent"])
    rep.count(scen, "received", len(answered), j["received"])
    rep.count(scen, "lost", count - len(answered), j["lost"])
    rep.same(scen, "no response numbers",
             set(range(1, count + 1)) - answered,
             {n for n, v in lines.items() if v is None})
    rep.same(scen, "response numbers", answered,
             {n for n, v in lines.items() if v is not None})
    rep.count(scen, "ignored copies", extra, j["ignored"])


def sc_loss(rig, rep):
    n, wait = 300, 0.5
    j, lines, recs, summ = rig.run("loss", ["--loss", "0.08"], n, 0.003,
                                   1401, wait)
    check(rep, "loss", j, lines, recs, summ, n, wait)


def sc_edge(rig, rep):
    n, wait = 100, 0.5
    j, lines, recs, summ = rig.run("edge", ["--fwd-drop", "0,99",
                                            "--rev-drop", "0,50"],
                                   n, 0.003, 1402, wait)
    check(rep, "edge", j, lines, recs, summ, n, wait)


def sc_dup(rig, rep):
    n, wait = 200, 0.5
    j, lines, recs, summ = rig.run("dup", ["--fwd-dup", "0.1", "--rev-dup",
                                           "0.1", "--rev-loss", "0.05"],
                                   n, 0.003, 1403, wait)
    check(rep, "dup", j, lines, recs, summ, n, wait)


def sc_reorder(rig, rep):
    n, wait = 200, 0.5
    j, lines, recs, summ = rig.run("reorder", ["--rev-reorder", "10:3",
                                               "--rev-reorder", "50:2",
                                               "--rev-reorder", "120:7"],
                                   n, 0.003, 1404, wait)
    check(rep, "reorder", j, lines, recs, summ, n, wait)


def sc_late(rig, rep):
    # Every reply 150 ms late against a 100 ms wait: all lost, never a
    # response, and the late replies ignored. The last ten are dropped so
    # that every late one arrives while the client still runs (the last
    # at 490 + 150 ms, the client ends at 590 + 100 ms).
    n, wait = 60, 0.1
    j, lines, recs, summ = rig.run("late", ["--rev-delay", "150ms",
                                            "--rev-drop",
                                            ",".join(str(i) for i in
                                                     range(50, 60))],
                                   n, 0.01, 1405, wait)
    check(rep, "late", j, lines, recs, summ, n, wait)


def sc_delay(rig, rep):
    n, iv, wait = 300, 0.005, 1.0
    d, _ = rig.ping("delay-direct", rig.port, n, iv, wait)
    b, _, brecs, bsumm = rig.run("delay-relay0", [], n, iv, 1406, wait)
    s, lines, recs, summ = rig.run("delay", ["--fwd-delay", "2ms",
                                             "--rev-delay", "1ms"],
                                   n, iv, 1406, wait)
    check(rep, "delay", s, lines, recs, summ, n, wait)
    rep.count("delay", "lost (direct, relay)", 0, d["lost"] + b["lost"])
    inj = sum(acc.q([r["delay_ns"] for r in recs if r["dir"] == k
                     and r["action"] in acc.PASSED], 0.5)
              for k in ("fwd", "rev"))
    for f, name in (("median", "median"), ("p95", "p95"), ("p99", "p99")):
        mq, bq, b0q = (x["rtt_ms"][f] * 1e6 for x in (s, d, b))
        err = mq - bq - inj
        ok = abs(err) <= acc.TOL_NS if f == "median" else None
        rep.row("delay", "RTT %s" % name, "%.3f ms" % (inj / 1e6),
                "%.3f ms (%.3f - base %.3f)" % ((mq - bq) / 1e6, mq / 1e6,
                                               bq / 1e6),
                "%+.1f us" % (err / 1e3), ok, "over 50 us" if ok is False
                else "")
        if f == "median":
            rep.row("delay", "RTT median vs relay(0)",
                    "%.3f ms" % (inj / 1e6),
                    "%.3f ms (%.3f - base %.3f)"
                    % ((mq - b0q) / 1e6, mq / 1e6, b0q / 1e6),
                    "%+.1f us" % ((mq - b0q - inj) / 1e3), None)


SCENARIOS = [
    ("loss", sc_loss, "Bernoulli loss 8% both ways"),
    ("edge", sc_edge, "first and last request, first and 51st reply dropped"),
    ("dup", sc_dup, "duplication 10% both ways, reply loss 5%"),
    ("reorder", sc_reorder, "replies held back 10:3, 50:2, 120:7"),
    ("late", sc_late, "replies 150 ms late, --wait 100ms, last 10 dropped"),
    ("delay", sc_delay, "fwd 2 ms, rev 1 ms at 200 pps"),
]
TITLE = ["### RMBT UDP ping (`ippm rmbt ping`)", "",
         "`ippm rmbt ping --seed --ip` -> `ippm relay --proto none --truth`"
         " -> `ippm rmbt server -t 1` (or, in a tree without it, a server"
         " written from the notes: impl/rmbt/tests/rmbt_responder.py) on"
         " loopback, fixed seeds"
         " (impl/rmbt/tests/accuracy_rmbt_ping.py, the reporting of"
         " accuracy_stamp.py). The truth is mapped by order (RMBT has no"
         " sequence number the relay reads). Counts and the sets of"
         " numbers answered and unanswered must match exactly; the median"
         " RTT within 50 us of the injected delay plus the unimpaired"
         " baseline.", ""]

if __name__ == "__main__":
    sys.exit(acc.main(sys.argv, SCENARIOS, PingRig, TITLE))
