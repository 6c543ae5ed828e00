#!/usr/bin/python3
"""Accuracy of `ippm twamp client` and `ippm owamp client --to` against
the relay's truth file.

    accuracy_twamp_client.py IPPM [SCENARIO ...] [--markdown FILE] [--list]

The rig and report of impl/stamp/tests/accuracy_stamp.py (imported, not
copied), with the TWAMP and OWAMP programs on loopback:
    ippm twamp client --test-port P --test-via RELAY
        -> ippm relay --proto twamp-light --truth T
        -> ippm twamp server --any-sender-port (test session on P)
and the same with `ippm owamp client --to` and `ippm owamp server` (one
way: only the forward half of the relay is used). The control connection
goes straight to the server; only the test packets cross the relay
(--test-via; the server must accept them from the relay's port,
--any-sender-port). Counts must match the truth file exactly; the median
delays within 50 us of the injected delay plus the same run's unimpaired
baseline (the client straight to the server).
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../stamp/tests"))
import accuracy_stamp as acc  # noqa: E402
from accuracy_stamp import free_port  # noqa: E402


class ClientRig(acc.Rig):
    """One server per protocol; a relay and a client per run."""
    PROTO = "twamp-light"   # the relay reads TWAMP-Test's (and OWAMP's) seq

    def __init__(self, ippm, tmp):
        self.ippm, self.tmp = ippm, tmp
        self.procs = []
        self.ctl = {p: self.server(p) for p in ("twamp", "owamp")}

    def server(self, proto):
        port = free_port()
        out = os.path.join(self.tmp, proto + "-server.out")
        p = subprocess.Popen(
            [self.ippm, proto, "server", "--listen", "127.0.0.1",
             "--port", str(port), "--any-sender-port"],
            stdout=open(out, "w"), stderr=subprocess.STDOUT)
        self.procs.append(p)
        acc.wait_line(out, "listening on", p, proto + " server")
        return port

    def client(self, proto, name, test_port, via, count, interval, wait):
        js = os.path.join(self.tmp, name + ".json")
        cmd = [self.ippm, proto, "client", "127.0.0.1", "--port",
               str(self.ctl[proto]), "--count", str(count), "--interval",
               str(interval), "--wait", str(wait), "--start-delay", "0.2",
               "--no-progress", "--json", js, "--test-port", str(test_port)]
        if proto == "owamp":
            cmd.append("--to")
        if via:
            cmd += ["--test-via", "127.0.0.1:%d" % via]
        print("  $ %s" % " ".join(cmd[1:]).replace(self.tmp + "/", ""))
        s = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        if s.returncode != 0:
            raise RuntimeError("%s client %s exit status %d: %s"
                               % (proto, name, s.returncode, s.stdout))
        return json.load(open(js))

    def run_proto(self, proto, name, relay_args, count, interval, seed,
                  wait=1.0):
        """The client through a fresh relay; (json, truth records,
        summary)."""
        tport = free_port()
        return acc.through_relay(
            self, name, tport, self.PROTO, seed, relay_args,
            lambda lport: self.client(proto, name, tport, lport, count,
                                      interval, wait))

    def direct_proto(self, proto, name, count, interval, wait=1.0):
        return self.client(proto, name, free_port(), None, count, interval,
                           wait)


def way(j, name):
    for d in j["directions"]:
        if d["name"] == name:
            return d
    raise KeyError("no direction '%s' in %s" % (name, [d["name"] for d in
                                                       j["directions"]]))


def received_seqs(j):
    return {p["seq"] for p in j["packets"] if not p.get("duplicate")}


def check_twamp_counts(rep, scen, j, t):
    """Round trip: sent, lost (and which), duplicates; the send way's
    loss is the forward loss, the reflect way's the backward loss the
    reflector's numbers reveal (before its last number received)."""
    lf, lb = t.lost_fwd(), t.lost_bwd()
    rt = way(j, "round trip")
    rep.count(scen, "sent", t.count, rt["sent"])
    rep.count(scen, "lost", len(lf) + len(lb), rt["lost"])
    rep.same(scen, "lost seqs", lf + lb,
             sorted(set(range(t.count)) - received_seqs(j)))
    rep.count(scen, "duplicated", t.duplicated(), rt["duplicates"])
    # The send way counts every packet without a reply as lost (owping's
    # view of twping's "send" line), not the forward loss alone.
    rep.count(scen, "lost forward", len(lf), way(j, "send")["lost"],
              "known: the send way counts every unanswered packet"
              if lb else "")
    # the reflector numbers what reached it, in order (no reordering here)
    through = [s for s in range(t.count) if t.req_through(s)]
    top = max((p["refl_seq"] for p in j["packets"]), default=-1)
    want_b = sum(1 for s in lb if through.index(s) < top)
    rep.count(scen, "lost backward", want_b, way(j, "reflect")["lost"])
    rep.count(scen, "received + lost", rt["sent"],
              rt["received"] + rt["lost"])


def check_owamp_counts(rep, scen, j, t):
    lf = t.lost_fwd()
    d = j["directions"][0]
    rep.count(scen, "sent", t.count, d["sent"])
    rep.count(scen, "lost", len(lf), d["lost"])
    if "packets" in j:   # the OWAMP client's JSON has no packet list yet
        rep.same(scen, "lost seqs", lf,
                 sorted(set(range(t.count)) - received_seqs(j)))
    rep.count(scen, "duplicated", sum(max(0, sum(
        r["copies"] for r in t.fwd.get(s, []) if r["action"] in acc.PASSED)
        - 1) for s in range(t.count)), d["duplicates"])


