#!/usr/bin/python3
"""Accuracy of `ippm twamp light-sender` against the relay's truth file.

    accuracy_twamp_light.py IPPM [SCENARIO ...] [--markdown FILE] [--list]

The checks of impl/stamp/tests/accuracy_stamp.py (imported, not copied)
with TWAMP Light's programs on loopback:
    ippm twamp light-sender -> ippm relay --proto twamp-light --truth T
        -> ippm twamp light-reflector
14-octet requests and 41-octet replies (RFC 5357 §4.1.2, §4.2.1). Counts
must match the truth file exactly; the median delays within 50 us of the
injected delay plus the same run's unimpaired baseline. The dirs-*
scenarios run stateless and stateful reflectors (no Direct Measurement:
TWAMP Light has no TLVs).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../stamp/tests"))
import accuracy_stamp as acc  # noqa: E402


class LightRig(acc.Rig):
    REFLECTOR = ("twamp", "light-reflector")
    SENDER = ("twamp", "light-sender")
    PROTO = "twamp-light"


MODES = tuple(m for m in acc.MODES if m[0] != "dm")
SCENARIOS = [
    ("dirs-loss", acc.sc_dirs("loss", MODES), "Bernoulli loss 8%"),
    ("dirs-dup", acc.sc_dirs("dup", MODES), "duplication 10%, the last request"),
    ("dirs-reorder", acc.sc_dirs("reorder", MODES), "held back 20:3, 90:2"),
    ("reorder", acc.sc_reorder, "rev reorder 10:3 50:2 300:7 301:1"),
    ("jitter", acc.sc_jitter, "rev delay 1 ms +- 500 us at 2000 pps"),
    ("delay", acc.sc_delay, "fwd 2 ms, rev 1 ms at 200 pps"),
    ("late", acc.sc_late, "lost replies, then later ones held back"),
    ("edge", acc.sc_edge, "first and last reply dropped"),
    ("edge-rev", acc.sc_edge_rev, "backward loss only"),
]
TITLE = ["### TWAMP Light (`ippm twamp light-sender`)", "",
         "`ippm twamp light-sender` (14-octet requests) -> `ippm relay"
         " --proto twamp-light --truth` -> `ippm twamp light-reflector"
         " --stateful` (41-octet replies; dirs-*: stateless and stateful,"
         " named in the scenario) on loopback, fixed seeds"
         " (impl/twamp/tests/accuracy_twamp_light.py, the checks of"
         " accuracy_stamp.py). Counts must match exactly; delays: the median"
         " within 50 us of the injected delay plus the same run's unimpaired"
         " baseline.", ""]

if __name__ == "__main__":
    sys.exit(acc.main(sys.argv, SCENARIOS, LightRig, TITLE))
