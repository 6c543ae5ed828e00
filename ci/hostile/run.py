#!/usr/bin/python3
"""Runs every attack of attacks.py against every server profile of
servers.py that has the transport it needs; prints one row per check
(attack, server, check, result, figure) and exits 1 when any check
failed. ci/hostile.sh is the way in.

usage: run.py IPPM [--servers a,b] [--attacks x,y] [--markdown FILE]
                  [--budget S]

--markdown writes the figures as the table of the README's security
section: one line per attack and server.
"""
import argparse
import sys
import tempfile
import time
import traceback

import attacks
from servers import PROFILES

ATTACK_MAX_S = 10   # the longest one attack takes, stops included


class Context:
    def __init__(self, ippm, tmp):
        self.ippm = ippm
        self.tmp = tmp
        self.rows = []
        self.loads = {}

    def add(self, attack, server, check, ok, figure, short=None):
        """ok: True, False, or None for a figure that is no verdict;
        short: the figure in the Markdown table (default figure)."""
        res = "INFO" if ok is None else "PASS" if ok else "FAIL"
        self.rows.append((attack, server, check, res, figure,
                          figure if short is None else short))
        print("%-14s %-14s %-13s %-4s  %s" % self.rows[-1][:5], flush=True)

    def load(self, attack, server, text):
        """What the attack threw, for the Markdown table."""
        self.loads[(attack, server)] = text


def plan(servers, wanted):
    """(attack name, function, server) for every pair that applies."""
    out = []
    for aname, fn in (attacks.UDP_ATTACKS + attacks.TCP_ATTACKS +
                      attacks.CONTROL_ATTACKS):
        if wanted and aname not in wanted:
            continue
        kind = ("udp" if (aname, fn) in attacks.UDP_ATTACKS else
                "control" if (aname, fn) in attacks.CONTROL_ATTACKS else
                "tcp")
        for s in servers:
            if PROFILES[s].get(kind):
                out.append((aname, fn, s))
    return out


def markdown(ctx, path):
    """One line per (attack, server): what was thrown, what a loop left,
    the legitimate peer, memory before and after, time to stop."""
    cells = {}
    for attack, server, check, res, _, short in ctx.rows:
        c = cells.setdefault((attack, server), {"ok": True})
        c["ok"] = c["ok"] and res != "FAIL"
        c[check] = ("**FAIL** " if res == "FAIL" else "") + short
    cols = ("dies out", ("peer served", "client served", "ran"), "memory",
            "SIGTERM")
    with open(path, "w") as f:
        f.write("| attack | server | held | thrown | loop | peer served "
                "| RSS before → after | SIGTERM to exit |\n"
                "|---|---|---|---|---|---|---|---|\n")
        for (attack, server), c in cells.items():
            vals = []
            for col in cols:
                keys = col if isinstance(col, tuple) else (col,)
                vals.append("; ".join(c[k] for k in keys if k in c) or "-")
            f.write("| %s | %s | %s | %s | %s |\n" % (
                attack, server, "yes" if c["ok"] else "**no**",
                ctx.loads.get((attack, server), "-"), " | ".join(vals)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ippm")
    ap.add_argument("--servers", default=",".join(PROFILES))
    ap.add_argument("--attacks", default="")
    ap.add_argument("--markdown")
    ap.add_argument("--budget", type=float, default=1e9,
                    help="seconds for the whole run: an attack that could "
                    "overrun it is not run, and fails")
    a = ap.parse_args()
    servers = [s for s in a.servers.split(",") if s]
    for s in servers:
        if s not in PROFILES:
            sys.exit("hostile: no server profile '%s' (%s)"
                     % (s, ", ".join(PROFILES)))
    wanted = [x for x in a.attacks.split(",") if x]
    t0 = time.monotonic()
    print("%-14s %-14s %-13s %-4s  %s" % ("attack", "server", "check",
                                          "res", "figure"))
    with tempfile.TemporaryDirectory(prefix="ippm-hostile-") as tmp:
        ctx = Context(a.ippm, tmp)
        for aname, fn, s in plan(servers, wanted):
            if time.monotonic() - t0 > a.budget - ATTACK_MAX_S:
                ctx.add(aname, s, "ran", False,
                        "not run: the %.0f s budget is spent" % a.budget)
                continue
            try:
                fn(ctx, s)
            except Exception as e:   # one broken attack fails its row only
                traceback.print_exc()
                ctx.add(aname, s, "ran", False, "error: %s" % e)
    if a.markdown:
        markdown(ctx, a.markdown)
    failed = [r for r in ctx.rows if r[3] == "FAIL"]
    print("hostile: %d checks, %d failed, %.1f s"
          % (len(ctx.rows), len(failed), time.monotonic() - t0))
    for r in failed:
        print("FAIL: %s %s %s: %s" % (r[0], r[1], r[2], r[4]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