def ms_list(j, key):
    return [p[key] * 1e6 for p in j["packets"]
            if p.get(key) is not None and not p.get("duplicate")]


def delay_rows(rep, scen, base, meas, key, metric, inj_ns):
    bq, mq = acc.q(ms_list(base, key), 0.5), acc.q(ms_list(meas, key), 0.5)
    err = mq - bq - inj_ns
    ok = abs(err) <= acc.TOL_NS
    rep.row(scen, "%s median" % metric, "%.3f ms" % (inj_ns / 1e6),
            "%.3f ms (%.3f - base %.3f)" % ((mq - bq) / 1e6, mq / 1e6,
                                           bq / 1e6),
            "%+.1f us" % (err / 1e3), ok, "over 50 us" if not ok else "")


def injected(recs, d):
    return acc.q([r["delay_ns"] for r in recs if r["dir"] == d
                  and r["action"] in acc.PASSED], 0.5)


N, IV = 300, 0.002


def sc_twamp_loss(rig, rep):
    j, recs, summ = rig.run_proto("twamp", "twamp-loss",
                                  ["--fwd-loss", "0.08", "--rev-loss",
                                   "0.08"], N, IV, 1401)
    check_twamp_counts(rep, "twamp-loss", j, acc.Truth(recs, summ, N))


def sc_twamp_dup(rig, rep):
    j, recs, summ = rig.run_proto("twamp", "twamp-dup",
                                  ["--rev-dup", "0.1"], N, IV, 1402)
    check_twamp_counts(rep, "twamp-dup", j, acc.Truth(recs, summ, N))


def sc_twamp_delay(rig, rep):
    d = rig.direct_proto("twamp", "twamp-delay-direct", N, IV)
    j, recs, summ = rig.run_proto("twamp", "twamp-delay",
                                  ["--fwd-delay", "2ms", "--rev-delay",
                                   "1ms"], N, IV, 1403)
    check_twamp_counts(rep, "twamp-delay", j, acc.Truth(recs, summ, N))
    f, r = injected(recs, "fwd"), injected(recs, "rev")
    delay_rows(rep, "twamp-delay", d, j, "send_ms", "forward OWD", f)
    delay_rows(rep, "twamp-delay", d, j, "reflect_ms", "backward OWD", r)
    delay_rows(rep, "twamp-delay", d, j, "rtt_ms", "RTT", f + r)


def owamp_truth(recs, summ):
    """The relay's forward half only: a one-way test has no replies."""
    return acc.Truth(recs, summ, N)


def sc_owamp_loss(rig, rep):
    j, recs, summ = rig.run_proto("owamp", "owamp-loss",
                                  ["--fwd-loss", "0.08"], N, IV, 1411)
    check_owamp_counts(rep, "owamp-loss", j, owamp_truth(recs, summ))


def sc_owamp_dup(rig, rep):
    j, recs, summ = rig.run_proto("owamp", "owamp-dup",
                                  ["--fwd-dup", "0.1"], N, IV, 1412)
    check_owamp_counts(rep, "owamp-dup", j, owamp_truth(recs, summ))


def sc_owamp_delay(rig, rep):
    d = rig.direct_proto("owamp", "owamp-delay-direct", N, IV)
    j, recs, summ = rig.run_proto("owamp", "owamp-delay",
                                  ["--fwd-delay", "2ms"], N, IV, 1413)
    check_owamp_counts(rep, "owamp-delay", j, owamp_truth(recs, summ))
    # the median of the direction's summary: no packet list in OWAMP's JSON
    bq = d["directions"][0]["delay_ms"]["median"] * 1e6
    mq = j["directions"][0]["delay_ms"]["median"] * 1e6
    inj = injected(recs, "fwd")
    err = mq - bq - inj
    ok = abs(err) <= acc.TOL_NS
    rep.row("owamp-delay", "one-way delay median", "%.3f ms" % (inj / 1e6),
            "%.3f ms (%.3f - base %.3f)" % ((mq - bq) / 1e6, mq / 1e6,
                                           bq / 1e6),
            "%+.1f us" % (err / 1e3), ok, "over 50 us" if not ok else "")

SCENARIOS = [
    ("twamp-loss", sc_twamp_loss, "Bernoulli loss 8% each way"),
    ("twamp-dup", sc_twamp_dup, "backward duplication 10%"),
    ("twamp-delay", sc_twamp_delay, "fwd 2 ms, rev 1 ms at 500 pps"),
    ("owamp-loss", sc_owamp_loss, "Bernoulli loss 8%"),
    ("owamp-dup", sc_owamp_dup, "duplication 10%"),
    ("owamp-delay", sc_owamp_delay, "2 ms at 500 pps"),
]
TITLE = ["### TWAMP and OWAMP clients (`ippm twamp client`, "
         "`ippm owamp client --to`)", "",
         "The client -> `ippm relay --proto twamp-light --truth` (test"
         " packets only: `--test-port P --test-via RELAY`) -> `ippm twamp"
         " server` / `ippm owamp server` with `--any-sender-port`, open"
         " mode, on loopback, fixed seeds"
         " (impl/twamp/tests/accuracy_twamp_client.py, the rig of"
         " accuracy_stamp.py). Counts must match exactly; delays: the median"
         " within 50 us of the injected delay plus the same run's"
         " unimpaired baseline (the client straight to the server).", ""]

if __name__ == "__main__":
    sys.exit(acc.main(sys.argv, SCENARIOS, ClientRig, TITLE))
